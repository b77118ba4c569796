// Stored series keep both branches of a period-2 orbit (issue 18 item 2): every family that records
// by stride stores each chosen step with its neighbour, so an orbit alternating between two values
// is never drawn as a flat line at one of them.
import { describe, expect, it } from 'vitest';
import { family as dlnTrain } from '../../workers/families/dln-train';
import { family as multipath } from '../../workers/families/multipath';
import { family as steepest } from '../../workers/families/steepest';
import { fakeRunContext, type RecordingContext } from './fake-run-context';

async function runFamily(f: { params: { parse(input: unknown): unknown }; run(p: never, ctx: RecordingContext): unknown }, input: Record<string, unknown>): Promise<RecordingContext> {
  const ctx = fakeRunContext();
  await f.run(f.params.parse(input) as never, ctx);
  return ctx;
}

/** Stored steps (sorted) with no stored neighbour at step ± 1. */
function unpaired(steps: readonly number[]): number[] {
  const stored = new Set(steps);
  return steps.filter((s) => !stored.has(s - 1) && !stored.has(s + 1));
}

describe('stored records keep both phases of an oscillation', () => {
  it('multipath Fig. 2 at η = 0.9: the late residual takes both signs, each equal to the recursion at its step', async () => {
    const eta = 0.9, steps = 50_000;
    const ctx = await runFamily(multipath, { model: 'reduced', pathways: 2, depth: 3, targets: [1], initScale: 0.01, initAsymmetry: 0.1, maxSteps: steps, learningRate: eta });
    // Independent recomputation of GD on balanced depth-3 pathways: w_p ← w_p + η r w_p², r = 1 − Σ_p w_p³.
    const w = [0.01, 0.01 * 0.9];
    const residualAt = new Float64Array(steps + 1);
    for (let t = 0; t <= steps; t++) {
      const r = 1 - (w[0] ** 3 + w[1] ** 3);
      residualAt[t] = r;
      for (let p = 0; p < 2; p++) w[p] += eta * r * w[p] * w[p];
    }
    const stored = ctx.series('residual/0');
    const late = stored.x.map((x, i) => ({ x, r: stored.y[i] })).filter((point) => point.x >= steps / 2);
    expect(late.length).toBeGreaterThan(10);
    for (const { x, r } of late) expect(Math.abs(r - residualAt[x])).toBeLessThan(1e-9);
    // The orbit alternates +0.227 / −0.172: both branches are stored.
    expect(Math.max(...late.map((p) => p.r))).toBeCloseTo(0.227, 3);
    expect(Math.min(...late.map((p) => p.r))).toBeCloseTo(-0.172, 3);
    // The run's last step is stored whatever the schedule; every other record has its neighbour.
    expect(unpaired(stored.x)).toEqual([steps]);
  });

  it('multipath depth-3 reduced, targets [10, 9.5, 2], ε = 0.1, η = 0.032: σ₁ is stored on both branches 11.2779 and 8.4511', async () => {
    const ctx = await runFamily(multipath, { model: 'reduced', pathways: 1, depth: 3, targets: [10, 9.5, 2], initScale: 0.1, learningRate: 0.032 });
    // One pathway: σ₁ = a/0.0. Its minimum's sharpness 3·10^{4/3} = 64.6 exceeds 2/η = 62.5, so GD settles on a period-2 orbit.
    const sigma1 = ctx.series('a/0.0').y;
    const lateSigma1 = sigma1.slice(Math.floor(sigma1.length / 2));
    const near = (value: number): boolean => lateSigma1.some((s) => Math.abs(s - value) < 1e-4);
    expect(near(11.2779)).toBe(true);
    expect(near(8.4511)).toBe(true);
  });

  it('dln-train GD stores consecutive step pairs', async () => {
    const eta = 0.01;
    const ctx = await runFamily(dlnTrain, { depth: 2, dim: 3, targetSingularValues: [2, 1], optimizer: 'gd', learningRate: eta, horizon: 20 });
    const steps = ctx.series('loss').x.map((t) => Math.round(t / eta));
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(2000);
    expect(unpaired(steps)).toEqual([]);
  });

  it('steepest stores consecutive step pairs', async () => {
    const ctx = await runFamily(steepest, { features: 12, samples: 30, support: 2, depth: 3, q: 1.5, learningRate: 1e-3, steps: 5000, recordPoints: 40 });
    const steps = ctx.series('loss').x;
    expect(steps[0]).toBe(1);
    expect(steps.at(-1)).toBe(5000);
    expect(unpaired(steps)).toEqual([]);
  });
});
