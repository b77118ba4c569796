// The worked script-family example (examples/families/numpy-dln, plain numpy) against the
// built-in dln-train on the same points: GD on the same network from the same init, so the
// staircase must agree step for step, in one project through the real pool.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Run } from '../../src-main/contract';
import { haveNumpy } from '../helpers/python';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const shared = { depth: 2, targetSingularValues: [3, 1], initScale: 0.1, learningRate: 0.001, horizon: 4 };
let service: SaddleService;

describe.runIf(haveNumpy())('numpy-dln (script family) against dln-train (built-in)', () => {
  beforeAll(async () => {
    requireBuild();
    service = testService({ familyPaths: [join(repoRoot, 'examples', 'families')] });
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'compare.saddle') });
  });
  afterAll(async () => {
    await service?.close();
  });

  async function run(spec: Record<string, unknown>): Promise<Run> {
    const experiment = (await service.dispatch('experiments', 'create', { spec })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const [only] = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    return only;
  }

  it('gives the same σ_α(t) at every step dln-train recorded, and the same escape times', async () => {
    const [numpy, builtIn] = await Promise.all([
      run({ family: 'numpy-dln', name: 'numpy', params: shared }),
      run({ family: 'dln-train', name: 'built-in', params: { ...shared, init: 'aligned', singularVectors: 'identity', optimizer: 'gd' } }),
    ]);
    expect(numpy).toMatchObject({ status: 'done', error: null });
    expect(builtIn.status).toBe('done');
    for (const metric of ['sigma/0', 'sigma/1']) {
      const [ours] = service.project!.readSeries(numpy.id, [metric]);
      const [theirs] = service.project!.readSeries(builtIn.id, [metric]);
      expect(ours.x.length).toBe(4001);
      expect(theirs.x.length).toBeGreaterThan(50);
      for (let i = 0; i < theirs.x.length; i++) {
        const step = Math.round(theirs.x[i] / shared.learningRate);
        // The same GD iterates, computed in another order of floating-point operations (measured: 2 ulp
        // at most after 4000 steps); 1e-12 leaves room for another BLAS.
        expect(Math.abs(ours.y[step] - theirs.y[i]), `${metric} at t = ${theirs.x[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(theirs.y[i])));
      }
    }
    const ourEscapes = numpy.summary!.escapeTimes as number[];
    const theirEscapes = builtIn.summary!.escapeTimes as number[];
    // Both report η × the first step with σ_α ≥ s_α/2, whatever steps dln-train recorded.
    ourEscapes.forEach((t, a) => expect(t).toBeCloseTo(theirEscapes[a], 12));
    // And both sit near the gradient-flow Saxe times t* = log(s/a₀)/(2s), a₀ = ε² (paper 001 §5): GD with η = 1e-3 is within 2%.
    [3, 1].forEach((s, a) => expect(Math.abs(ourEscapes[a] - Math.log(s / 0.01) / (2 * s)) / (Math.log(s / 0.01) / (2 * s))).toBeLessThan(0.02));
    // The manifest's overlays, computed for the run and stored with it: the same Saxe times.
    const theory = service.project!.getTheory(numpy.id);
    expect(theory.find((t) => t.id === 'saxeTimes')?.x).toEqual([3, 1].map((s) => Math.log(s / 0.1 ** 2) / (2 * s)));
    expect(theory.find((t) => t.id === 'targets')?.y).toEqual([3, 1]);
  });
});
