// The relu-escape family against paper 004: homogeneity and Euler's identity of L₀ (§2, App. A.1–A.2),
// Example 1's two speeds (§4, eq. (2), App. D.1 eq. (6), with the papers README sign fix), projected
// descent on the sphere (§4.1), Prop. 2.2's norm growth, Theorem 3.1's ratios, MNIST training (§3.3).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartSpec, theorySeries } from '../../src-main/contract/family-meta';
import { exampleFile } from '../../src-main/contract/spec';
import type { AnalysisRunInput } from '../../workers/family';
import { getFamily } from '../../workers/families';
import { family } from '../../workers/families/relu-escape';
import { RANK_ONE_SPEED, RANK_TWO_SPEED, rankOneDirection, rankOneSpeedEq6, rankTwoDirection } from '../../workers/families/relu-escape/circle';
import { alternatingGradient, circleInputs, quadraticCost } from '../../workers/families/relu-escape/datasets';
import { randomGaussian as gaussianMatrix } from '../../workers/numeric/matrix';
import { depthSpeed } from '../../workers/families/relu-escape/depth-speed';
import { layerStats, nonlinearityRatio, theoremBound } from '../../workers/families/relu-escape/layer-stats';
import {
  dot,
  layerSizes,
  localizedLoss,
  localizedLossAndGradient,
  randomWeights,
  scaled,
  squaredNorm,
} from '../../workers/families/relu-escape/network';
import { closedFormNorm, flowFromDirection, impliedSpeed, maxRelErrorToDoubling, timeToGrow, unitSphereSpeed } from '../../workers/families/relu-escape/norm-flow';
import { reluEscapeParams } from '../../workers/families/relu-escape/params';
import { detectPlateaus, lossPlateaus } from '../../workers/families/relu-escape/plateaus';
import { buildProblem } from '../../workers/families/relu-escape/problem';
import { projectedDescent, randomStart } from '../../workers/families/relu-escape/sphere-descent';
import { largestDropInSe, trendZ, widthSuccess } from '../../workers/families/relu-escape/width-success';
import { diagonal, fromRows, matmul, matmulNT, qr, randomGaussian } from '../../workers/numeric/matrix';
import { singularValues } from '../../workers/numeric/svd';
import { TopSingularValues } from '../../workers/families/relu-escape/top-singular';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext, type RecordingContext } from './fake-run-context';
import { runProgram } from '../../workers/compute/index';
import { DeviceMlp } from '../../workers/families/relu-escape/device-mlp';
import { CLASSES, mnistTrainingSet, PIXELS } from '../../workers/families/relu-escape/mnist-data';
import { trainingAccuracy } from '../../workers/families/relu-escape/run-mnist';
import { output, type Weights } from '../../workers/families/relu-escape/network';
import type { Matrix } from '../../workers/numeric/matrix';

type Summary = Record<string, unknown>;
const relErr = (a: number, b: number): number => Math.abs(a / b - 1);
const X = circleInputs(8);
const G = alternatingGradient(8);
const circleProblem = buildProblem(reluEscapeParams.parse({}), createRng(0));
const speed = (w: ReturnType<typeof rankTwoDirection>): number => -localizedLoss(w, X, G);

