// Per-run artifacts of runs sent to Slurm (issue 24 item 3), on a real Slurm cluster
// (scripts/slurm-local.sh start): a 3-run sweep of a script family whose runs all save "weights.txt"
// (2 array tasks, so shard ids differ from project ids) leaves one file per run in the job folder
// under the project's run id; collect copies each into <project>.artifacts/run-<id>/, listed by
// runs.artifacts with the SHA-256 recomputed here. A symlink a run leaves pointing out of its folder
// stays behind (named in the run's stderr) and fails nothing; a second collect changes nothing. A
// submission sbatch refuses leaves no runs behind.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Experiment, Output, RunSource } from '../../src-main/contract';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { savedWeights, weightsSaverFamily } from '../helpers/script-family';
import { cancelJobsAndClose, collectUntilHome, slurmHere } from '../helpers/slurm';

type Artifacts = Output<'runs', 'artifacts'>;


let service: SaddleService | null = null;
afterEach(async () => {
  await cancelJobsAndClose(service);
  service = null;
});

/** The same file name in every run; the run with scale 2 also leaves a link out of its folder. */
const saverFamily = () => weightsSaverFamily(['if p["scale"] == 2:', '    os.symlink("/etc/passwd", os.path.join(lab.artifacts_dir(), "escape"))']);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe.skipIf(!slurmHere)('Slurm run artifacts', () => {
  it('a 3-run sweep saving the same file name brings 3 distinct files home, one per run, and a second collect changes nothing', async () => {
    requireBuild();
    const project = join(tempDir(), 'weights.saddle');
    service = testService({ familyPaths: [saverFamily()] });
    await service.dispatch('projects', 'new', { path: project });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'saver', name: 'sweep', sweep: { scale: [1, 2, 3] } } })) as Experiment;
    const submitted = (await service.dispatch('slurm', 'submit', { experimentId: experiment.id, options: { time: '00:05:00', runsPerTask: 2 } })) as { runIds: number[]; folder: string };
    const runs = await collectUntilHome(service, experiment.id);
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(runs.map((r) => r.id)).toEqual(submitted.runIds);

    const listed = await Promise.all(runs.map((r) => service!.dispatch('runs', 'artifacts', { runId: r.id }) as Promise<Artifacts>));
    const contents = runs.map((r) => savedWeights(r.id, r.params.scale));
    expect(new Set(contents).size).toBe(3);
    listed.forEach((artifacts, i) => {
      expect(artifacts.dir).toBe(join(project.replace(/\.saddle$/, '.artifacts'), `run-${runs[i].id}`));
      expect(readFileSync(join(artifacts.dir, 'weights.txt'), 'utf8')).toBe(contents[i]);
      // The link out stayed on the cluster side; only the plain file came home.
      expect(artifacts.files).toEqual([{ path: 'weights.txt', bytes: Buffer.byteLength(contents[i]), sha256: sha256(contents[i]) }]);
    });
    expect(existsSync(join(listed[1].dir, 'escape'))).toBe(false);
    const source = (await service.dispatch('runs', 'source', { runId: runs[1].id })) as RunSource;
    expect(JSON.stringify(source)).toMatch(/artifacts left on the cluster side:.*escape: a symlink, not copied/);

    // A second collect copies nothing again: a file changed on the cluster side stays as collected.
    writeFileSync(join(submitted.folder, 'artifacts', `run-${runs[0].id}`, 'weights.txt'), 'changed later\n');
    await service.dispatch('slurm', 'collect', {});
    expect(readFileSync(join(listed[0].dir, 'weights.txt'), 'utf8')).toBe(contents[0]);
  }, 180_000);

  it('a submission sbatch refuses leaves no runs (recorded before sbatch to name their ids in the plan) and no job folder', async () => {
    requireBuild();
    const project = join(tempDir(), 'refused.saddle');
    service = testService({ familyPaths: [saverFamily()] });
    await service.dispatch('projects', 'new', { path: project });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'saver', name: 'sweep', sweep: { scale: [1, 2] } } })) as Experiment;
    await expect(service.dispatch('slurm', 'submit', { experimentId: experiment.id, options: { partition: 'no-such-partition' } })).rejects.toThrow(/partition/i);
    expect(await service.dispatch('runs', 'list', { experimentId: experiment.id })).toEqual([]);
    expect(readdirSync(project.replace(/\.saddle$/, '.slurm'))).toEqual([]);
  });
});
