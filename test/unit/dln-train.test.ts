// dln-train: gradients against finite differences, the balance conservation law (flow: to the ODE
// tolerance; GD: O(η) drift that halves with η), agreement with the mode-flow solver, the logistic
// and λ-balanced closed forms (papers/README.md), greedy learning order, plateau detection on a
// staircase with known crossing times, the completion comparison, and rejection of bad params.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { completionDepth, plateauTable, richToLazy } from '../../workers/families/dln-train/analysis';
import { lambdaLayerValues } from '../../workers/families/dln-train/balanced-init';
import { Backprop, initialLayers } from '../../workers/families/dln-train/network';
import { dlnTrainParams, type DlnTrainParams } from '../../workers/families/dln-train/params';
import { segmentRun } from '../../workers/families/dln-train/plateaus';
import { buildTask } from '../../workers/families/dln-train/task';
import { deepLambdaBalancedMode, lambdaBalancedMode, logisticMode, predictedSigmas } from '../../workers/families/dln-train/theory';
import { recordPlan } from '../../workers/families/dln-train/train';
import { recordSteps } from '../../workers/families/record-schedule';
import { channelTimeDepth4, channelTimeHypergeometric } from '../../workers/families/mode-flow/closed-forms';
import { type Matrix, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext, type RecordingContext } from './fake-run-context';
import { DivergedError, type AnalysisRunInput, type RunSummary } from '../../workers/family';

const parse = (p: Record<string, unknown>): DlnTrainParams => dlnTrainParams.parse(p);

async function train(p: Record<string, unknown>): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  const summary = await family.run(parse(p), ctx);
  return { summary, ctx };
}

const numbers = (v: unknown): number[] => (v as number[]).map(Number);

function issuePaths(p: Record<string, unknown>): string[] {
  const result = dlnTrainParams.safeParse(p);
  return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
}

describe('params', () => {
  it('defaults reproduce the Saxe two-mode example', () => {
    const p = parse({});
    expect(p).toMatchObject({ depth: 2, targetSingularValues: [3, 1], init: 'aligned', initScale: 0.1, optimizer: 'flow', task: 'target' });
    expect(p.initScale ** p.depth).toBeCloseTo(0.01, 15);
  });
  it.each([
    [{ widths: [2, 2] , depth: 2 }, 'widths'],
    [{ widths: [2, 0, 2] }, 'widths.1'],
    [{ learningRate: 0 }, 'learningRate'],
    [{ learningRate: -1 }, 'learningRate'],
    [{ targetSingularValues: [3, 2, 1], dim: 2 }, 'targetSingularValues'],
    [{ optimizer: 'sgd' }, 'optimizer'],
    [{ init: 'lambda-balanced', lambda: 1, hiddenWidth: 3 }, 'init'],
    [{ task: 'regression', inputSpectrum: [1, 2, 3] }, 'inputSpectrum'],
    [{ task: 'regression', samples: 1 }, 'samples'],
    [{ optimizer: 'gd', learningRate: 1e-7, horizon: 10 }, 'learningRate'],
    [{ depth: 0 }, 'depth'],
  ])('rejects %j at %s', (p, path) => {
    expect(issuePaths(p)).toContain(path);
  });
});

/** ℓ(layers) for finite differences. */
function lossOf(layers: Matrix[], bp: Backprop, lossAndGradient: (w: Matrix, g: Matrix) => number, g: Matrix): number {
  return lossAndGradient(bp.product(layers), g);
}

describe('back-propagation', () => {
  it.each([
    ['target, bottleneck', { depth: 3, widths: [4, 2, 3, 5], targetSingularValues: [2, 1], singularVectors: 'random' }],
    ['regression, non-white Σxx', { task: 'regression', depth: 3, dim: 3, targetSingularValues: [2, 1, 0.5], whiten: false, inputSpectrum: [1, 4, 0.25], noise: 0.1, samples: 50 }],
    ['completion', { task: 'completion', depth: 2, dim: 4, targetSingularValues: [2, 1], singularVectors: 'random' }],
  ])('∇W_l matches central differences (%s)', (_name, raw) => {
    const p = parse({ ...raw, init: 'small-random', initScale: 0.7 });
    const rng = createRng(2);
    const task = buildTask(p, rng);
    const layers = initialLayers(p, task, rng);
    const widths = layers.map((w) => w.cols).concat(layers[layers.length - 1].rows);
    const bp = new Backprop(widths);
    const g = zeros(widths[widths.length - 1], widths[0]);
    const grads = layers.map((w) => zeros(w.rows, w.cols));
    lossOf(layers, bp, task.lossAndGradient, g);
    bp.gradients(layers, g, grads);
    const h = 1e-6;
    layers.forEach((w, l) => {
      for (let i = 0; i < w.data.length; i++) {
        const keep = w.data[i];
        w.data[i] = keep + h;
        const up = lossOf(layers, bp, task.lossAndGradient, g);
        w.data[i] = keep - h;
        const down = lossOf(layers, bp, task.lossAndGradient, g);
        w.data[i] = keep;
        expect(Math.abs((up - down) / (2 * h) - grads[l].data[i])).toBeLessThan(1e-7 * Math.max(1, Math.abs(grads[l].data[i])));
      }
    });
  });
});

