// The mode-flow family against paper 000 (eqs. (2)–(9), Fig. 1) and the README's closed forms.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { chartSpec, theorySeries } from '../../src-main/contract/family-meta';
import { exampleFile } from '../../src-main/contract/spec';
import { builtInFamilies, getFamily } from '../../workers/families';
import { family } from '../../workers/families/mode-flow';
import { barrier, Channel, potential } from '../../workers/families/mode-flow/barrier';
import {
  channelTimeDepth4,
  channelTimeHypergeometric,
  channelTimeLinear,
  channelTimeLogistic,
  channelTimeQuadrature,
} from '../../workers/families/mode-flow/closed-forms';
import { solveFlow } from '../../workers/families/mode-flow/solver';
import { fakeRunContext } from './fake-run-context';

type Summary = Record<string, unknown>;
const run = (input: Record<string, unknown>, ctx = fakeRunContext()): Summary => family.run(family.params.parse(input), ctx) as Summary;
const numbers = (v: unknown): (number | null)[] => v as (number | null)[];
const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

const FIG1 = { depth: 3, targets: [1, 0.5, 0.25, 0.1], initScale: 0.04 };

/** Exact time from a0 to a on the channel of depth L (README closed forms; quadrature for L ≥ 5). */
function exactTime(depth: number, s: number, a0: number, a: number): number {
  if (depth === 1) return channelTimeLinear(s, a0, a);
  if (depth === 2) return channelTimeLogistic(s, a0, a);
  if (depth === 4) return channelTimeDepth4(s, a0, a);
  if (depth === 3) return channelTimeHypergeometric(depth, s, a0, a);
  return channelTimeQuadrature(depth, s, a0, a);
}

describe('closed forms of the channel (2) (README)', () => {
  it('agree with one another: ₂F₁ form, L = 4 artanh form, logistic, and adaptive quadrature', () => {
    for (const [s, a0] of [[1, 1e-4], [0.3, 1e-7], [2, 0.5]]) {
      for (const depth of [3, 4, 5, 6]) {
        expect(relErr(channelTimeHypergeometric(depth, s, a0, s / 2), channelTimeQuadrature(depth, s, a0, s / 2))).toBeLessThan(1e-12);
      }
      expect(relErr(channelTimeDepth4(s, a0, s / 2), channelTimeHypergeometric(4, s, a0, s / 2))).toBeLessThan(1e-12);
      expect(relErr(channelTimeLogistic(s, a0, s / 2), channelTimeQuadrature(2, s, a0, s / 2))).toBeLessThan(1e-12);
      expect(relErr(channelTimeLinear(s, a0, s / 2), channelTimeQuadrature(1, s, a0, s / 2))).toBeLessThan(1e-12);
    }
  });

  it('recovers eq. (7) as ε → 0 (README: small a₀ = ε^L)', () => {
    const eps = 1e-3;
    for (const depth of [3, 4, 5]) {
      expect(relErr(channelTimeHypergeometric(depth, 1, eps ** depth, 0.5), eps ** -(depth - 2) / (depth - 2))).toBeLessThan(0.01);
    }
  });

  it("README: paper 001's half-way time (1/2s) log(s/a₀ − 1) with s = 3, a₀ = 0.01 is 0.95007", () => {
    expect(channelTimeLogistic(3, 0.01, 1.5)).toBeCloseTo(0.95007, 5);
  });
});

