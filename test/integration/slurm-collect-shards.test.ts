// Collecting ended Slurm array tasks shard by shard (no Slurm needed: the task states are given):
// a damaged shard fails only its own task's runs, by name; a healthy shard is collected, also
// when the task was killed on its node and left its lock behind.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { collectEndedTask } from '../../src-main/core/slurm/collect';
import { jobFiles } from '../../src-main/core/slurm/job-folder';
import { experimentSpec } from '../../src-main/contract';
import { tempDir } from '../helpers/paths';
import { integrityCheck } from '../helpers/project-file';

const appVersion = '0.0.0-test';
const stores: ProjectStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

const spec = experimentSpec.parse({ family: 'mode-flow', name: 'on slurm', params: { depth: 3 } });
const runParams = (i: number) => ({ depth: 3, initScale: 10 ** -(i + 1) });

/** A shard as a task writes it: its runs done, each with a loss series and a summary. */
function writeShard(path: string, runIndexes: number[]): void {
  const shard = ProjectStore.create(path, appVersion);
  try {
    const { id } = shard.insertExperiment(spec);
    const ids = shard.insertRuns(id, runIndexes.map((i) => ({ params: runParams(i), seed: 0 })));
    ids.forEach((runId, k) => {
      shard.setRunStarted(runId, 'cpu', 1_000);
      shard.appendChunks([{ runId, metric: 'loss', x: new Float64Array([0, 1]), y: new Float64Array([runIndexes[k], 0.5]) }]);
      shard.finishRun(runId, { status: 'done', error: null, summary: { finalLoss: 0.5 }, theory: null, finishedAtMs: 2_000 });
    });
  } finally {
    shard.close();
  }
}

describe('collect, shard by shard', () => {
  it('a damaged shard fails its own runs with the shard named; the healthy shard is collected; nothing else changes', () => {
    const dir = tempDir('saddle-collect-');
    const project = ProjectStore.create(join(dir, 'home.saddle'), appVersion);
    stores.push(project);
    const { id } = project.insertExperiment(spec);
    const runIds = project.insertRuns(id, [0, 1, 2, 3].map((i) => ({ params: runParams(i), seed: 0 })), 'submitted');
    const folder = join(dir, 'job-4242');
    mkdirSync(join(folder, 'shards'), { recursive: true });
    const job = { jobId: '4242', experimentId: id, folder, taskCount: 2, options: {}, submittedAtMs: 0 };
    project.slurm.insertJob(job, runIds.map((runId, i) => ({ runId, taskIndex: i < 2 ? 0 : 1, shardRunId: (i % 2) + 1 })));
    const record = project.slurm.getJob('4242')!;
    const runsOf = (task: number) => project.slurm.runsOfJob('4242').filter((r) => r.taskIndex === task);

    writeShard(jobFiles.shard(folder, 0), [0, 1]);
    // Task 0 was killed on its node after its last commit: its lock names a host this machine cannot check.
    writeFileSync(`${jobFiles.shard(folder, 0)}.lock`, JSON.stringify({ app: 'saddle-lab', pid: 77, host: 'node-3', startedAtMs: 0, processStart: null, token: 'ab' }));
    const damaged = jobFiles.shard(folder, 1);
    writeFileSync(damaged, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4000, 7)]));

    const completed = { state: 'COMPLETED', reason: null };
    collectEndedTask(project, record, 1, runsOf(1), completed, appVersion);
    collectEndedTask(project, record, 0, runsOf(0), completed, appVersion);

    const runs = project.listRuns(id);
    expect(runs.slice(0, 2).map((r) => [r.status, r.summary])).toEqual([
      ['done', { finalLoss: 0.5 }],
      ['done', { finalLoss: 0.5 }],
    ]);
    expect(Array.from(project.readSeries(runIds[1])[0].y)).toEqual([1, 0.5]);
    for (const run of runs.slice(2)) {
      expect(run.status).toBe('failed');
      expect(run.error).toContain(`the shard of array task 1 of Slurm job 4242 (${damaged}) could not be read: "${damaged}" is`);
      expect(run.error).toContain("the other tasks' runs were collected");
    }
    expect(integrityCheck(project.path)).toBe('ok');
  });

  it('a shard whose runs do not match the plan fails that task with the mismatch named', () => {
    const dir = tempDir('saddle-collect-');
    const project = ProjectStore.create(join(dir, 'home.saddle'), appVersion);
    stores.push(project);
    const { id } = project.insertExperiment(spec);
    const runIds = project.insertRuns(id, [0, 1].map((i) => ({ params: runParams(i), seed: 0 })), 'submitted');
    const folder = join(dir, 'job-7');
    mkdirSync(join(folder, 'shards'), { recursive: true });
    project.slurm.insertJob({ jobId: '7', experimentId: id, folder, taskCount: 1, options: {}, submittedAtMs: 0 }, runIds.map((runId, i) => ({ runId, taskIndex: 0, shardRunId: i + 1 })));
    // Another plan's shard dropped into the folder: seeds and params differ.
    writeShard(jobFiles.shard(folder, 0), [5, 6]);
    collectEndedTask(project, project.slurm.getJob('7')!, 0, project.slurm.runsOfJob('7'), { state: 'COMPLETED', reason: null }, appVersion);
    for (const run of project.listRuns(id)) {
      expect(run.status).toBe('failed');
      expect(run.error).toMatch(/does not match project run \d+: the job folder was changed/);
    }
  });
});