describe('balance conservation (paper 001 §4.1)', () => {
  const base = { depth: 3, dim: 3, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', init: 'small-random', initScale: 0.5, horizon: 3 };

  it('gradient flow keeps W_{l+1}ᵀW_{l+1} − W_lW_lᵀ constant to the ODE tolerance', async () => {
    const { summary, ctx } = await train({ ...base, optimizer: 'flow', rtol: 1e-10 });
    // The defect itself is O(1) (unbalanced random init); only its change is ~rtol.
    expect(numbers(ctx.series('balance/1').y)[0]).toBeGreaterThan(0.1);
    expect(summary.maxBalanceDrift as number).toBeLessThan(1e-8);
    const loss = ctx.series('loss').y;
    expect(loss[loss.length - 1]).toBeLessThan(loss[0] / 10);
  });

  it('gradient descent drifts by O(η): halving η halves the drift at the same time', async () => {
    const drift = async (eta: number) => (await train({ ...base, optimizer: 'gd', learningRate: eta })).summary.maxBalanceDrift as number;
    const [coarse, fine] = [await drift(0.02), await drift(0.01)];
    expect(coarse).toBeGreaterThan(1e-4);
    expect(coarse / fine).toBeGreaterThan(1.9);
    expect(coarse / fine).toBeLessThan(2.1);
  });

  it('λ-balanced layers: a_l² = x + (l − 1)λ with ∏ a_l = a (README, deep λ-balanced mode)', () => {
    for (const [a, lambda, depth] of [[0.3, 0.5, 4], [2, 0.1, 3], [1e-4, 2, 2], [0, 1, 3]]) {
      const values = lambdaLayerValues(a, lambda, depth);
      expect(values.reduce((x, y) => x * y, 1)).toBeCloseTo(a, 12);
      for (let l = 1; l < depth; l++) expect(values[l] ** 2 - values[l - 1] ** 2).toBeCloseTo(lambda, 12);
    }
  });
});

describe('theory next to the data', () => {
  it.each([1, 2, 3, 4])('aligned balanced flow agrees with the mode-flow solver at L = %i (≤ 1e-3)', async (depth) => {
    const { summary } = await train({ depth, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', init: 'aligned', initScale: 0.3, horizon: depth >= 3 ? 40 : 12 });
    // Seen: ≤ 3e-6, all of it in mode-flow's dense output on the plateau (the closed-form test below pins the network to 1e-9).
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-3);
    expect(summary.maxBalanceDrift as number).toBeLessThan(1e-9);
  });

  it.each([3, 4])('L = %i: the time at which each recorded σ_α is reached matches the closed-form travel time (README)', async (depth) => {
    const s = [2, 1, 0.5], a0 = 0.3 ** depth;
    const { ctx } = await train({ depth, targetSingularValues: s, init: 'aligned', initScale: 0.3, horizon: 40 });
    s.forEach((target, alpha) => {
      const { x, y } = ctx.series(`sigma/${alpha}`);
      x.forEach((t, i) => {
        // Away from t = 0 and from the target, where the travel time is ill-conditioned in σ.
        if (t < 0.05 || y[i] > 0.99 * target) return;
        const exact = depth === 4 ? channelTimeDepth4(target, a0, y[i]) : channelTimeHypergeometric(depth, target, a0, y[i]);
        expect(Math.abs(exact / t - 1)).toBeLessThan(1e-8);
      });
    });
  });

  it('L = 2 follows the logistic solution a(t) = s/(1 + (s/a₀ − 1)e^{−2st}) (paper 001 §5.3)', async () => {
    const { ctx } = await train({});
    [3, 1].forEach((s, alpha) => {
      const { x, y } = ctx.series(`sigma/${alpha}`);
      x.forEach((t, i) => expect(Math.abs(y[i] / logisticMode(s, 0.01, t) - 1)).toBeLessThan(1e-7));
    });
  });

  it('the λ-balanced closed form solves ȧ = √(λ² + 4a²)(s − a), reduces to the logistic at λ = 0 and to the lazy law at large λ', () => {
    for (const [s, a0, lambda] of [[3, 0.01, 0.5], [1, 0.2, 4], [2, 1e-3, 0.01]]) {
      expect(lambdaBalancedMode(s, a0, lambda, 0)).toBeCloseTo(a0, 12);
      for (const t of [0.1, 0.7, 2]) {
        const h = 1e-5;
        const a = lambdaBalancedMode(s, a0, lambda, t);
        const slope = (lambdaBalancedMode(s, a0, lambda, t + h) - lambdaBalancedMode(s, a0, lambda, t - h)) / (2 * h);
        expect(Math.abs(slope - Math.sqrt(lambda ** 2 + 4 * a * a) * (s - a))).toBeLessThan(1e-7 * Math.max(1, Math.abs(slope)));
      }
    }
    expect(lambdaBalancedMode(3, 0.01, 0, 1.3)).toBeCloseTo(logisticMode(3, 0.01, 1.3), 12);
    // |λ| → ∞: a = s − (s − a₀)e^{−|λ|t}.
    expect(lambdaBalancedMode(1, 0.1, 1e4, 2e-4)).toBeCloseTo(1 - 0.9 * Math.exp(-2), 3);
  });

  it('a two-layer λ-balanced network follows the exact λ-balanced dynamics and keeps D = λI', async () => {
    const { summary, ctx } = await train({ init: 'lambda-balanced', lambda: 0.5, singularVectors: 'random' });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-3);
    expect(Math.max(...ctx.series('balance/1').y)).toBeLessThan(1e-9);
  });

  it.each([3, 4])('an L = %i λ-balanced network follows the deep scalar law ẋ = 2a(s − a), a = ∏√(x + (l − 1)λ)', async (depth) => {
    const { summary, ctx } = await train({ depth, init: 'lambda-balanced', lambda: 0.3, initScale: 0.3, targetSingularValues: [2, 1], singularVectors: 'random', horizon: 10 });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-3);
    for (let l = 1; l < depth; l++) expect(Math.max(...ctx.series(`balance/${l}`).y)).toBeLessThan(1e-9);
  });

  it('the deep λ-balanced law reduces to the two-layer closed form at L = 2', () => {
    const times = [0, 0.3, 1, 2.5];
    const deep = deepLambdaBalancedMode(3, 0.01, 0.7, 2, times);
    times.forEach((t, i) => expect(Math.abs((deep?.[i] ?? 0) / lambdaBalancedMode(3, 0.01, 0.7, t) - 1)).toBeLessThan(1e-9));
  });

  it('a λ sweep goes from greedy (rich) to proportional (lazy) learning', async () => {
    const runs: AnalysisRunInput[] = [];
    for (const [runId, lambda] of [0, 1, 10].entries()) {
      const params = { init: 'lambda-balanced', lambda };
      runs.push({ runId, params, seed: 0, status: 'done', summary: (await train(params)).summary });
    }
    expect(richToLazy.applies(runs)).toBe(true);
    const result = richToLazy.run(runs);
    expect(result.checks.every((c) => c.pass)).toBe(true);
    const greedy = result.rows.map((r) => r.greedyRatio as number);
    expect(greedy[0]).toBeGreaterThan(5);
    expect(greedy[2]).toBeLessThan(1.05);
  });

  it('theory is only claimed where it holds', () => {
    expect(predictedSigmas(parse({ init: 'small-random' }), [0, 1])).toBeNull();
    expect(predictedSigmas(parse({ init: 'lambda-balanced', lambda: 1, depth: 3, task: 'regression' }), [0, 1])).toBeNull();
    expect(predictedSigmas(parse({ init: 'aligned', hiddenWidth: 1 }), [0, 1])).toBeNull();
    expect(family.theory?.(parse({})).map((s) => s.id)).toEqual(expect.arrayContaining(['theoryFlow', 'logistic', 'saxeTimes', 'targets', 'saddleLosses']));
    // Random small init: τ_r = log(1/ε)/(s_r − s_{r+1}) with s_{k+1} = 0 (paper 001 §7.2).
    const gaps = family.theory?.(parse({ init: 'small-random', initScale: 1e-3, targetSingularValues: [10, 9, 1], dim: 3 })).filter((s) => s.id === 'gapTimes');
    expect(gaps?.map((s) => s.x[0])).toEqual([Math.log(1e3) / 1, Math.log(1e3) / 8, Math.log(1e3) / 1]);
  });
});