describe('mode-flow escape times against the closed forms', () => {
  it('match to 1e-8 relative for L = 1…6 (L = 2 logistic, L = 3 ₂F₁, L = 4 artanh, L = 5, 6 quadrature)', () => {
    for (const depth of [1, 2, 3, 4, 5, 6]) {
      for (const eps of [0.1, 0.04, 0.005]) {
        const targets = [1, 0.3];
        const summary = run({ depth, targets, initScale: eps });
        const escapes = numbers(summary.escapeTimes);
        targets.forEach((s, i) => {
          const exact = exactTime(depth, s, eps ** depth, s / 2);
          expect(relErr(escapes[i] as number, exact), `L = ${depth}, ε = ${eps}, σ* = ${s}`).toBeLessThan(1e-8);
        });
      }
    }
  });

  it('times to tolerance match the closed forms to 1e-8, approached from below and from above', () => {
    const summary = run({ depth: 3, targets: [1, 0.5, 2], initialValues: [1e-5, 0.3, 5], tolerance: 1e-4 });
    const times = numbers(summary.timesToTolerance);
    expect(relErr(times[0] as number, channelTimeQuadrature(3, 1, 1e-5, 1 - 1e-4))).toBeLessThan(1e-8);
    expect(relErr(times[1] as number, channelTimeQuadrature(3, 0.5, 0.3, 0.5 * (1 - 1e-4)))).toBeLessThan(1e-8);
    expect(relErr(times[2] as number, channelTimeQuadrature(3, 2, 5, 2 * (1 + 1e-4)))).toBeLessThan(1e-8);
  });

  it('records σ(t) on the logistic curve for L = 2 to 1e-8 relative at every sample', () => {
    const s = 0.7, eps = 0.01, a0 = eps ** 2;
    const ctx = fakeRunContext();
    run({ depth: 2, targets: [s], initScale: eps }, ctx);
    const { x, y } = ctx.series('sigma/0');
    expect(x).toHaveLength(400);
    x.forEach((t, k) => {
      const exact = s / (1 + (s / a0 - 1) * Math.exp(-2 * s * t));
      expect(relErr(y[k], exact)).toBeLessThan(1e-8);
    });
  });

  it('records σ(t) for L = 3 (Fig. 1) consistent with the exact t(σ) to 1e-8', () => {
    const ctx = fakeRunContext();
    run(FIG1, ctx);
    FIG1.targets.forEach((s, i) => {
      const { x, y } = ctx.series(`sigma/${i}`);
      x.forEach((t, k) => {
        if (y[k] > 0.99 * s) return; // t(σ) is ill-conditioned at the target
        expect(Math.abs(t - channelTimeHypergeometric(3, s, 0.04 ** 3, y[k]))).toBeLessThan(1e-8 * Math.max(t, 1));
      });
    });
  });
});

describe('barrier coordinate and Bregman potential (eqs. (3), (4))', () => {
  it('β_L is the derivative of Φ_L, with Φ₂ = ½(σ log σ − σ) and β₂ = ½ log σ', () => {
    for (const depth of [1, 2, 3, 4, 6]) {
      for (const sigma of [0.05, 0.7, 3]) {
        const h = 1e-5 * sigma;
        const derivative = (potential(depth, sigma + h) - potential(depth, sigma - h)) / (2 * h);
        expect(derivative).toBeCloseTo(barrier(depth, sigma), 8);
      }
    }
    expect(barrier(2, 4)).toBeCloseTo(0.5 * Math.log(4), 15);
    expect(barrier(1, 0.3)).toBeCloseTo(0.3, 15);
    expect(barrier(3, 8)).toBeCloseTo(-0.5, 15); // σ^{2/3−1}/(2−3)
  });

  it('the stable D_Φ equals the definition Φ(σ*) − Φ(σ) − β(σ)(σ* − σ), and its quadratic limit (§4.3)', () => {
    for (const depth of [1, 2, 3, 4, 5, 6]) {
      for (const target of [0.1, 1, 7]) {
        const channel = new Channel(depth, target);
        for (const ratio of [0.01, 0.3, 0.9, 1.7, 5]) {
          const sigma = ratio * target;
          const definition = potential(depth, target) - potential(depth, sigma) - barrier(depth, sigma) * (target - sigma);
          const d = barrier(depth, sigma) - channel.barrierTarget;
          const scale = Math.abs(potential(depth, target)) + Math.abs(potential(depth, sigma)) + Math.abs(barrier(depth, sigma) * (target - sigma));
          expect(Math.abs(channel.bregman(d) - definition)).toBeLessThan(1e-13 * scale);
        }
        // D ≈ σ*^{2/L−2} δ²/(2L) near the target, where the definition has lost every digit.
        const delta = 1e-9 * target;
        const d = barrier(depth, target + delta) - channel.barrierTarget;
        expect(relErr(channel.bregman(d), (target ** (2 / depth - 2) * delta ** 2) / (2 * depth))).toBeLessThan(1e-5);
      }
    }
  });
});