describe('localized loss L₀(θ) = Tr[GᵀY_θ] (paper 004 §2, App. A.1–A.2)', () => {
  const rng = createRng(7);
  const x = gaussianMatrix(5, 12, rng);
  const g = gaussianMatrix(3, 12, rng);

  it('is homogeneous of degree L and satisfies Euler ⟨θ, ∇L₀⟩ = L·L₀ to rounding', () => {
    for (const hidden of [[], [6], [6, 4], [8, 8, 8, 8]]) {
      const theta = randomWeights(layerSizes(5, hidden, 3), rng, 1);
      const depth = theta.length;
      const { loss, grad } = localizedLossAndGradient(theta, x, g);
      for (const lambda of [0.1, 2.5]) expect(relErr(localizedLoss(scaled(theta, lambda), x, g), lambda ** depth * loss)).toBeLessThan(1e-12);
      expect(relErr(dot(theta, grad), depth * loss)).toBeLessThan(1e-12);
    }
  });

  it('has the back-propagated gradient of central finite differences', () => {
    const theta = randomWeights(layerSizes(5, [6, 4], 3), rng, 1);
    const { grad } = localizedLossAndGradient(theta, x, g);
    const h = 1e-6;
    for (const [l, i] of [[0, 3], [1, 10], [2, 5]]) {
      const plus = theta.map((m) => ({ ...m, data: Float64Array.from(m.data) }));
      const minus = theta.map((m) => ({ ...m, data: Float64Array.from(m.data) }));
      plus[l].data[i] += h;
      minus[l].data[i] -= h;
      const fd = (localizedLoss(plus, x, g) - localizedLoss(minus, x, g)) / (2 * h);
      expect(Math.abs(fd - grad[l].data[i])).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('Example 1: the circle, N = 8, G_j = (−1)^j (paper 004 §4)', () => {
  const sizes = layerSizes(2, [4, 4], 1);

  it('rank-one speeds follow eq. (6) and peak at √2 − 1 at multiples of π/4 (App. D.1)', () => {
    let best = 0;
    for (let k = 0; k <= 400; k++) {
      const phi = (k * 2 * Math.PI) / 400;
      const s = Math.max(speed(rankOneDirection(sizes, phi, 1)), speed(rankOneDirection(sizes, phi, -1)));
      expect(Math.abs(s - rankOneSpeedEq6(phi))).toBeLessThan(1e-12);
      best = Math.max(best, s);
    }
    expect(Math.abs(best - RANK_ONE_SPEED)).toBeLessThan(1e-12);
    expect(Math.abs(speed(rankOneDirection(sizes, Math.PI / 4, -1)) - RANK_ONE_SPEED)).toBeLessThan(1e-12);
  });

  it('the rank-one optimum is an escape direction: ∇L₀(ρ) = −sρ with s = √2 − 1 on ‖ρ‖² = L', () => {
    const rho = rankOneDirection(sizes, 0, 1);
    expect(squaredNorm(rho)).toBeCloseTo(3, 14);
    const { loss, grad } = localizedLossAndGradient(rho, X, G);
    expect(Math.abs(-loss - RANK_ONE_SPEED)).toBeLessThan(1e-12);
    grad.forEach((m, l) => m.data.forEach((v, i) => expect(Math.abs(v + RANK_ONE_SPEED * rho[l].data[i])).toBeLessThan(1e-12)));
  });

  it('construction (2) has speed 1/2 with W₃ = −1 (README sign fix) and L₀ = +1/2 as printed', () => {
    const w = rankTwoDirection(sizes);
    expect(squaredNorm(w)).toBeCloseTo(3, 14);
    expect(Math.abs(speed(w) - RANK_TWO_SPEED)).toBeLessThan(1e-12);
    const printed = w.map((m) => ({ ...m, data: Float64Array.from(m.data) }));
    printed[2].data[0] = 1;
    expect(Math.abs(localizedLoss(printed, X, G) - 0.5)).toBeLessThan(1e-12);
    const stats = layerStats(w, X);
    expect(stats.weightRankRatio[0]).toBeCloseTo(0.5, 12); // W₁ = ½[I; −I]: two equal singular values
    expect(stats.weightRankRatio[1]).toBeCloseTo(0, 12);
  });

  it('Prop. 3.2: the construction extended by unit layers keeps speed 1/2 at depths 4 and 5', () => {
    for (const hidden of [[4, 4, 4], [4, 4, 4, 4]]) {
      const w = rankTwoDirection(layerSizes(2, hidden, 1));
      expect(squaredNorm(w)).toBeCloseTo(w.length, 12);
      expect(Math.abs(speed(w) - RANK_TWO_SPEED)).toBeLessThan(1e-12);
    }
  });

  it('Prop. 3.2 on the circle: depth 2 tops out at √2 − 1 (a shallow net is a sum of single neurons), depth 3 passes it', () => {
    const best = (hidden: number[]): number => {
      const rng = createRng(9);
      const speeds = Array.from({ length: 8 }, () =>
        projectedDescent(randomStart(layerSizes(2, hidden, 1), rng), X, G, { steps: 2000, stepSize: 0.1, stepDecay: 50, record: 10 }).speed,
      );
      return Math.max(...speeds);
    };
    const shallow = best([8]);
    expect(shallow).toBeLessThanOrEqual(RANK_ONE_SPEED + 1e-9);
    expect(shallow).toBeGreaterThan(RANK_ONE_SPEED - 0.005);
    expect(best([16, 16])).toBeGreaterThan(RANK_ONE_SPEED);
  });

  it('projected descent from 12 restarts at width 16 beats √2 − 1 and gets within 0.01 of 1/2 (§4.1)', () => {
    const rng = createRng(3);
    const speeds = Array.from({ length: 12 }, () =>
      projectedDescent(randomStart(layerSizes(2, [16, 16], 1), rng), X, G, { steps: 4000, stepSize: 0.1, stepDecay: 50, record: 10 }).speed,
    );
    expect(Math.max(...speeds)).toBeGreaterThan(RANK_ONE_SPEED);
    expect(Math.max(...speeds)).toBeGreaterThan(RANK_TWO_SPEED - 0.01);
    // No restart ends far below a rank-one optimum: every one found at least a local escape direction.
    expect(Math.min(...speeds)).toBeGreaterThan(0.25);
  });
});

describe('projected gradient descent on ‖θ‖² = L', () => {
  it('stays on the sphere and increases the speed', () => {
    const rng = createRng(11);
    const x = gaussianMatrix(4, 20, rng);
    const g = gaussianMatrix(2, 20, rng);
    for (let r = 0; r < 4; r++) {
      const start = randomStart(layerSizes(4, [8, 8], 2), rng);
      const result = projectedDescent(start, x, g, { steps: 1500, stepSize: 0.1, stepDecay: 100, record: 50 });
      expect(Math.abs(squaredNorm(result.weights) - 3)).toBeLessThan(1e-12);
      expect(result.speeds[0]).toBeCloseTo(-localizedLoss(start, x, g), 12);
      expect(result.speed).toBeGreaterThan(result.speeds[0]);
      expect(result.speed).toBeGreaterThan(0);
      // Near-monotone: no recorded speed drops by more than 1% of the final speed below an earlier one.
      let running = -Infinity;
      for (const s of result.speeds) {
        expect(s).toBeGreaterThan(running - 0.01 * result.speed);
        running = Math.max(running, s);
      }
    }
  });
});

describe('Prop. 2.2: norm growth on an escape direction', () => {
  it('closed form (README) solves R′ = L s₁ R^{L−1} and timeToGrow inverts it', () => {
    for (const depth of [1, 2, 3, 5]) {
      const [r0, s, t] = [0.01, 0.4, 0.7 * timeToGrow(0.01, depth, 0.4, 50)];
      const h = 1e-6 * t;
      const dr = (closedFormNorm(r0, depth, s, t + h) - closedFormNorm(r0, depth, s, t - h)) / (2 * h);
      expect(relErr(dr, depth * s * closedFormNorm(r0, depth, s, t) ** (depth - 1))).toBeLessThan(1e-6);
      expect(relErr(closedFormNorm(r0, depth, s, timeToGrow(r0, depth, s, 50)), 50 * r0)).toBeLessThan(1e-9);
      expect(relErr(impliedSpeed(r0, depth, 50 * r0, timeToGrow(r0, depth, unitSphereSpeed(s, depth), 50)), s)).toBeLessThan(1e-9);
    }
  });

  it('integrated localized flow on a kink-free escape direction matches the closed form (L = 2, 3, 4)', () => {
    // Positive data and G = −1: the one-neuron path along v̂ = Σx_j/‖Σx_j‖ keeps every pre-activation
    // strictly positive, and ∇L₀(ρ) = −sρ with s = ‖Σx_j‖.
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const sum = [3.5, 3.3];
    const s = Math.hypot(...sum);
    for (const hidden of [[3], [3, 3], [3, 3, 3]]) {
      const rho = rankOneDirection(layerSizes(2, hidden, 1), Math.atan2(sum[1], sum[0]), 1);
      const { loss, grad } = localizedLossAndGradient(rho, x, g);
      expect(relErr(-loss, s)).toBeLessThan(1e-14);
      grad.forEach((m, l) => m.data.forEach((v, i) => expect(Math.abs(v + s * rho[l].data[i])).toBeLessThan(1e-12)));
      const flow = flowFromDirection(rho, x, g, circleProblem.cost, { loss: 'localized', norm0: 1e-2, growth: 100, steps: 2000, speed: s });
      const worst = Math.max(...flow.norm.map((v, k) => relErr(v, flow.closedForm[k])));
      expect(worst).toBeLessThan(1e-8);
      expect(relErr(flow.norm[flow.norm.length - 1], 1)).toBeLessThan(1e-8);
    }
  });

  it('flow-vs-theory error up to the closed form doubling: ~δ for a theory δ slow, not the blow-up-amplified error', () => {
    // Kink-free direction at L = 3 with exact speed s; the theory is given the speed s/(1 + δ). Up to the
    // doubling time the norm error is δ/(1 − δ) ≈ δ; over the whole grid (growth 100) it is ≈ 25× larger.
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const s = Math.hypot(3.5, 3.3);
    const rho = rankOneDirection(layerSizes(2, [3, 3], 1), Math.atan2(3.3, 3.5), 1);
    for (const delta of [0, 0.002, 0.1]) {
      const flow = flowFromDirection(rho, x, g, circleProblem.cost, { loss: 'localized', norm0: 1e-2, growth: 100, steps: 2000, speed: s / (1 + delta) });
      const wholeGrid = Math.max(...flow.norm.map((v, k) => relErr(v, flow.closedForm[k])));
      const measured = maxRelErrorToDoubling(flow, 1e-2);
      if (delta === 0) expect(measured).toBeLessThan(1e-9);
      else {
        expect(relErr(measured, delta / (1 - delta))).toBeLessThan(0.02);
        expect(wholeGrid).toBeGreaterThan(5 * measured);
      }
    }
  });

  it('stops, finite, where a direction faster than the stated speed blows up (L = 5)', () => {
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const rho = rankOneDirection(layerSizes(2, [3, 3, 3, 3], 1), Math.atan2(3.3, 3.5), 1);
    const flow = flowFromDirection(rho, x, g, quadraticCost(g), { loss: 'localized', norm0: 1e-2, growth: 100, steps: 1000, speed: 0.5 * Math.hypot(3.5, 3.3) });
    expect(flow.t.length).toBeLessThan(1001);
    expect(flow.norm.every((v) => Number.isFinite(v) && v <= 10 * 100 * 1e-2)).toBe(true);
  });

  it('the circle rank-one direction sits on a kink; its flow still grows at speed √2 − 1 (implied speed within 1%)', () => {
    // The RK4 steps chatter across the kink (points j = 4, 8 have W₁x_j = 0), costing O(step) speed.
    const rho = rankOneDirection(layerSizes(2, [4, 4], 1), 0, 1);
    const flow = flowFromDirection(rho, X, G, circleProblem.cost, { loss: 'localized', norm0: 1e-2, growth: 100, steps: 2000, speed: RANK_ONE_SPEED });
    const last = flow.t.length - 1;
    expect(relErr(impliedSpeed(1e-2, 3, flow.norm[last], flow.t[last]), RANK_ONE_SPEED)).toBeLessThan(1e-2);
  });

  it('the actual loss follows the closed form while the outputs are small, then saturates below it', () => {
    const x = fromRows([[1, 2, 0.5], [0.3, 1, 2]]);
    const g = fromRows([[-1, -1, -1]]);
    const rho = rankOneDirection(layerSizes(2, [3, 3], 1), Math.atan2(3.3, 3.5), 1);
    const flow = flowFromDirection(rho, x, g, quadraticCost(g), { loss: 'actual', norm0: 1e-2, growth: 300, steps: 3000, speed: Math.hypot(3.5, 3.3) });
    flow.norm.forEach((v, k) => {
      if (flow.closedForm[k] < 0.1) expect(relErr(v, flow.closedForm[k])).toBeLessThan(1e-3);
    });
    const last = flow.norm.length - 1;
    expect(flow.norm[last]).toBeLessThan(0.5 * flow.closedForm[last]);
    expect(flow.loss[last]).toBeLessThan(-1); // C(Y) − C(0) = ½‖Y + G‖² − ½‖G‖² falls towards −3/2
  });
});

describe('Theorem 3.1 quantities', () => {
  it('nonlinearity ratio and the bound', () => {
    expect(nonlinearityRatio(fromRows([[3, -4]]))).toBeCloseTo(16 / 25, 14);
    expect(theoremBound(2, 4)).toBe(1); // ℓ ≤ c²: vacuous
    expect(theoremBound(1, 400)).toBeCloseTo((8 * 0.05) / 0.95, 14);
  });
});

describe('top singular values of a slowly changing layer', () => {
  it('block power iteration with warm start matches the Jacobi SVD on a 120 × 90 matrix', () => {
    const rng = createRng(4);
    const { q: u } = qr(randomGaussian(120, 90, rng));
    const { q: v } = qr(randomGaussian(90, 90, rng));
    const spectrum = Array.from({ length: 90 }, (_, i) => 2 * 0.8 ** i);
    const w = matmulNT(matmul(u, diagonal(90, 90, spectrum)), v);
    const tracker = new TopSingularValues(10, rng);
    let top = tracker.of(w);
    for (let call = 0; call < 4; call++) top = tracker.of(w);
    const exact = singularValues(w);
    top.forEach((s, i) => expect(relErr(s, exact[i])).toBeLessThan(1e-6));
    expect(relErr(exact[3], spectrum[3])).toBeLessThan(1e-12);
  });
});

describe('plateau detection', () => {
  it('finds two plateaus and one escape on a staircase', () => {
    const loss = Array.from({ length: 100 }, (_, k) => (k < 40 ? 2.3 : k < 50 ? 2.3 - 0.04 * (k - 40) : 1.9));
    const plateaus = detectPlateaus(loss, 0.05, 0.05, 4);
    expect(plateaus.map((p) => p.escape)).toEqual([43, null]);
    expect(Math.abs(plateaus[1].level - 1.9)).toBeLessThan(0.01);
    expect(plateaus[0].level).toBe(2.3);
  });
});

describe('plateaus of a training-loss curve', () => {
  it('finds a first plateau of 4 records in a 300-record run, so the first escape is the first drop', () => {
    // log 10 for 4 records, a fall to 2.0 (±2% noise) for 200 records, then 1.4: escapes at records 4–6 and ~205.
    const rng = createRng(3);
    const loss = Array.from({ length: 300 }, (_, k) => (k < 4 ? Math.log(10) : k < 6 ? 2.15 : k < 206 ? 2 * (1 + 0.02 * rng.normal()) : 1.4));
    const plateaus = lossPlateaus(loss);
    expect(plateaus.length).toBe(3);
    expect(relErr(plateaus[0].level, Math.log(10))).toBeLessThan(0.02); // the flat band: the smoothing mixes in the drop
    expect(plateaus[0].escape as number).toBeGreaterThanOrEqual(4);
    expect(plateaus[0].escape as number).toBeLessThanOrEqual(6);
    expect(relErr(plateaus[1].level, 2)).toBeLessThan(0.01);
    expect(Math.abs((plateaus[1].escape as number) - 205)).toBeLessThanOrEqual(2);
    expect(plateaus[2].escape).toBeNull();
  });
});

/** Like the pool host, transfers (detaches) every emitted array: reusing one after emitting it fails. */
function transferringContext(signal?: AbortSignal): RecordingContext {
  const ctx = fakeRunContext(signal);
  const record = ctx.emit;
  ctx.emit = (chunk) => record(structuredClone(chunk, { transfer: [chunk.x.buffer, chunk.y.buffer] }));
  return ctx;
}

describe('relu-escape family runs', () => {
  const run = (input: Record<string, unknown>, ctx = transferringContext()): Summary => family.run(family.params.parse(input), ctx) as Summary;

  it('circle run: summary, metrics, theory lines and a flow on the closed form', () => {
    const ctx = transferringContext();
    const s = run({ restarts: 6, hiddenWidth: 16, steps: 3000 }, ctx);
    expect(s.bestSpeed as number).toBeGreaterThan(RANK_ONE_SPEED);
    expect((s.speeds as number[]).length).toBe(6);
    expect(s.fractionAboveRankOne as number).toBeGreaterThan(0);
    expect(relErr(s.flowImpliedSpeed as number, s.bestSpeed as number)).toBeLessThan(0.01);
    expect(s.flowMaxRelErrorToDoubling as number).toBeLessThan(0.01); // the flow agrees; the blow-up does not amplify it
    expect(ctx.series('flow/norm').y.length).toBe(4001);
    expect(ctx.series('rankRatioWeights').y.length).toBe(3);
    expect(ctx.series('theoremBound').y.every((v) => v === 1)).toBe(true); // c² ≈ 1400 > L here
    const theory = family.theory?.(family.params.parse({})) ?? [];
    expect(theory.map((t) => theorySeries.parse(t).y[0])).toEqual([RANK_ONE_SPEED, RANK_TWO_SPEED]);
    expect(family.theory?.(family.params.parse({ dataset: 'gaussian', gradient: 'mse' }))).toEqual([]);
  });

  it('gaussian data with mse and cross-entropy gradients, custom data with direct G', () => {
    expect(run({ dataset: 'gaussian', gradient: 'mse', outputDim: 2, restarts: 2, steps: 300, flowSteps: 200 }).bestSpeed as number).toBeGreaterThan(0);
    expect(run({ dataset: 'gaussian', gradient: 'cross-entropy', outputDim: 3, restarts: 2, steps: 300, flowLoss: 'actual', flowSteps: 200 }).bestSpeed as number).toBeGreaterThan(0);
    const custom = run({ dataset: 'custom', gradient: 'direct', inputs: [[1, 0], [0, 1]], gradientMatrix: [[-1], [-1]], depth: 2, hiddenWidth: 3, restarts: 2, steps: 500, flowSteps: 200 });
    // Y = w₂σ(W₁x) with x = e₁, e₂ and G = −(1, 1): the best speed is that of σ(x₁ + x₂)/√2 paths, √2.
    expect(Math.abs((custom.bestSpeed as number) - Math.SQRT2)).toBeLessThan(1e-3);
  });

  it('small MNIST run: the loss sits at log 10, escapes, and the deeper layers are rank-one after the first escape', () => {
    const ctx = transferringContext();
    const s = run({ experiment: 'mnist', depth: 6, hiddenWidth: 32, samples: 500, epochs: 40, records: 100 }, ctx);
    expect(ctx.series('trainLoss').y.length).toBe(100);
    // Streamed every 20 records: 10 loss anchors, each with its successor (which stores the weights' metrics only).
    expect(ctx.chunks.filter((c) => c.metric === 'trainLoss').length).toBe(10);
    expect(ctx.series('sv/6/10').y.length).toBe(200);
    expect(ctx.series('plateauEscapes').x[0]).toBe(s.firstEscapeStep);
    const levels = s.plateauLevels as number[];
    expect(relErr(levels[0], Math.log(10))).toBeLessThan(1e-3);
    expect(s.firstEscapeStep as number).toBeGreaterThan(0);
    expect(s.finalLoss as number).toBeLessThan(0.9 * Math.log(10));
    const ratios = s.rankRatiosAfterFirstEscape as number[];
    for (const l of [3, 4, 5]) {
      expect(ratios[l]).toBeLessThan(0.02);
      expect(ratios[l]).toBeLessThan(ratios[0]);
    }
    expect(s.dataMean as number).toBeCloseTo(0.1307, 2); // MNIST's pixel mean and std (App. B normalization)
    expect(s.dataStd as number).toBeCloseTo(0.3081, 2);
  });

  it('short first plateau (lrConstant 1e5): firstEscapeStep is the first drop below log 10, not a later escape', () => {
    const ctx = transferringContext();
    const s = run({ experiment: 'mnist', depth: 6, hiddenWidth: 16, samples: 500, epochs: 150, lrConstant: 1e5, records: 150, topSingular: 2 }, ctx);
    const loss = ctx.series('trainLoss');
    // Independently: the first record whose loss is 8% below log 10 (the detector smooths over ±2 records).
    const firstDrop = loss.x[loss.y.findIndex((v) => v < 0.92 * Math.log(10))];
    const every = loss.x[1] - loss.x[0];
    expect(firstDrop).toBeLessThan(0.1 * (s.steps as number)); // the plateau is short: under 5% of the records it once needed
    expect(Math.abs((s.firstEscapeStep as number) - firstDrop)).toBeLessThanOrEqual(2 * every);
    expect(relErr((s.plateauLevels as number[])[0], Math.log(10))).toBeLessThan(0.02);
  });

  it('trainAccuracy equals an argmax recount from the weights; a rank-one output layer caps it at 2/K', () => {
    const rng = createRng(5);
    const set = mnistTrainingSet(600, rng);
    const sizes = layerSizes(PIXELS, [16, 16], CLASSES);
    const inputs: Matrix = { rows: PIXELS, cols: set.count, data: new Float64Array(PIXELS * set.count) };
    for (let i = 0; i < set.count; i++) for (let q = 0; q < PIXELS; q++) inputs.data[q * set.count + i] = set.pixels[i * PIXELS + q];
    const recount = (weights: Weights): number => {
      const y = output(weights, inputs);
      let hits = 0;
      for (let j = 0; j < set.count; j++) {
        let best = 0;
        for (let k = 1; k < CLASSES; k++) if (y.data[k * set.count + j] > y.data[best * set.count + j]) best = k;
        if (best === set.labels[j]) hits++;
      }
      return hits / set.count;
    };
    const onDevice = (weights: Weights): number =>
      runProgram('cpu', 16, fakeRunContext(), (be) => trainingAccuracy(be, new DeviceMlp(be, weights, 32), set)) as number;
    const full = randomWeights(sizes, rng, 0.1);
    const rankOne = [...full.slice(0, -1), matmulNT(randomGaussian(CLASSES, 1, rng), randomGaussian(16, 1, rng))];
    for (const weights of [full, rankOne]) expect(onDevice(weights)).toBe(recount(weights));
    expect(onDevice(rankOne)).toBeLessThanOrEqual(2 / CLASSES);
  });

  it('depth 1 (linear model): the best speed is ‖G Xᵀ‖ and the flow grows linearly (Prop. 2.2, L = 1)', () => {
    const s = run({ dataset: 'gaussian', gradient: 'mse', depth: 1, restarts: 2, steps: 500, flowSteps: 200 });
    const problem = buildProblem(family.params.parse({ dataset: 'gaussian', gradient: 'mse', depth: 1 }), createRng(0));
    const gx = matmulNT(problem.g, problem.x);
    expect(relErr(s.bestSpeed as number, Math.hypot(...gx.data))).toBeLessThan(1e-6);
    expect(relErr(s.flowImpliedSpeed as number, s.bestSpeed as number)).toBeLessThan(1e-6);
  });

  it('cancels between restarts', () => {
    const controller = new AbortController();
    controller.abort();
    expect(run({ restarts: 3 }, fakeRunContext(controller.signal))).toEqual({});
  });
});

describe('parameters', () => {
  const issues = (input: Record<string, unknown>): string[] => {
    const result = reluEscapeParams.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('rejects bad inputs with messages naming the field', () => {
    expect(issues({ depth: 3, widths: [4] })[0]).toMatch(/^widths: needs one width per hidden layer/);
    expect(issues({ dataset: 'custom' })[0]).toMatch(/^inputs: /);
    expect(issues({ dataset: 'custom', inputs: [[1, 2], [3]] })[0]).toMatch(/^inputs: point 1 has 1 coordinates/);
    expect(issues({ gradient: 'direct', gradientMatrix: [[1]] })[0]).toMatch(/^gradientMatrix: has 1 rows, the data set has 8 points/);
    expect(issues({ dataset: 'custom', inputs: [[1], [2]], gradient: 'cross-entropy', outputDim: 2, labels: [0, 5] })[0]).toMatch(/^labels: /);
    expect(issues({ gradient: 'cross-entropy', outputDim: 1 })[0]).toMatch(/^outputDim: /);
    expect(issues({ experiment: 'mnist', samples: 20, batchSize: 32 })[0]).toMatch(/^batchSize: /);
    expect(issues({ experiment: 'mnist', samples: 9000 })[0]).toMatch(/^samples: /);
    expect(issues({ depth: 0 })[0]).toMatch(/^depth: /);
    expect(issues({})).toEqual([]);
    // The paper's MNIST sizes stay selectable (App. B: depth 6, width 1000, c = 10).
    expect(issues({ experiment: 'mnist', depth: 6, hiddenWidth: 1000, samples: 8630, lrConstant: 10, epochs: 1000 })).toEqual([]);
  });
});

describe('registration, charts and examples', () => {
  it('is registered and its charts parse', () => {
    expect(getFamily('relu-escape')).toBe(family);
    family.charts.forEach((c) => chartSpec.parse(c));
  });

  for (const file of [
    'relu-escape-circle.json',
    'relu-escape-mnist.json',
    'relu-escape-depth.json',
    'relu-escape-rank-one.json',
    'relu-escape-init-scale.json',
    'relu-escape-mnist-depth.json',
  ]) {
    it(`examples/${file} is a valid experiment of this family`, () => {
      const spec = exampleFile.parse(JSON.parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')));
      expect(spec.family).toBe('relu-escape');
      expect(reluEscapeParams.safeParse(spec.params).success).toBe(true);
    });
  }
});

describe('sweep analyses', () => {
  const input = (runId: number, params: Record<string, unknown>, summary: Record<string, number | number[]>): AnalysisRunInput => ({ runId, params, seed: 0, status: 'done', summary });

  it('width-success pools restarts per width and checks the trend of Fig. 2 (right)', () => {
    const runs = [
      input(1, { hiddenWidth: 4 }, { speeds: [0.41, 0.41421, 0.3], restartMaxRankRatios: [0, 1e-9, 0.4] }),
      input(2, { hiddenWidth: 32 }, { speeds: [0.499, 0.41, 0.498], restartMaxRankRatios: [0.5, 1e-6, 0.49] }),
      input(3, { hiddenWidth: 32 }, { speeds: [0.497], restartMaxRankRatios: [0.5] }),
    ];
    expect(widthSuccess.applies(runs)).toBe(true);
    const result = widthSuccess.run(runs);
    expect(result.rows.map((r) => [r.width, r.restarts, r.fraction])).toEqual([[4, 3, 0], [32, 4, 0.75]]);
    expect(result.checks.map((c) => [c.claim, c.pass])).toEqual([['004-13', true], ['004-13', true], ['004-11', true], ['004-11', true]]);
    // Trend z by hand: N = 7, p = 3/7, Σnx = 26, Σnx² = 112 (x = log₂ width = 2, 5).
    const p = 3 / 7;
    expect(result.checks[0].value).toBeCloseTo((2 * (0 - 3 * p) + 5 * (3 - 4 * p)) / Math.sqrt(p * (1 - p) * (112 - 26 ** 2 / 7)), 12);
    expect(result.checks[2].value).toBe(0.41421);
    expect(widthSuccess.applies([runs[0]])).toBe(false);
    // A rank-one restart above √2 − 1 or a best speed short of 1/2 fails 004-11.
    const wrong = widthSuccess.run([input(1, { hiddenWidth: 4 }, { speeds: [0.43], restartMaxRankRatios: [0] }), runs[1]]);
    expect(wrong.checks.filter((c) => c.claim === '004-11').map((c) => c.pass)).toEqual([false, true]);
  });

  it('width-success: the trend test is the Pearson χ² of a 2 × 2 table, and a drop beyond 2 standard errors fails', () => {
    // Two groups of 10, none then all succeed: χ² = N(ad − bc)²/(r₁r₂c₁c₂) = 20, so z = √20.
    expect(trendZ([{ n: 10, k: 0, x: 0 }, { n: 10, k: 10, x: 1 }])).toBeCloseTo(Math.sqrt(20), 12);
    expect(trendZ([{ n: 10, k: 0, x: 0 }, { n: 10, k: 0, x: 1 }])).toBeNull();
    // 5/10 then 2/10: drop 0.3, pooled p = 0.35, SE = √(0.35·0.65·0.2).
    expect(largestDropInSe([{ n: 10, k: 5 }, { n: 10, k: 2 }])).toBeCloseTo(0.3 / Math.sqrt(0.35 * 0.65 * 0.2), 12);
    const falling = widthSuccess.run([
      input(1, { hiddenWidth: 4 }, { speeds: Array(10).fill(0.49), restartMaxRankRatios: Array(10).fill(0.5) }),
      input(2, { hiddenWidth: 8 }, { speeds: [...Array(5).fill(0.41), ...Array(5).fill(0.3)], restartMaxRankRatios: Array(10).fill(0) }),
    ]);
    expect(falling.checks.filter((c) => c.claim === '004-13').map((c) => c.pass)).toEqual([false, false]);
  });

  it('depth-speed flags a decrease of the best speed with depth (Prop. 3.2)', () => {
    const ok = [input(1, { depth: 2 }, { bestSpeed: 0.4 }), input(2, { depth: 3 }, { bestSpeed: 0.5 }), input(3, { depth: 3 }, { bestSpeed: 0.45 })];
    const result = depthSpeed.run(ok);
    expect(result.rows.map((r) => r.best)).toEqual([0.4, 0.5]);
    expect(result.checks[0].pass).toBe(true);
    expect(depthSpeed.run([...ok, input(4, { depth: 4 }, { bestSpeed: 0.45 })]).checks[0].pass).toBe(false);
  });
});