describe('saddle-to-saddle', () => {
  it('small random init learns the modes largest first (greedy order, paper 001 §6–7)', async () => {
    const { summary } = await train({ depth: 2, dim: 5, targetSingularValues: [4, 2, 1], singularVectors: 'random', init: 'small-random', initScale: 1e-3, optimizer: 'gd', learningRate: 0.01, horizon: 15 });
    expect(summary.learningOrder).toEqual([0, 1, 2]);
    expect(numbers(summary.plateauRanks)).toEqual([0, 1, 2, 3]);
    numbers(summary.finalAlignment).forEach((a) => expect(a).toBeGreaterThan(1 - 1e-6));
  });

  it('plateau detection recovers the logistic staircase: crossing times, ranks and saddle losses', async () => {
    // a₀ = 1e-6, s = (4, 1): mode α crosses fraction f of s at t = ln(f(s − a₀)/(a₀(1 − f)))/(2s).
    const s = [4, 1], a0 = 1e-6;
    const crossing = (alpha: number, f: number): number => Math.log((f * (s[alpha] - a0)) / (a0 * (1 - f))) / (2 * s[alpha]);
    const params = { targetSingularValues: s, initScale: 1e-3, horizon: 12 };
    const { summary, ctx } = await train(params);
    const escapes = numbers(summary.escapeTimes);
    escapes.forEach((t, alpha) => expect(Math.abs(t / crossing(alpha, 0.5) - 1)).toBeLessThan(2e-3));
    expect(numbers(summary.plateauRanks)).toEqual([0, 1, 2]);
    const starts = numbers(summary.plateauStarts), durations = numbers(summary.plateauDurations);
    expect(durations[0]).toBeCloseTo(crossing(0, 0.1), 2);
    expect(starts[1]).toBeCloseTo(crossing(0, 0.9), 2);
    expect(starts[1] + durations[1]).toBeCloseTo(crossing(1, 0.1), 2);
    // Loss on the rank-1 plateau sits at the saddle level ½ s₂² = 0.5.
    expect(Math.abs(numbers(summary.plateauLosses)[1] - 0.5)).toBeLessThan(0.02);
    // Annotations: one escape marker per mode at σ = s/2.
    expect(ctx.series('escape').y).toEqual([2, 0.5]);
    expect(ctx.series('plateau').x).toHaveLength(3);
    const table = plateauTable.run([{ runId: 1, params, seed: 0, status: 'done', summary }]);
    expect(table.rows).toHaveLength(3);
    expect(table.rows.map((r) => r.saddle)).toEqual([8.5, 0.5, 0]);
  });

  it('segmentRun merges overlapping drops and reports modes that never escape as null', () => {
    const t = [0, 1, 2, 3, 4];
    const seg = segmentRun(t, [5, 4, 1, 0.5, 0.5], [[0, 0.2, 1, 1, 1], [0, 0.1, 0.95, 1, 1], [0, 0, 0, 0, 0.01]], [1, 1, 1]);
    expect(seg.drops).toHaveLength(1);
    expect(seg.drops[0].modes).toEqual([0, 1]);
    expect(seg.escapeTimes[2]).toBeNull();
    expect(seg.plateaus.map((p) => p.rank)).toEqual([0, 2]);
  });
});

