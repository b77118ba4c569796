// The real Slurm cluster the Slurm tests use (scripts/slurm-local.sh start sets one up here):
// whether it is there, and the service calls each test repeats around a job.
import { spawnSync } from 'node:child_process';
import type { Run } from '../../src-main/contract';
import type { SaddleService } from '../../src-main/core/service';

/** Whether sbatch is on PATH. Without it the Slurm tests are skipped, or fail with SADDLE_REQUIRE_SLURM=1. */
export const slurmHere = spawnSync('sbatch', ['--version']).status === 0;
if (!slurmHere) {
  const message = 'sbatch is not on PATH: the Slurm tests are skipped (scripts/slurm-local.sh start sets up a local cluster; SADDLE_REQUIRE_SLURM=1 makes this a failure)';
  if (process.env.SADDLE_REQUIRE_SLURM === '1') throw new Error(message);
  console.warn(message);
}

/** Collects until no run of the experiment waits on Slurm (each collect asks Slurm for the tasks' states). */
export async function collectUntilHome(service: SaddleService, experimentId: number): Promise<Run[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await service.dispatch('slurm', 'collect', {});
    const runs = (await service.dispatch('runs', 'list', { experimentId })) as Run[];
    if (runs.every((run) => run.status !== 'submitted')) return runs;
    if (Date.now() > deadline) throw new Error(`runs still on Slurm after 120 s: ${JSON.stringify(runs.map((r) => r.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** For afterEach: a job a failed check left held or running is cancelled (it would wait in the queue for ever), then the service closes. */
export async function cancelJobsAndClose(service: SaddleService | null): Promise<void> {
  await service?.dispatch('slurm', 'cancel', {}).catch(() => undefined);
  await service?.close();
}
