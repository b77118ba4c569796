// The steepest family against paper 003: balance law (Lemma 4.5), metric exponent and Bregman
// property (Lemma 4.13, Cor. 4.14), Table 1 / Thm 4.16, Fig. 2(b) closed forms, saddle escape of
// sign descent vs GD (Fig. 1), depth and sparse recovery (Fig. 7), Adam ≃ SignGD (App. A).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartSpec, metricSpec, runSummary, theorySeries } from '../../src-main/contract/family-meta';
import { exampleFile } from '../../src-main/contract/spec';
import { expandSweep } from '../../src-main/contract/sweep';
import { DivergedError } from '../../workers/family';
import { getFamily } from '../../workers/families';
import { family } from '../../workers/families/steepest';
import { geometryTable, weightDecayGrid } from '../../workers/families/steepest/analyses';
import { balanceResiduals } from '../../workers/families/steepest/balance';
import {
  bregmanClass,
  coercivity,
  decoupledRegularizer,
  maxBregmanDepth,
  metricExponent,
  scalarBlowUpTime,
  scalarFlow,
} from '../../workers/families/steepest/geometry';
import { DiagonalNetwork, type OptimizerSettings } from '../../workers/families/steepest/network';
import { Objective } from '../../workers/families/steepest/objective';
import { steepestParams } from '../../workers/families/steepest/params';
import { makeProblem } from '../../workers/families/steepest/problem';
import { recordSteps } from '../../workers/families/steepest/schedule';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext, type RecordingContext } from './fake-run-context';

type Summary = Record<string, unknown>;
const run = (input: Record<string, unknown>, ctx: RecordingContext = fakeRunContext()): Summary =>
  family.run(family.params.parse(input), ctx) as Summary;

