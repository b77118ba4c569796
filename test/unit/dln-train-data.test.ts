// dln-train on a user data set (inputs / outputs) and held-out test loss. One-hot items turn
// regression into the target task with time scaled by n (Σxx = I/n, so ∇ = (W − T)/n); a
// rank-deficient design is fitted through the pseudo-inverse; the test loss is the held-out
// (1/2n)‖Y − X Wᵀ‖², and on fresh samples from the teacher it estimates ½‖W − T‖²_F + σ²n_L/2.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { fromRows, matmul } from '../../workers/numeric/matrix';
import { fakeRunContext, type RecordingContext } from './fake-run-context';
import type { RunSummary } from '../../workers/family';

async function train(p: Record<string, unknown>): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  const summary = await family.run(dlnTrainParams.parse(p), ctx);
  return { summary, ctx };
}

const paths = (p: Record<string, unknown>): string[] => {
  const r = dlnTrainParams.safeParse(p);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

const t = [
  [2, 0.5, 0],
  [0, 1, 0.3],
];
const eye = (n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
/** Rows y = T x for the rows x of xs. */
const labels = (xs: number[][]): number[][] => xs.map((x) => t.map((row) => row.reduce((s, v, j) => s + v * x[j], 0)));

describe('a user data set', () => {
  it('one-hot inputs: the regression at time n·t ends where the target task ends at time t (flow, ≤ 1e-7)', async () => {
    const common = { depth: 2, init: 'small-random', initScale: 0.05, hiddenWidth: 3 };
    const data = await train({ ...common, task: 'regression', inputs: eye(3), outputs: labels(eye(3)), horizon: 3 * 8 });
    const target = await train({ ...common, task: 'target', targetMatrix: t, horizon: 8 });
    (target.summary.finalSigmas as number[]).forEach((s, i) => expect(Math.abs((data.summary.finalSigmas as number[])[i] / s - 1)).toBeLessThan(1e-7));
  });

  it('a rank-deficient design (two equal columns) is fitted by the minimum-norm W* = Σyx Σxx⁺', async () => {
    const xs = [[1, 1], [2, 2], [-1, -1], [0.5, 0.5]];
    // The aligned init starts on W*'s singular vectors, so the flow stays in Σxx's range and ends on W*.
    const { summary } = await train({ task: 'regression', depth: 2, inputs: xs, outputs: xs.map((x) => [2 * x[0]]), hiddenWidth: 1, init: 'aligned', initScale: 0.1, horizon: 20 });
    // W* = [1, 1] (the y = 2a fit of least norm; [2, 0] would have σ = 2): one singular value √2.
    expect((summary.finalSigmas as number[])[0]).toBeCloseTo(Math.SQRT2, 8);
    expect(summary.finalLoss as number).toBeLessThan(1e-14);
  });

  it('the test loss is the held-out (1/2n)‖Y − X W_effᵀ‖² of the last heldOut rows at the recorded weights', async () => {
    const xs = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(3 * i), 0.1 * i - 0.5]);
    const ys = labels(xs).map((y, i) => [y[0] + 0.1 * Math.sin(7 * i), y[1]]);
    const { summary, ctx } = await train({ task: 'regression', depth: 2, inputs: xs, outputs: ys, heldOut: 4, hiddenWidth: 3, init: 'small-random', initScale: 0.2, horizon: 6, checkpoints: [6] });
    const [w1, w2] = [1, 2].map((l) => ctx.series(`checkpoint/0/${l}`).y);
    const weff = matmul(fromRows([w2.slice(0, 3), w2.slice(3, 6)]), fromRows([w1.slice(0, 3), w1.slice(3, 6), w1.slice(6, 9)]));
    let sum = 0;
    xs.slice(8).forEach((x, s) => ys[s + 8].forEach((y, a) => (sum += (y - x.reduce((acc, v, j) => acc + weff.data[a * 3 + j] * v, 0)) ** 2)));
    expect(Math.abs((summary.finalTestLoss as number) / (sum / 8) - 1)).toBeLessThan(1e-12);
    expect(ctx.series('testLoss').y).toHaveLength(ctx.series('loss').y.length);
  });

  it('fresh held-out samples from the teacher estimate ½‖W − T‖² + σ²n_L/2 (20 000 samples, ≤ 3%)', async () => {
    const sigma = 0.5;
    const { summary } = await train({ task: 'regression', depth: 2, dim: 2, targetSingularValues: [2, 1], init: 'small-random', initScale: 0.1, samples: 400, noise: sigma, heldOut: 20_000, horizon: 30 });
    // At the end W = W* (train loss at ℓ_min); ‖W* − T‖² is O(σ²n₀/n) and read from the spectra.
    const s = summary.finalSigmas as number[];
    const population = 0.5 * ((s[0] - 2) ** 2 + (s[1] - 1) ** 2) + (sigma ** 2 * 2) / 2;
    expect(Math.abs((summary.finalTestLoss as number) / population - 1)).toBeLessThan(0.03);
  });

  it.each([
    [{ task: 'regression', inputs: [[1]] }, 'outputs'],
    [{ task: 'regression', inputs: [[1], [2]], outputs: [[1]] }, 'outputs'],
    [{ task: 'regression', inputs: [[1], [2]], outputs: [[1], [2]], heldOut: 2 }, 'heldOut'],
    [{ task: 'target', inputs: [[1]], outputs: [[1]] }, 'inputs'],
    [{ task: 'regression', dim: 2, inputs: [[1], [2]], outputs: [[1], [2]], widths: [2, 2, 1] }, 'inputs'],
  ])('rejects %j at %s', (p, path) => expect(paths(p)).toContain(path));
});
