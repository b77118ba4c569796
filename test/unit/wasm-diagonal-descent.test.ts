// The steepest family's WebAssembly step loop (wasm-diagonal-descent.ts) against the JavaScript path it
// stands in for (Objective.gradient, the run's gradient sums, DiagonalNetwork.step), bit for bit: weights,
// x, ∇f, the loss, η Σ‖∇f‖², max |∂ᵢf| and the last step that moved, over sign descent, q = 2 and q = 1.5,
// with and without weight decay, odd and even n (a padded feature pair), depths 1 to 4, with the Gram
// product fused and not (relaxed SIMD off). Its stops: at the first loss ≤ stopAt and at the first
// non-finite loss, before that step's update. End to end, a sign-descent run on the kernel equals Adam
// with β₁ = β₂ = ε = 0 on the JavaScript path, which is SignGD exactly (App. A): every recorded series and
// every summary value but the metric samples, which Adam runs do not take.
import { describe, expect, it } from 'vitest';
import { differing } from '../helpers/exact-fma';
import { family } from '../../workers/families/steepest';
import { DiagonalNetwork, type OptimizerSettings } from '../../workers/families/steepest/network';
import { Objective } from '../../workers/families/steepest/objective';
import { steepestParams } from '../../workers/families/steepest/params';
import { makeProblem, type Problem } from '../../workers/families/steepest/problem';
import { createRng } from '../../workers/numeric/rng';
import { DiagonalGramDescent, type UpdatePower } from '../../workers/numeric/wasm-diagonal-descent';
import { fakeRunContext } from './fake-run-context';

interface Case {
  n: number;
  depth: number;
  q: number;
  coupledDecay: number;
  decoupledDecay: number;
  learningRate: number;
}

const POWER: Record<number, UpdatePower> = { 1: 'sign', 2: 'identity', 1.5: 'sqrt' };

function setUp(c: Case, fused: boolean) {
  const problem = makeProblem(steepestParams.parse({ features: c.n, samples: 3 * c.n, support: Math.min(5, c.n), depth: c.depth }), createRng(c.n));
  const settings: OptimizerSettings = { kind: 'steepest', q: c.q, learningRate: c.learningRate, coupledDecay: c.coupledDecay, decoupledDecay: c.decoupledDecay, beta1: 0, beta2: 0, epsilon: 0 };
  const net = new DiagonalNetwork(c.n, c.depth, settings);
  net.initialize('random', 0.5, 0, c.q, createRng(7));
  const descent = new DiagonalGramDescent(problem.gram as Float64Array, problem.gramRhs as Float64Array, problem.halfMeanSquare, c.n, c.depth, { power: POWER[c.q], ...c }, fused);
  descent.setState(net.w, net.x);
  return { problem, net, descent, objective: new Objective(problem, fused) };
}

/** The JavaScript path: per step the loss at x before the update, then the sums and the update. */
function javascriptSteps(problem: Problem, objective: Objective, net: DiagonalNetwork, eta: number, steps: number) {
  const grad = new Float64Array(problem.n);
  const losses: number[] = [];
  let energy = 0, maxEntry = 0, lastMove = 0;
  for (let t = 0; t < steps; t++) {
    losses.push(objective.gradient(net.x, grad, null));
    let squared = 0;
    for (let c = 0; c < problem.n; c++) {
      const g = Math.abs(grad[c]);
      squared += g * g;
      if (g > maxEntry) maxEntry = g;
    }
    energy += eta * squared;
    if (net.step(grad)) lastMove = t + 1;
  }
  return { grad, losses, energy, maxEntry, lastMove };
}

function kernelState(descent: DiagonalGramDescent, n: number, depth: number) {
  const w = new Float64Array(n * depth), x = new Float64Array(n), h = new Float64Array(n);
  descent.readState(w, x);
  descent.readGradient(h);
  return { w, x, h };
}

const CASES: Case[] = [
  { n: 100, depth: 3, q: 1, coupledDecay: 0, decoupledDecay: 0, learningRate: 1e-3 },
  { n: 7, depth: 1, q: 1, coupledDecay: 0, decoupledDecay: 0, learningRate: 1e-3 },
  { n: 33, depth: 4, q: 2, coupledDecay: 1e-3, decoupledDecay: 1e-2, learningRate: 1e-3 },
  { n: 17, depth: 2, q: 1.5, coupledDecay: 0, decoupledDecay: 1e-3, learningRate: 1e-3 },
  { n: 24, depth: 3, q: 1, coupledDecay: 1e-2, decoupledDecay: 1e-2, learningRate: 1e-3 },
];

