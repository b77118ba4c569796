// Matrix sensing in dln-train: the gradient against central differences, the device objective (CPU
// float64, and WebGPU where an adapter exists) against the host loss, exact recovery when the m ≥ n_Ln₀
// measurements determine T, and the implicit low-rank bias of small init when they do not
// (Gunasekar et al. 2017; Li, Ma & Zhang 2018): a rank-1 T from 20 of 36 possible measurements.
import { describe, expect, it } from 'vitest';
import { CpuBackend, selectBackend, type ComputeBackend } from '../../workers/compute/index';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { buildTask } from '../../workers/families/dln-train/task';
import { randomGaussian, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { gpuForTests } from './compute-fixtures';
import { fakeRunContext } from './fake-run-context';

const base = { task: 'sensing', dim: 6, targetSingularValues: [2], singularVectors: 'random', depth: 2 };
const probe = await gpuForTests();

async function train(p: Record<string, unknown>) {
  return family.run(dlnTrainParams.parse({ ...base, ...p }), fakeRunContext());
}

describe('matrix sensing', () => {
  const task = buildTask(dlnTrainParams.parse({ ...base, measurements: 20 }), createRng(1));
  const w = randomGaussian(6, 6, createRng(2));

  it('∂ℓ/∂W_eff matches central differences', () => {
    const g = zeros(6, 6), scratch = zeros(6, 6);
    task.lossAndGradient(w, g);
    const h = 1e-6;
    for (let i = 0; i < 36; i++) {
      const keep = w.data[i];
      w.data[i] = keep + h;
      const up = task.lossAndGradient(w, scratch);
      w.data[i] = keep - h;
      const down = task.lossAndGradient(w, scratch);
      w.data[i] = keep;
      expect(Math.abs((up - down) / (2 * h) - g.data[i])).toBeLessThan(1e-7 * Math.max(1, Math.abs(g.data[i])));
    }
  });

  const backends: [string, () => Promise<ComputeBackend>, number][] = [['CPU float64', async () => new CpuBackend(), 1e-12]];
  if (probe.available) backends.push(['WebGPU float32', async () => (await selectBackend('gpu')).backend, 1e-5]);
  it.each(backends)('the device objective on %s gives the host loss and gradient', async (_name, make, tol) => {
    const be = await make();
    const objective = task.onDevice(be);
    const weff = be.tensor(6, 6, w.data), grad = be.tensor(6, 6), loss = be.tensor(1, 1);
    objective.lossAndGradient(weff, grad, loss);
    const g = zeros(6, 6);
    const hostLoss = task.lossAndGradient(w, g);
    expect(Math.abs(objective.loss((await be.read(loss))[0]) / hostLoss - 1)).toBeLessThan(tol);
    const scale = Math.max(...g.data.map(Math.abs));
    (await be.read(grad)).forEach((x, i) => expect(Math.abs(x - g.data[i])).toBeLessThan(tol * 10 * scale));
    be.dispose();
  });

  it('m = 200 ≥ 36 measurements determine T: the flow recovers it (relative error ≤ 1e-3, loss ≤ 1e-8)', async () => {
    // What is left decays only algebraically: directions of W_eff that T lacks shrink like 1/(2λ_A a t) at depth 2.
    const summary = await train({ measurements: 200, init: 'small-random', initScale: 1e-3, horizon: 20 });
    expect(summary.recoveryError as number).toBeLessThan(1e-3);
    expect(summary.finalLoss as number).toBeLessThan(1e-8);
  });

  it('m = 20 < 36: every init fits the measurements; the rank-1 T is recovered as the init shrinks (implicit low-rank bias)', async () => {
    const run = (initScale: number) => train({ measurements: 20, init: 'small-random', initScale, horizon: 200 });
    const [tiny, small, large] = [await run(1e-5), await run(1e-3), await run(1)];
    // The loss starts at about ½‖T‖² = 2.
    for (const r of [tiny, small, large]) expect(r.finalLoss as number).toBeLessThan(1e-4);
    expect(tiny.recoveryError as number).toBeLessThan(0.02);
    expect(tiny.recoveryError as number).toBeLessThan((small.recoveryError as number) / 3);
    expect(large.recoveryError as number).toBeGreaterThan(1);
  });

  it('held-out measurements estimate ½‖W_eff − T‖²_F (20 000 fresh ones, ≤ 5%)', async () => {
    const summary = await train({ measurements: 20, heldOut: 20_000, init: 'small-random', initScale: 1e-3, horizon: 200 });
    const error = (summary.recoveryError as number) * 2;
    expect(Math.abs((summary.finalTestLoss as number) / (0.5 * error * error) - 1)).toBeLessThan(0.05);
  });

  it('SGD over measurements and GD run and descend; sgd batches larger than m are rejected', async () => {
    for (const optimizer of ['gd', 'sgd']) {
      const summary = await train({ measurements: 60, optimizer, batchSize: 10, learningRate: 0.01, init: 'small-random', initScale: 0.1, horizon: 10 });
      expect(summary.recoveryError as number).toBeLessThan(0.5);
    }
    const r = dlnTrainParams.safeParse({ ...base, measurements: 5, optimizer: 'sgd', batchSize: 10 });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toContain('batchSize');
  });
});