describe('tasks', () => {
  it('whitened noiseless regression from aligned init recovers the teacher', async () => {
    const { summary } = await train({ task: 'regression', dim: 3, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', samples: 40, horizon: 30 });
    numbers(summary.finalSigmas).forEach((v, i) => expect(v).toBeCloseTo([2, 1, 0.5][i], 6));
    expect(summary.finalLoss as number).toBeLessThan(1e-12);
  });

  it('a bottleneck of width r leaves the loss ½Σ_{α>r} s_α² (paper 001 §2.1)', async () => {
    const { summary } = await train({ targetSingularValues: [3, 2, 1], hiddenWidth: 2, singularVectors: 'random', init: 'small-random', initScale: 0.01, optimizer: 'gd', learningRate: 0.02, horizon: 30 });
    expect(summary.finalLoss as number).toBeCloseTo(0.5, 8);
    expect(numbers(summary.finalSigmas).slice(0, 2)).toEqual([expect.closeTo(3, 8), expect.closeTo(2, 8)]);
  });

  it('SGD on completion fits the observed entries', async () => {
    const { ctx } = await train({ task: 'completion', dim: 6, targetSingularValues: [2, 1], singularVectors: 'random', observedFraction: 0.7, init: 'small-random', initScale: 0.1, optimizer: 'sgd', batchSize: 8, learningRate: 0.02, horizon: 60 });
    const loss = ctx.series('loss').y;
    expect(loss[loss.length - 1]).toBeLessThan(1e-3 * loss[0]);
  });

  it('SGD on regression reaches the least-squares loss of noisy data', async () => {
    const { summary } = await train({ task: 'regression', dim: 3, targetSingularValues: [2, 1], samples: 60, noise: 0.1, init: 'small-random', initScale: 0.1, optimizer: 'sgd', learningRate: 0.01, batchSize: 10, horizon: 20 });
    const clean = await train({ task: 'regression', dim: 3, targetSingularValues: [2, 1], samples: 60, noise: 0.1, init: 'small-random', initScale: 0.1, optimizer: 'gd', learningRate: 0.01, horizon: 20 });
    expect(summary.finalLoss as number).toBeLessThan((clean.summary.finalLoss as number) * 1.2);
  });

  it('completion: depth 2 lands near the minimum nuclear norm, depth 3 at lower effective rank', async () => {
    const base = { task: 'completion', dim: 10, targetSingularValues: [3, 2], singularVectors: 'random', init: 'small-random', initScale: 0.01, optimizer: 'gd', learningRate: 0.05, horizon: 300 };
    const runs: AnalysisRunInput[] = [];
    for (const depth of [2, 3]) {
      const params = { ...base, depth };
      runs.push({ runId: depth, params, seed: 0, status: 'done', summary: (await train(params)).summary });
    }
    const [two, three] = runs.map((r) => r.summary as RunSummary);
    expect(two.minNuclearNormConverged).toBe('yes');
    // No interpolant has a smaller nuclear norm; small-init depth 2 is within 2% of the minimum (seen 1.0098).
    expect(two.nuclearNormRatio as number).toBeGreaterThan(1 - 1e-6);
    expect(two.nuclearNormRatio as number).toBeLessThan(1.02);
    expect(three.finalEffectiveRank as number).toBeLessThan(two.finalEffectiveRank as number);
    const analysis = completionDepth.run(runs);
    expect(analysis.checks.every((c) => c.pass)).toBe(true);
  });
});

describe('recording', () => {
  it('a 10⁶-step run keeps a few hundred records', () => {
    const plan = recordPlan([8, 8, 8]);
    expect(plan).toEqual({ uniform: 300, perDecade: 20 });
    expect(recordPlan([256, 256]).uniform).toBeLessThan(50);
    const steps = recordSteps({ first: 0, last: 1_000_000, every: Math.ceil(1_000_000 / plan.uniform), perDecade: plan.perDecade });
    // ~420 chosen steps, each stored with its successor.
    expect(steps.length).toBeLessThan(900);
    expect(steps[0]).toBe(0);
    expect(steps[steps.length - 1]).toBe(1_000_000);
  });

  it('a step size past the stability limit ends as diverged', async () => {
    await expect(train({ optimizer: 'gd', learningRate: 2, horizon: 200 })).rejects.toThrow(DivergedError);
  });

  it('emits every metric on one time axis and stops when aborted', async () => {
    const { ctx } = await train({ depth: 3, dim: 3, targetSingularValues: [1], init: 'orthogonal', optimizer: 'gd', learningRate: 0.05, horizon: 5 });
    const n = ctx.series('loss').x.length;
    for (const metric of ['sigma/0', 'layerSigma/2/1', 'balance/2', 'alignment/0', 'effectiveRank', 'nuclearNorm', 'schatten']) expect(ctx.series(metric).x).toHaveLength(n);
    const controller = new AbortController();
    controller.abort();
    expect(await family.run(parse({}), fakeRunContext(controller.signal))).toEqual({});
  });
});