describe('wasm diagonal descent', () => {
  for (const fused of [true, false])
    it.each(CASES)(`${fused ? 'fused' : 'unfused'} product: n = $n, L = $depth, q = $q, α₁ = $coupledDecay, α₂ = $decoupledDecay: the JavaScript path's steps bit for bit`, (c) => {
      const { problem, net, descent, objective } = setUp(c, fused);
      const steps = 1500;
      const expected = javascriptSteps(problem, objective, net, c.learningRate, steps);
      // In stretches of uneven length, as the run loop calls it.
      let taken = 0;
      while (taken < steps) taken += descent.run(taken, Math.min(steps - taken, 1 + (taken % 400)), -Infinity);
      const got = kernelState(descent, c.n, c.depth);
      expect(differing(got.w, net.w)).toEqual([]);
      expect(differing(got.x, net.x)).toEqual([]);
      expect(differing(got.h, expected.grad)).toEqual([]);
      expect(descent.loss).toBe(expected.losses[steps - 1]);
      expect(descent.gradientEnergy).toBe(expected.energy);
      expect(descent.maxGradientEntry).toBe(expected.maxEntry);
      expect(descent.lastMoveStep).toBe(expected.lastMove);
      // Training moved every case (the comparison is not of a state that stood still).
      expect(expected.losses[steps - 1]).toBeLessThan(0.9 * expected.losses[0]);
    });

  it('stops before the update of the first step whose loss is at most stopAt, its loss and gradient kept', () => {
    const c = CASES[0];
    const reference = setUp(c, true);
    const { losses } = javascriptSteps(reference.problem, reference.objective, reference.net, c.learningRate, 600);
    const stopAt = losses[400];
    const first = losses.findIndex((loss) => loss <= stopAt);
    const { problem, net, descent, objective } = setUp(c, true);
    expect(descent.run(0, 600, stopAt)).toBe(first);
    expect(descent.loss).toBe(losses[first]);
    // The state is the one before step `first`'s update: the JavaScript path's after `first` steps.
    const before = javascriptSteps(problem, objective, net, c.learningRate, first);
    const grad = new Float64Array(c.n);
    objective.gradient(net.x, grad, null);
    const got = kernelState(descent, c.n, c.depth);
    expect(differing(got.w, net.w)).toEqual([]);
    expect(differing(got.h, grad)).toEqual([]);
    expect(descent.gradientEnergy).toBe(before.energy);
  });

  it('stops at the first loss that is not finite, before its update', () => {
    // q = 2 with η = 5 from weights of order 1 diverges within a few steps.
    const c: Case = { n: 20, depth: 3, q: 2, coupledDecay: 0, decoupledDecay: 0, learningRate: 5 };
    const reference = setUp(c, true);
    const { losses } = javascriptSteps(reference.problem, reference.objective, reference.net, c.learningRate, 50);
    const first = losses.findIndex((loss) => !Number.isFinite(loss));
    expect(first).toBeGreaterThan(0);
    const { descent } = setUp(c, true);
    expect(descent.run(0, 50, -Infinity)).toBe(first);
    expect(descent.loss).toBe(losses[first]);
  });

  it('rejects a Gram matrix and right-hand side of the wrong sizes', () => {
    const update = { power: 'sign' as const, learningRate: 1e-3, coupledDecay: 0, decoupledDecay: 0 };
    expect(() => new DiagonalGramDescent(new Float64Array(6), new Float64Array(3), 0, 3, 2, update)).toThrow(/A has 6 entries and b 3, expected n² = 9 and n = 3/);
  });

  it('a sign-descent run on the kernel equals Adam with β₁ = β₂ = ε = 0 on the JavaScript path (SignGD, App. A)', () => {
    const params = { features: 30, samples: 90, steps: 20_000 };
    const signCtx = fakeRunContext(), adamCtx = fakeRunContext();
    const sign = family.run(family.params.parse({ ...params, optimizer: 'sign' }), signCtx) as Record<string, unknown>;
    const adam = family.run(family.params.parse({ ...params, optimizer: 'adam', beta1: 0, beta2: 0, epsilon: 0 }), adamCtx) as Record<string, unknown>;
    // The run escaped, and only sign descent samples its metric.
    expect(sign.escapeStep).toBeGreaterThan(0);
    const metricSamples = ['metricSampleX', 'metricSampleM', 'firstUpdateInverseMetricMin', 'firstUpdateInverseMetricMax', 'minInverseMetric'];
    for (const key of Object.keys(sign)) if (!metricSamples.includes(key)) expect(adam[key], key).toEqual(sign[key]);
    const metrics = [...new Set(signCtx.chunks.map((chunk) => chunk.metric))];
    expect(metrics).toEqual(expect.arrayContaining(['loss', 'distance', 'x/0', 'balance/1', 'xFinal', 'escape']));
    for (const metric of metrics) expect(adamCtx.series(metric), metric).toEqual(signCtx.series(metric));
  });
});