const OPT: OptimizerSettings = { kind: 'steepest', q: 2, learningRate: 1e-3, coupledDecay: 0, decoupledDecay: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** Issue paths of a rejected parameter set. */
function issuePaths(input: Record<string, unknown>): string[] {
  const result = steepestParams.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('parameters', () => {
  it('defaults reproduce the Fig. 1 / App. I regression setting', () => {
    const p = steepestParams.parse({});
    expect(p).toMatchObject({ task: 'regression', features: 100, samples: 300, support: 5, depth: 3, q: 1, learningRate: 1e-4, steps: 1_000_000, init: 'saddle', initScale: 0.1 });
  });

  it('rejects q outside [1, 2] and bad shapes with field paths', () => {
    expect(issuePaths({ q: 0.5 })).toEqual(['q']);
    expect(issuePaths({ q: 2.5 })).toEqual(['q']);
    expect(issuePaths({ depth: 17 })).toEqual(['depth']);
    expect(issuePaths({ features: 10, support: 11 })).toEqual(['support']);
    expect(issuePaths({ features: 3, groundTruth: [1, 0] })).toEqual(['groundTruth']);
    expect(issuePaths({ samples: 20, batchSize: 21 })).toEqual(['batchSize']);
    expect(issuePaths({ task: 'classification', support: 0 })).toEqual(['support']);
  });
});

describe('geometry (Lemma 4.13, Cor. 4.9/4.10/4.14, Thm 4.16, Table 1)', () => {
  it('metric exponent m = q(L−1)/L and the Bregman classes of Cor. 4.14', () => {
    expect(metricExponent(1, 2)).toBe(0.5);
    expect(metricExponent(2, 10)).toBeCloseTo(1.8, 14);
    // p = 2 (q = 2): only L ≤ 2; p = ∞ (q = 1): every depth; q = 1.5: L ≤ q/(q−1) = 3.
    expect([1, 2, 3].map((L) => bregmanClass(2, L))).toEqual(['Rn', 'orthant', 'none']);
    expect([2, 10, 16].map((L) => bregmanClass(1, L))).toEqual(['Rn', 'Rn', 'Rn']);
    expect([3, 4].map((L) => bregmanClass(1.5, L))).toEqual(['orthant', 'none']);
    expect([maxBregmanDepth(2), maxBregmanDepth(1.5), maxBregmanDepth(1)]).toEqual([2, 3, Infinity]);
  });

  it('coercivity: μ = λ^{q(L−1)} at the saddle init (Cor. 4.10), c^{L−1} when c-balanced (Cor. 4.9)', () => {
    expect(coercivity('saddle', 2, 3, 0.1, 0)).toBeCloseTo(1e-4, 18);
    expect(coercivity('saddle', 1, 3, 0.1, 0)).toBeCloseTo(1e-2, 16);
    expect(coercivity('balanced', 1.5, 4, 0.1, 0.2)).toBeCloseTo(0.008, 16);
    expect(coercivity('random', 1, 3, 0.1, 0)).toBeNull();
  });

  it('the network flow of a balanced (λ = 0) coordinate has inverse metric L|x|^m (Lemma 4.13)', () => {
    // One tiny step of steepest descent: Δx/η → −L|x|^m sign(h)|h|^{q−1}.
    for (const [q, depth] of [[1.5, 3], [2, 4], [1.2, 2]]) {
      const eta = 1e-9;
      const net = new DiagonalNetwork(1, depth, { ...OPT, q, learningRate: eta });
      net.initialize('balanced', 0.7, 0, q, createRng(0));
      const x0 = net.x[0];
      const h = 0.3;
      net.step(Float64Array.of(h));
      const predicted = -depth * Math.abs(x0) ** metricExponent(q, depth) * h ** (q - 1);
      expect((net.x[0] - x0) / eta / predicted - 1).toBeLessThan(1e-6);
    }
  });

  it('Thm 4.16: ∇M_reg = ∇²R · (decay in x), i.e. d/dx [L/(L(2−q)+q)|x|^{2−m}] = |x|^{−m}/L · Lx', () => {
    for (const [q, depth] of [[1, 2], [1.5, 3], [2, 5]]) {
      const reg = decoupledRegularizer(q, depth);
      const m = metricExponent(q, depth);
      const x = 0.37, h = 1e-6;
      const derivative = (reg.coefficient * ((x + h) ** reg.exponent - (x - h) ** reg.exponent)) / (2 * h);
      expect(derivative / ((x ** -m / depth) * depth * x) - 1).toBeLessThan(1e-8);
    }
  });

  it('Table 1 as printed: decoupled (L_{3/2}, L_1), (L_{5/4}, L_{1/2}), (L_1, log); coupled (L_1, log)', () => {
    expect([decoupledRegularizer(1, 2).label, decoupledRegularizer(1, Infinity).label]).toEqual(['L_{3/2}', 'L_1']);
    expect([decoupledRegularizer(1.5, 2).label, decoupledRegularizer(1.5, Infinity).label]).toEqual(['L_{5/4}', 'L_{1/2}']);
    expect([decoupledRegularizer(2, 2).label, decoupledRegularizer(2, Infinity).label]).toEqual(['L_1', 'log']);
    // Example 4.17: an L₁ bias at q = L/(L−1).
    expect(decoupledRegularizer(4 / 3, 4).label).toBe('L_1');
  });
});

describe('scalar flow dx/dt = x^m (Fig. 2(b), x₀ = 0.1)', () => {
  it('closed forms: exponential at m = 1, blow-up at t* = x₀^{1−m}/(m−1)', () => {
    expect(scalarFlow(1, 0.1, 2)).toBeCloseTo(0.1 * Math.exp(2), 14);
    expect(scalarBlowUpTime(2, 0.1)).toBeCloseTo(10, 12);
    expect(scalarBlowUpTime(1.5, 0.1)).toBeCloseTo(2 / Math.sqrt(0.1), 12);
    expect(scalarBlowUpTime(0.5, 0.1)).toBeNull();
    // m = 0.5: √x = √x₀ + t/2.
    expect(scalarFlow(0.5, 0.1, 3)).toBeCloseTo((Math.sqrt(0.1) + 1.5) ** 2, 12);
  });

  it('the scalar-flow task integrates each curve to its closed form and stops at blow-up', () => {
    const ctx = fakeRunContext();
    const s = run({ task: 'scalar-flow' }, ctx);
    // Near blow-up x ∝ 1/(t* − t) turns a time error δt into a relative error δt/(t* − t), about 10⁶·δt at x = 10⁶.
    for (const e of s.closedFormMaxRelError as number[]) expect(e).toBeLessThan(1e-5);
    expect((s.closedFormMaxRelError as number[])[0]).toBeLessThan(1e-10);
    const ends = s.endTimes as number[];
    expect(ends[0]).toBe(12); // m = 0.5 reaches the horizon
    expect(ends[3]).toBeLessThan(10); // m = 2 stops before t* = 10, at x = 10⁶
    expect(ends[3]).toBeGreaterThan(9.99);
    expect(ctx.series('scalar/3').x.length).toBe(400);
    const overlays = family.theory?.(family.params.parse({ task: 'scalar-flow' })) ?? [];
    expect(overlays.filter((o) => o.id === 'blowUp').map((o) => o.x[0])).toEqual([scalarBlowUpTime(1.5, 0.1), scalarBlowUpTime(2, 0.1)]);
  });
});

describe('objective and fused network step', () => {
  it('gradients match central differences; the Gram and residual forms agree', () => {
    for (const task of ['regression', 'classification'] as const) {
      const p = steepestParams.parse({ task, features: 6, samples: 20, support: 2 });
      const problem = makeProblem(p, createRng(3));
      const objective = new Objective(problem);
      const x = Float64Array.from({ length: 6 }, (_, i) => 0.1 * (i - 2));
      const grad = new Float64Array(6);
      const scratch = new Float64Array(6);
      objective.gradient(x, grad, null);
      for (let c = 0; c < 6; c++) {
        const e = 1e-6;
        const plus = Float64Array.from(x), minus = Float64Array.from(x);
        plus[c] += e;
        minus[c] -= e;
        const fd = (objective.loss(plus, scratch) - objective.loss(minus, scratch)) / (2 * e);
        expect(Math.abs(grad[c] - fd)).toBeLessThan(1e-7);
      }
      // A "batch" of every row takes the residual path: same loss as the Gram path.
      const all = Int32Array.from({ length: 20 }, (_, i) => i);
      expect(objective.gradient(x, new Float64Array(6), all)).toBeCloseTo(objective.loss(x, scratch), 12);
    }
  });

  it('GD on the layers (q = 2) steps along ∂f/∂wᵢ = h Π_{j≠i} wⱼ, also with a zero layer', () => {
    const net = new DiagonalNetwork(2, 3, OPT);
    net.w.set([0, 0.5, 0.2, -0.3, 0.7, 0.4]);
    net.refreshProduct();
    const before = Float64Array.from(net.w);
    const h = Float64Array.of(0.9, -1.1);
    net.step(h);
    const expected = [
      before[0] - 1e-3 * h[0] * before[2] * before[4],
      before[1] - 1e-3 * h[1] * before[3] * before[5],
      before[2] - 1e-3 * h[0] * before[0] * before[4],
      before[3] - 1e-3 * h[1] * before[1] * before[5],
      before[4] - 1e-3 * h[0] * before[0] * before[2],
      before[5] - 1e-3 * h[1] * before[1] * before[3],
    ];
    expected.forEach((v, i) => expect(net.w[i]).toBeCloseTo(v, 15));
    expect(net.x[1]).toBeCloseTo(net.w[1] * net.w[3] * net.w[5], 15);
  });

  it('Adam with ε = 0 takes exactly a sign-descent first step (App. A)', () => {
    const adam = new DiagonalNetwork(4, 3, { ...OPT, kind: 'adam', epsilon: 0 });
    const sign = new DiagonalNetwork(4, 3, { ...OPT, kind: 'sign' });
    for (const net of [adam, sign]) net.initialize('saddle', 0.1, 0, 1, createRng(0));
    const h = Float64Array.of(0.5, -2, 1e-6, 3);
    adam.step(h);
    sign.step(h);
    for (let i = 0; i < adam.w.length; i++) expect(Math.abs(adam.w[i] - sign.w[i])).toBeLessThan(1e-18);
    // The saddle init: only w₁ moves on the first step, by exactly η.
    expect(Array.from(sign.w.subarray(0, 4))).toEqual([-1e-3, 1e-3, -1e-3, -1e-3]);
    expect(Array.from(sign.w.subarray(4))).toEqual(new Array(8).fill(0.1));
  });
});

describe('balance law (Lemma 4.5)', () => {
  /** Largest change of |wᵢ|^q − |wⱼ|^q over a run, relative to its initial size. */
  function balanceDrift(q: number, eta: number, time: number): number {
    const p = steepestParams.parse({ features: 20, samples: 60, support: 3, depth: 3, q });
    const problem = makeProblem(p, createRng(1));
    const objective = new Objective(problem);
    const net = new DiagonalNetwork(20, 3, { ...OPT, q, learningRate: eta });
    net.initialize('balanced', 0.3, 0.05, q, createRng(2));
    const b0 = balanceResiduals(net.w, 20, 3, q);
    const grad = new Float64Array(20);
    for (let t = 0; t < time / eta; t++) {
      objective.gradient(net.x, grad, null);
      net.step(grad);
    }
    const b1 = balanceResiduals(net.w, 20, 3, q);
    return Math.max(...b1.map((v, i) => Math.abs(v - b0[i]))) / 0.05;
  }

  it('without weight decay |wᵢ|^q − |wⱼ|^q is conserved to O(η) (GD and q = 1.5)', () => {
    for (const q of [2, 1.5]) {
      const coarse = balanceDrift(q, 2e-3, 4);
      const fine = balanceDrift(q, 1e-3, 4);
      expect(coarse).toBeLessThan(0.05);
      // First order in η at a fixed flow time: halving η halves the drift.
      expect(coarse / fine).toBeGreaterThan(1.7);
      expect(coarse / fine).toBeLessThan(2.3);
    }
  });

  it('sign descent with decoupled decay: B(t) = B(0)(1 − ηα₂)^t exactly while no factor crosses zero', () => {
    const net = new DiagonalNetwork(1, 3, { ...OPT, kind: 'sign', decoupledDecay: 2 });
    net.initialize('balanced', 0.5, 0.2, 1, createRng(0));
    const b0 = balanceResiduals(net.w, 1, 3, 1);
    const h = Float64Array.of(-1);
    for (let t = 0; t < 500; t++) net.step(h);
    const b = balanceResiduals(net.w, 1, 3, 1);
    expect(b[0] / b0[0]).toBeCloseTo((1 - 2e-3) ** 500, 12);
    expect(b[1] / b0[1]).toBeCloseTo((1 - 2e-3) ** 500, 12);
  });

  it('with decoupled decay α₂ the residuals follow B(0)·exp(−q∫α) (q = 1, 1.5, 2)', () => {
    // q = 1 is looser: off-support coordinates chatter around zero, where Lemma 4.5 is exact only for the flow (README).
    for (const q of [1, 1.5, 2]) {
      const ctx = fakeRunContext();
      const eta = 1e-3, alpha = 1, steps = 2000;
      const s = run(
        { optimizer: 'steepest', q, features: 20, samples: 60, support: 3, depth: 3, learningRate: eta, steps, decoupledDecay: alpha, init: 'balanced', initScale: 0.5, balanceConstant: 0.2, recordPoints: 50 },
        ctx,
      );
      const ratio = ctx.series('balanceRatio/2');
      ratio.x.forEach((step, i) => {
        const predicted = Math.exp(-q * eta * alpha * step);
        expect(Math.abs(ratio.y[i] - predicted)).toBeLessThan(q === 1 ? 5e-3 : 5e-4);
      });
      expect(s.balanceDistance as number).toBeLessThan(q === 1 ? 1e-3 : 1e-4);
    }
  });

  it('coupled decay breaks the law: farther from the prediction than decoupled decay of equal strength', () => {
    const base = { optimizer: 'sign', features: 20, samples: 60, support: 3, depth: 3, learningRate: 1e-3, steps: 3000, init: 'balanced', initScale: 0.5, balanceConstant: 0.2 };
    const coupled = run({ ...base, coupledDecay: 1 });
    const decoupled = run({ ...base, decoupledDecay: 1 });
    expect(decoupled.balanceDistance as number).toBeLessThan(0.1 * (coupled.balanceDistance as number));
  });
});

describe('saddle escape and sparse recovery (Fig. 1, Fig. 7)', () => {
  const REG = { features: 100, samples: 300, support: 5, depth: 3, learningRate: 1e-4, steps: 10_000, recordPoints: 100 };

  it('L = 3: sign descent escapes within 10⁴ steps; GD at the same η has not (Cor. 4.10: μ = 10⁻² vs 10⁻⁴)', () => {
    const ctx = fakeRunContext();
    const sign = run({ ...REG, q: 1 }, ctx);
    const gd = run({ ...REG, q: 2 });
    expect(sign.escaped).toBe(1);
    expect(sign.escapeStep as number).toBeLessThan(10_000);
    expect(gd.escaped).toBe(0);
    expect(gd.escapeStep).toBeNull();
    expect(gd.finalLoss as number).toBeGreaterThan(0.5 * (gd.initialLoss as number));
    // The event metric marks the escape on the loss chart.
    expect(ctx.series('escape').x).toEqual([sign.escapeStep]);
    // Regression loss is ‖Zx − y‖²/(2k): at x = 0 it is ‖y‖²/(2k) ≈ ‖x*‖²/2 = 2.5 for Gaussian Z.
    expect(sign.initialLoss as number).toBeGreaterThan(2);
    expect(sign.initialLoss as number).toBeLessThan(3);
  });

  it('k = 80: L = 10 sign descent recovers the 5-sparse x* far more closely than L = 1', () => {
    const base = { features: 100, samples: 80, support: 5, q: 1, learningRate: 1e-3, steps: 20_000, recordPoints: 50 };
    const deep = run({ ...base, depth: 10 });
    const shallow = run({ ...base, depth: 1 });
    expect(deep.finalDistance as number).toBeLessThan(0.3);
    expect(shallow.finalDistance as number).toBeGreaterThan(2);
    expect(deep.finalOffSupportL1 as number).toBeLessThan(0.2 * (shallow.finalOffSupportL1 as number));
  });

  it('classification (App. F): depth 10 SignGD gives a sparser L∞-normalized x than depth 2; GD at L = 10 stays stuck', () => {
    const base = { task: 'classification', features: 100, samples: 80, support: 2, learningRate: 0.01, steps: 3000, recordPoints: 50 };
    const ctx = fakeRunContext();
    const deep = run({ ...base, optimizer: 'sign', depth: 10 }, ctx);
    const shallow = run({ ...base, optimizer: 'sign', depth: 2 });
    const gd = run({ ...base, optimizer: 'steepest', q: 2, depth: 10 });
    expect(deep.finalDistance as number).toBeLessThan(shallow.finalDistance as number);
    expect(deep.finalMargin as number).toBeGreaterThan(0);
    expect(gd.escaped).toBe(0);
    const direction = ctx.series('xFinal');
    expect(direction.x.length).toBe(100);
    expect(Math.max(...direction.y.map(Math.abs))).toBe(1);
    expect(ctx.series('margin').y.at(-1)).toBeCloseTo(deep.finalMargin as number, 12);
  });
});

describe('the family as the app sees it', () => {
  it('is registered, with valid metrics, charts (heatmap of x/, escape as points) and overlays', () => {
    expect(getFamily('steepest')).toBe(family);
    family.metrics.forEach((m) => metricSpec.parse(m));
    const charts = family.charts.map((c) => chartSpec.parse(c));
    expect(charts.find((c) => c.kind === 'heatmap')?.series).toEqual(['x/']);
    expect(family.metrics.find((m) => m.name === 'escape')?.style).toBe('points');
    const overlays = family.theory?.(family.params.parse({ decoupledDecay: 1e-2 })) ?? [];
    overlays.forEach((o) => theorySeries.parse(o));
    const decay = overlays.find((o) => o.id === 'balanceDecay');
    expect(decay?.y.at(-1)).toBeCloseTo(Math.exp(-1 * 1e-4 * 1e-2 * 1e6), 12);
    // Saddle init: B(0) = |w₁|^q − |wⱼ|^q = −λ^q.
    expect(overlays.find((o) => o.id === 'balancePredicted')?.y[0]).toBeCloseTo(-0.1, 15);
  });

  it('records log-spaced + every-k steps, emits every feature, and a summary with the geometry', () => {
    // 300 log-spaced and 300 uniform chosen steps, each stored with its neighbour.
    expect(recordSteps(1_000_000, 300).length).toBeLessThanOrEqual(1202);
    const steps = recordSteps(1000, 10);
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(1000);
    const ctx = fakeRunContext();
    const s = run({ features: 12, samples: 30, support: 2, depth: 3, q: 1.5, learningRate: 1e-3, steps: 5000, recordPoints: 40 }, ctx);
    runSummary.parse(s);
    expect(ctx.series('x/11').x).toEqual(Array.from(recordSteps(5000, 40)));
    expect(ctx.series('support/1').y).toEqual(ctx.series('x/1').y);
    expect(s).toMatchObject({ metricExponent: 1, isBregman: 1, bregmanDomain: 'Bregman on the orthant of x₀ (m = 1)', decoupledRegularizer: 'L_1', coupledRegularizer: 'L_{2/3}' });
    expect(s.coercivity as number).toBeCloseTo(0.1 ** 3, 15);
    expect(ctx.progressValues.at(-1)).toBe(1);
  });

  it('mini-batch training runs and detects the escape at recorded steps', () => {
    const s = run({ features: 30, samples: 60, support: 3, depth: 2, q: 1, learningRate: 1e-3, steps: 5000, batchSize: 5, recordPoints: 100 });
    expect(s.escaped).toBe(1);
    expect(Array.from(recordSteps(5000, 100))).toContain(s.escapeStep);
  });

  it('stops early when cancelled and reports divergence as DivergedError', () => {
    const controller = new AbortController();
    controller.abort();
    expect(run({ steps: 100_000, features: 10, samples: 20, support: 2 }, fakeRunContext(controller.signal))).toEqual({});
    expect(() => run({ q: 2, depth: 1, learningRate: 10, steps: 1000, features: 10, samples: 20, support: 2 })).toThrow(DivergedError);
  });
});

describe('analyses', () => {
  const asRun = (params: Record<string, unknown>, summary: Summary, runId: number) => ({ runId, params, seed: 0, status: 'done', summary: runSummary.parse(summary) });

  it('geometry table: tabulates m, μ, Bregman per run and checks that smaller q never escapes later', () => {
    const base = { features: 100, samples: 300, support: 5, depth: 3, learningRate: 1e-4, steps: 10_000, recordPoints: 50 };
    const runs = [1, 2].map((q, i) => asRun({ ...base, q }, run({ ...base, q }), i));
    const result = geometryTable.run(runs);
    expect(result.rows.map((r) => r.metricExponent)).toEqual([2 / 3, 4 / 3]);
    expect(result.rows.map((r) => r.bregman)).toEqual(['Bregman on ℝⁿ (m < 1)', 'not Bregman (m > 1)']);
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0].pass).toBe(true);
    // Swapping the summaries (GD escaping first) must fail the check.
    const swapped = geometryTable.run([asRun(runs[0].params, runs[1].summary, 0), asRun(runs[1].params, runs[0].summary, 1)]);
    expect(swapped.checks[0].pass).toBe(false);
  });

  it('weight-decay grid pairs coupled and decoupled runs of equal strength', () => {
    const base = { optimizer: 'sign', features: 20, samples: 60, support: 3, depth: 3, learningRate: 1e-3, steps: 3000, init: 'balanced', initScale: 0.5, balanceConstant: 0.2 };
    const runs = [{ coupledDecay: 1 }, { decoupledDecay: 1 }].map((d, i) => asRun({ ...base, ...d }, run({ ...base, ...d }), i));
    expect(weightDecayGrid.applies(runs)).toBe(true);
    const result = weightDecayGrid.run(runs);
    expect(result.rows).toHaveLength(2);
    expect(result.checks.filter((c) => c.name.includes('decoupled < coupled')).map((c) => c.pass)).toEqual([true]);
  });
});

describe('example experiments', () => {
  for (const file of ['steepest-regression', 'steepest-margins', 'steepest-weight-decay', 'steepest-fig2-scalar']) {
    it(`${file}.json parses and every run's params are valid`, () => {
      const spec = exampleFile.parse(JSON.parse(readFileSync(new URL(`../../examples/${file}.json`, import.meta.url), 'utf8')));
      expect(spec.family).toBe('steepest');
      for (const planned of expandSweep(spec.params, spec.sweep, spec.seeds)) family.params.parse(planned.params);
    });
  }
});
