// runs.delete and experiments.delete refuse runs that are still going, through
// SaddleService.dispatch: the message names the field (runIds, id) and the runs concerned, and
// nothing is deleted; once the runs have ended, the same calls delete.
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment, Run } from '../../src-main/contract';
import { toApiError } from '../../src-main/core/errors';
import type { SaddleService } from '../../src-main/core/service';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

async function refusal(call: Promise<unknown>) {
  return toApiError(await call.then(() => expect.fail('the call should have been refused'), (error: unknown) => error));
}

describe('deleting runs that are still going', () => {
  it('is refused naming runIds or id and the runs, deletes nothing, and works once they ended', async () => {
    service = testService({ poolSize: 1, familyPaths: [join(repoRoot, 'test', 'fixtures', 'families')] });
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'busy.saddle') });
    // 2000 steps of 20 ms: both runs are queued or running until cancelled.
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'toy-decay', name: 'slow', params: { steps: 2000, sleepMs: 20 }, sweep: { rate: [1, 2] } } })) as Experiment;
    const { runIds } = (await service.dispatch('runs', 'start', { experimentId: experiment.id })) as { runIds: number[] };

    const runsRefused = await refusal(service.dispatch('runs', 'delete', { runIds }));
    expect(runsRefused.message).toBe(`runIds: runs ${runIds.join(', ')} are in progress: cancel first, nothing was deleted`);
    expect(runsRefused.issues).toEqual([{ path: 'runIds', message: `are in progress: ${runIds.join(', ')}` }]);
    const experimentRefused = await refusal(service.dispatch('experiments', 'delete', { id: experiment.id }));
    expect(experimentRefused.message).toBe(`id: experiment ${experiment.id} has 2 run(s) in progress (${runIds.join(', ')}): cancel them first, nothing was deleted`);
    expect(experimentRefused.issues.map((issue) => issue.path)).toEqual(['id']);
    expect(((await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[]).map((run) => run.id)).toEqual(runIds);

    // A run sent to Slurm (recorded as submitted) is refused by its id alone.
    const [onSlurm] = service.project!.insertRuns(experiment.id, [{ params: { rate: 3 }, seed: 0 }], 'submitted');
    await service.dispatch('runs', 'cancel', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const slurmRefused = await refusal(service.dispatch('runs', 'delete', { runIds: [...runIds, onSlurm] }));
    expect(slurmRefused.message).toBe(`runIds: run ${onSlurm} is on Slurm: cancel the job and collect first, nothing was deleted`);

    await service.dispatch('runs', 'delete', { runIds });
    expect(((await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[]).map((run) => run.id)).toEqual([onSlurm]);
  });
});