describe('dissipation identity dD/dt = −2ℓ (Theorem 2)', () => {
  /** max over t of |dD/dt + 2ℓ| / (2ℓ), with dD/dt by a 5-point central difference on the dense solution. */
  function dissipation(depth: number, targets: number[], eps: number, breg: (c: Channel, d: number) => number): { worst: number; ratio: number } {
    const flow = solveFlow({ depth, targets, initial: targets.map(() => eps ** depth), tolerance: 1e-3, horizon: 'converged', rtol: 1e-12 });
    if (!flow.ok) throw new Error(flow.message);
    const bregAt = (t: number): number => flow.modes.reduce((acc, m) => acc + breg(m.channel, m.offsetAt(t)), 0);
    const lossAt = (t: number): number =>
      flow.modes.reduce((acc, m) => acc + 0.5 * (m.channel.target * Math.expm1(m.channel.logRatio(m.offsetAt(t)))) ** 2, 0);
    const h = 1e-4 / Math.max(...flow.modes.map((m) => m.channel.rate));
    let worst = 0, ratio = 0;
    for (let k = 1; k < 400; k++) {
      const t = (k / 400) * flow.horizon;
      const dDdt = (bregAt(t - 2 * h) - 8 * bregAt(t - h) + 8 * bregAt(t + h) - bregAt(t + 2 * h)) / (12 * h);
      const twoLoss = 2 * lossAt(t);
      worst = Math.max(worst, Math.abs(dDdt + twoLoss) / twoLoss);
      ratio = Math.max(ratio, -dDdt / twoLoss);
    }
    return { worst, ratio };
  }
  const familyBregman = (c: Channel, d: number): number => c.bregman(d);

  it('holds along the Fig. 1 trajectory (L = 3) to 1e-6', () => {
    expect(dissipation(3, FIG1.targets, 0.04, familyBregman).worst).toBeLessThan(1e-6);
  });

  it('holds for L = 2 with the corrected Φ₂ = ½(σ log σ − σ); the printed Φ₂ would give −4ℓ (README)', () => {
    expect(dissipation(2, [1, 0.4], 0.01, familyBregman).worst).toBeLessThan(1e-6);
    const printed = (c: Channel, d: number): number => {
      const s = c.target, sigma = s * Math.exp(c.logRatio(d));
      const phi = (v: number): number => v * Math.log(v) - v;
      return phi(s) - phi(sigma) - Math.log(sigma) * (s - sigma);
    };
    expect(dissipation(2, [1, 0.4], 0.01, printed).ratio).toBeCloseTo(2, 4);
  });

  it('the recorded bregman metric decreases monotonically', () => {
    const ctx = fakeRunContext();
    run(FIG1, ctx);
    const { y } = ctx.series('bregman');
    for (let k = 1; k < y.length; k++) expect(y[k]).toBeLessThan(y[k - 1]);
  });
});

describe('Fig. 1 geometry: barrier coordinate', () => {
  it('is a straight line of slope σ* through the dead zone (Lemma 1)', () => {
    const ctx = fakeRunContext();
    const params = family.params.parse(FIG1);
    family.run(params, ctx);
    const lines = (family.theory?.(params) ?? []).filter((s) => s.id === 'deadZoneLine');
    FIG1.targets.forEach((s, i) => {
      const b = ctx.series(`barrier/${i}`), sigma = ctx.series(`sigma/${i}`);
      const dead = b.x.map((t, k) => ({ t, b: b.y[k], sigma: sigma.y[k] })).filter((p) => p.sigma < 0.01 * s);
      expect(dead.length).toBeGreaterThan(20);
      // Fitted slope: ḃ = σ* − σ lies within 1% of σ* while σ < σ*/100.
      const n = dead.length, mt = dead.reduce((a, p) => a + p.t, 0) / n, mb = dead.reduce((a, p) => a + p.b, 0) / n;
      const slope = dead.reduce((a, p) => a + (p.t - mt) * (p.b - mb), 0) / dead.reduce((a, p) => a + (p.t - mt) ** 2, 0);
      expect(slope / s).toBeGreaterThan(0.99);
      expect(slope / s).toBeLessThanOrEqual(1);
      // Below the theory line b(0) + σ*t by at most ∫σ dt ≤ σ*t/100.
      const line = lines.find((l) => l.index === i);
      expect(line).toBeDefined();
      const [x0, x1] = line?.x ?? [0, 1], [y0, y1] = line?.y ?? [0, 0];
      for (const p of dead) {
        const onLine = y0 + ((y1 - y0) / (x1 - x0)) * (p.t - x0);
        expect(p.b).toBeLessThanOrEqual(onLine + 1e-9 * Math.abs(onLine));
        expect(p.b).toBeGreaterThanOrEqual(onLine - 0.01 * s * p.t - 1e-9);
      }
    });
  });

  it('barrier/<i> is β_L(σᵢ): ½ log σ for L = 2 and σ itself for L = 1', () => {
    for (const depth of [1, 2, 5]) {
      const ctx = fakeRunContext();
      run({ depth, targets: [1, 0.5], initScale: 0.1 }, ctx);
      const b = ctx.series('barrier/1').y, sigma = ctx.series('sigma/1').y;
      sigma.forEach((v, k) => expect(b[k]).toBeCloseTo(barrier(depth, v), 9));
    }
  });
});

