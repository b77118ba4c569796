// The exponential loss of a separable classification problem underflows to 0 once the smallest
// margin passes ~745, while sign descent (which needs only the gradient's direction) goes on. The
// gradient is computed as e^{−μ_min}·ĝ with every sample weight ≤ 1, so training continues where the
// mathematics does; a run that truly stops moving says so (frozenAtStep, warning).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/steepest';
import { Objective } from '../../workers/families/steepest/objective';
import { steepestParams } from '../../workers/families/steepest/params';
import { makeProblem } from '../../workers/families/steepest/problem';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext, type RecordingContext } from './fake-run-context';

type Summary = Record<string, unknown>;
const run = (input: Record<string, unknown>, ctx: RecordingContext): Summary => family.run(family.params.parse(input), ctx) as Summary;

/** examples/steepest-margins.json, whose notes the depth-10 SignGD run must bear out. */
const MARGINS = JSON.parse(readFileSync(new URL('../../examples/steepest-margins.json', import.meta.url), 'utf8')) as { params: Record<string, unknown>; notes: string };

describe('exponential loss in a stable form', () => {
  it('the scaled gradient times e^{logScale} equals the naive gradient (rel 1e-12) where that does not underflow', () => {
    const p = steepestParams.parse({ task: 'classification', features: 30, samples: 40, support: 3 });
    const problem = makeProblem(p, createRng(3));
    const objective = new Objective(problem);
    const rng = createRng(11);
    // Margins of order 1–50: e^{−margin} spans 20 orders of magnitude but stays a normal double.
    for (const size of [0.1, 1, 5]) {
      const x = Float64Array.from({ length: p.features }, (_, c) => (problem.groundTruth[c] + 0.3 * rng.normal()) * size);
      const margins = Array.from({ length: problem.k }, (_, j) => x.reduce((s, v, c) => s + problem.rows[j * p.features + c] * v, 0));
      const naive = new Float64Array(p.features);
      let naiveLoss = 0;
      margins.forEach((m, j) => {
        const e = Math.exp(-m) / problem.k;
        naiveLoss += e;
        for (let c = 0; c < p.features; c++) naive[c] -= e * problem.rows[j * p.features + c];
      });
      const scaled = new Float64Array(p.features);
      const { logScale, logLoss } = objective.scaledGradient(x, scaled, null);
      expect(logScale).toBe(-Math.min(...margins));
      expect(Math.abs(logLoss - Math.log(naiveLoss))).toBeLessThan(1e-12 * Math.max(1, Math.abs(logLoss)));
      const norm = Math.hypot(...naive);
      for (let c = 0; c < p.features; c++) expect(Math.abs(scaled[c] * Math.exp(logScale) - naive[c])).toBeLessThan(1e-12 * norm);
    }
  });

  it('SignGD at depth 10 in steepest-margins keeps moving after the loss underflows (step 474 before the fix)', () => {
    const ctx = fakeRunContext();
    const s = run({ ...MARGINS.params, optimizer: 'sign', depth: 10 }, ctx);
    expect(s.frozenAtStep).toBeNull();
    expect(s.warning).toBeNull();
    // The loss itself is below the smallest double; its logarithm is finite and falls throughout.
    expect(s.finalLoss).toBe(0);
    const logLoss = ctx.series('logLoss');
    expect(logLoss.y.every(Number.isFinite)).toBe(true);
    // Fixed-step sign descent oscillates from step to step, so it is read every 1000 steps.
    const everyThousand = Array.from({ length: 10 }, (_, i) => logLoss.y[logLoss.x.findIndex((step) => step >= 1000 * (i + 1))]);
    for (let i = 1; i < everyThousand.length; i++) expect(everyThousand[i]).toBeLessThan(everyThousand[i - 1]);
    // Weights move in the last stored interval: x changes between the last two records.
    const l1 = ctx.series('l1Norm').y;
    expect(l1.at(-1)).toBeGreaterThan(l1.at(-2) as number);
    // The notes' off-support share of ‖x‖₁ for this run is what it reaches, to 1 percentage point.
    const claimed = /SignGD at L = 10[^.]*?(\d+) % of ‖x‖₁ off the support/.exec(MARGINS.notes);
    expect(claimed).not.toBeNull();
    const reached = (100 * (s.finalOffSupportL1 as number)) / (s.finalL1Norm as number);
    expect(Math.abs(reached - Number(claimed?.[1]))).toBeLessThan(1);
  });

  it('a run whose update truly vanishes says so: GD at a margin of ~10⁸ is frozen from step 0, SignGD is not', () => {
    // One feature, x = 10⁸ at the start (depth 8, every layer 10): every margin is 10⁸|zⱼ|.
    const base = { task: 'classification', features: 1, samples: 5, groundTruth: [1], depth: 8, init: 'balanced', initScale: 10, balanceConstant: 0, learningRate: 0.01, steps: 200, recordPoints: 20 };
    const gd = run({ ...base, optimizer: 'steepest', q: 2 }, fakeRunContext());
    expect(gd.frozenAtStep).toBe(0);
    expect(gd.warning).toMatch(/^frozen: no weight changed after step 0 of 200/);
    const signCtx = fakeRunContext();
    const sign = run({ ...base, optimizer: 'sign' }, signCtx);
    expect(sign.frozenAtStep).toBeNull();
    // Each step adds η to every layer: x = (10 + 200η)⁸ after 200 steps, exactly up to rounding.
    expect(signCtx.series('x/0').y.at(-1)).toBeCloseTo(12 ** 8, -1);
    expect(sign.finalLogLoss as number).toBeLessThan(gd.finalLogLoss as number);
  });
});