describe('mode-flow run: summary, metrics, theory', () => {
  it('summarizes Fig. 1 with eqs. (6)–(9) and event-located escapes', () => {
    const s = run(FIG1);
    const { targets } = FIG1, eps = 0.04;
    for (const key of [
      'escapeTimes', 'escapeTimesLinearized', 'escapeTimesAsymptotic', 'activeBasinRates', 'timesToTolerance',
      'totalTimeTwoPhase', 'finalLoss', 'bottleneckMode', 'bottleneckEscapeTime', 'horizon', 'solverSteps', 'rhsEvaluations',
    ]) expect(s).toHaveProperty(key);
    targets.forEach((t, i) => {
      // Eq. (6) with β₃(σ) = −σ^{−1/3}; eq. (7): ε^{−1}/σ*; eq. (8): 3σ*^{4/3}.
      expect(numbers(s.escapeTimesLinearized)[i]).toBeCloseTo((-((t / 2) ** (-1 / 3)) + 1 / eps) / t, 10);
      expect(numbers(s.escapeTimesAsymptotic)[i]).toBeCloseTo(1 / (eps * t), 10);
      expect(numbers(s.activeBasinRates)[i]).toBeCloseTo(3 * t ** (4 / 3), 12);
    });
    expect(s.bottleneckMode).toBe(3);
    expect(s.bottleneckEscapeTime).toBe(numbers(s.escapeTimes)[3]);
    // Eq. (9) for the bottleneck with δ = tolerance = 1e-3.
    expect(s.totalTimeTwoPhase).toBeCloseTo(1 / (eps * 0.1) + Math.log(1e3) / (3 * 0.1 ** (4 / 3)), 9);
    expect(s.horizon).toBe(numbers(s.timesToTolerance)[3]);
    // The bottleneck ends exactly at the tolerance edge: ℓ = ½(10⁻³·σ*)², the other modes add ~nothing.
    expect(relErr(s.finalLoss as number, 0.5 * (1e-3 * 0.1) ** 2)).toBeLessThan(1e-6);
    expect(s.solverSteps as number).toBeLessThan(250);
  });

  it('gives null escape predictions for modes that start past σ*/2 and for escapes beyond the horizon', () => {
    const s = run({ depth: 3, targets: [1, 0.5], initialValues: [0.6, 1e-4], horizonMode: 'time', horizonTime: 1 });
    expect(numbers(s.escapeTimes)).toEqual([null, null]);
    expect(numbers(s.escapeTimesLinearized)[0]).toBeNull();
    expect(numbers(s.escapeTimesAsymptotic)[0]).toBeNull();
    expect(numbers(s.escapeTimesLinearized)[1]).toBeGreaterThan(1);
    expect(numbers(s.timesToTolerance)[1]).toBeNull();
    expect(s.horizon).toBe(1);
    expect(s.totalTimeTwoPhase).not.toBeNull(); // bottleneck is mode 1
    const l1 = run({ depth: 1, targets: [1], initScale: 0.1 });
    expect(numbers(l1.escapeTimesAsymptotic)[0]).toBeNull(); // eq. (7) needs L ≥ 2
    expect(l1.totalTimeTwoPhase).toBeNull();
  });

  it('emits every metric in a few chunks of Float64Arrays, `samples` points on a strictly increasing grid', () => {
    const ctx = fakeRunContext();
    run({ ...FIG1, samples: 300 }, ctx);
    const names = new Set(ctx.chunks.map((c) => c.metric));
    expect([...names].sort()).toEqual(['barrier/0', 'barrier/1', 'barrier/2', 'barrier/3', 'bregman', 'loss', 'sigma/0', 'sigma/1', 'sigma/2', 'sigma/3']);
    for (const name of names) {
      const chunks = ctx.chunks.filter((c) => c.metric === name);
      expect(chunks.length).toBeLessThanOrEqual(8);
      chunks.forEach((c) => {
        expect(c.x).toBeInstanceOf(Float64Array);
        expect(c.y).toBeInstanceOf(Float64Array);
        expect(c.x.length).toBe(c.y.length);
      });
      const { x, y } = ctx.series(name);
      expect(x).toHaveLength(300);
      expect(y.every(Number.isFinite)).toBe(true);
      for (let k = 1; k < x.length; k++) expect(x[k]).toBeGreaterThan(x[k - 1]);
    }
    // Chunks must not share buffers: the worker holds a message's chunks until it packs them, so a reused buffer would change one already emitted.
    expect(new Set(ctx.chunks.map((c) => c.x.buffer)).size).toBe(ctx.chunks.length);
    const progress = ctx.progressValues;
    expect(progress.at(-1)).toBe(1);
    for (let k = 1; k < progress.length; k++) expect(progress[k]).toBeGreaterThanOrEqual(progress[k - 1]);
  });

  it('resolves every transition although they are short against the plateau', () => {
    const ctx = fakeRunContext();
    run({ depth: 6, targets: [1, 0.5], initScale: 0.005 }, ctx); // plateaus of 4·10⁸ and 8·10⁸
    for (const [i, s] of [[0, 1], [1, 0.5]]) {
      const sigma = ctx.series(`sigma/${i}`).y;
      expect(sigma.filter((v) => v > 0.1 * s && v < 0.9 * s).length).toBeGreaterThanOrEqual(30);
    }
  });

  it('stops at once, emitting nothing, when cancelled', () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = fakeRunContext(controller.signal);
    expect(run(FIG1, ctx)).toEqual({});
    expect(ctx.chunks).toHaveLength(0);
  });

  it('keeps long horizons cheap: the converged tail is integrated in log|b − b*|', () => {
    const s = run({ depth: 2, targets: [1, 0.3], initScale: 0.01, horizonMode: 'time', horizonTime: 1e6 });
    expect(s.horizon).toBe(1e6);
    expect(s.solverSteps as number).toBeLessThan(200);
    expect(numbers(s.escapeTimes).every((t) => t !== null)).toBe(true);
  });

  it('draws theory overlays: dead-zone lines, τ_lin markers and target levels per mode', () => {
    const params = family.params.parse(FIG1);
    const theory = family.theory?.(params) ?? [];
    theory.forEach((t) => expect(theorySeries.safeParse(t).success).toBe(true));
    const byId = (id: string) => theory.filter((t) => t.id === id);
    expect(byId('deadZoneLine').map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(byId('tauLin').every((t) => t.kind === 'vline')).toBe(true);
    expect(byId('targets').every((t) => t.kind === 'hline')).toBe(true);
    const summary = run(FIG1);
    byId('tauLin').forEach((t) => expect(t.x[0]).toBeCloseTo(numbers(summary.escapeTimesLinearized)[t.index as number] as number, 12));
    byId('targets').forEach((t) => expect(t.y).toEqual([FIG1.targets[t.index as number], FIG1.targets[t.index as number] / 2]));
    byId('deadZoneLine').forEach((t) => {
      const s = FIG1.targets[t.index as number];
      expect(t.y[0]).toBeCloseTo(barrier(3, 0.04 ** 3), 12);
      expect((t.y[1] - t.y[0]) / (t.x[1] - t.x[0])).toBeCloseTo(s, 12);
    });
    // Every theory id a chart names exists, every chart series names a metric.
    const ids = new Set(theory.map((t) => t.id));
    const metricNames = new Set(family.metrics.map((m) => m.name));
    for (const chart of family.charts) {
      expect(chartSpec.safeParse(chart).success).toBe(true);
      (chart.theory ?? []).forEach((id) => expect(ids.has(id)).toBe(true));
      chart.series.forEach((name) => expect(metricNames.has(name)).toBe(true));
    }
    expect(family.charts.map((c) => c.id)).toEqual(['sigma', 'barrier', 'loss', 'bregman']);
  });

  it('draws no dead-zone line or τ_lin for a mode that starts past σ*/2', () => {
    const theory = family.theory?.(family.params.parse({ depth: 3, targets: [1, 0.5], initialValues: [0.8, 1e-3] })) ?? [];
    expect(theory.filter((t) => t.index === 0).map((t) => t.id)).toEqual(['targets']);
    expect(theory.filter((t) => t.index === 1).map((t) => t.id).sort()).toEqual(['deadZoneLine', 'targets', 'tauLin']);
  });
});

describe('mode-flow params', () => {
  const issues = (input: unknown): string[] => family.params.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];

  it('default to paper 000 Fig. 1', () => {
    const p = family.params.parse({});
    expect(p).toMatchObject({ depth: 3, targets: [1, 0.5, 0.25, 0.1], initScale: 0.04, horizonMode: 'converged', samples: 400 });
  });

  it('reject bad values with the field named', () => {
    expect(issues({ targets: [1, -0.5] })).toEqual(['targets.1']);
    expect(issues({ targets: [] })).toEqual(['targets']);
    expect(issues({ targets: [1, 2], initialValues: [0.1] })).toEqual(['initialValues']);
    expect(issues({ depth: 0 })).toEqual(['depth']);
    expect(issues({ depth: 2.5 })).toEqual(['depth']);
    expect(issues({ initScale: 0 })).toEqual(['initScale']);
    expect(issues({ samples: 10 })).toEqual(['samples']);
    expect(issues({ horizonMode: 'forever' })).toEqual(['horizonMode']);
    expect(issues({ tolerance: 0.6 })).toEqual(['tolerance']);
    expect(issues({ rtol: 1e-20 })).toEqual(['rtol']);
    // A plateau too long for a float64 time axis to resolve the transition after it.
    expect(issues({ depth: 12, targets: [1], initScale: 1e-3 })).toEqual(['initScale']);
    expect(issues({ depth: 12, targets: [1], initialValues: [1e-60] })).toEqual(['initialValues']);
  });

  it('have a JSON Schema that is a plain object with described, bounded, defaulted properties', () => {
    const schema = z.toJSONSchema(family.params, { io: 'input' }) as {
      type: string;
      properties: Record<string, { description?: string; default?: unknown }>;
    };
    expect(schema.type).toBe('object');
    const keys = ['depth', 'targets', 'initScale', 'initialValues', 'design', 'activation', 'unitLayers', 'horizonMode', 'horizonTime', 'tolerance', 'rtol', 'samples'];
    expect(Object.keys(schema.properties).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(schema.properties[key].description, key).toBeTruthy();
      if (key !== 'initialValues' && key !== 'design') expect(schema.properties[key].default, key).toBeDefined();
    }
  });
});

describe('examples and registry', () => {
  it('the mirror-descent example specs parse, and their params are valid mode-flow params', () => {
    for (const [file, name] of [['mirror-descent-fig1.json', 'Mirror descent, Fig. 1'], ['mirror-descent-fig2.json', 'Mirror descent, Fig. 2']]) {
      const spec = exampleFile.parse(JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')));
      expect(spec.family).toBe('mode-flow');
      expect(spec.name).toBe(name);
      expect(spec.notes.length).toBeGreaterThan(20);
      expect(family.params.safeParse(spec.params).success).toBe(true);
      for (const key of Object.keys(spec.sweep)) expect(family.params.safeParse({ ...spec.params, [key]: undefined }).success).toBe(true);
    }
  });

  it('registers mode-flow and refuses unknown ids', () => {
    expect(builtInFamilies.map((f) => f.id)).toContain('mode-flow');
    expect(getFamily('mode-flow')).toBe(family);
    expect(() => getFamily('no-such-family')).toThrow(/unknown family/);
  });
});
