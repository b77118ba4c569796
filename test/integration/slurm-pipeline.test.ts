// Slurm goes through the same RunPipeline as a local start (issue 21), on a real Slurm cluster
// (scripts/slurm-local.sh start): a project's own family is refused until the user trusts it, as
// runs.start refuses it; a script family's runs keep their stored copy, content hash and stderr
// (runs.source), and a script edited while its tasks wait fails those runs, as it fails queued
// local runs. Nothing of Slurm is mocked.
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { FamilyInfo, RunSource } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';
import { cancelJobsAndClose, collectUntilHome, slurmHere } from '../helpers/slurm';

const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');
const spec = { family: 'toy-decay', name: 'on slurm', params: { steps: 5 }, sweep: { rate: [1, 2] }, seeds: [0] };

let service: SaddleService | null = null;
afterEach(async () => {
  await cancelJobsAndClose(service);
  service = null;
});

/** A project with toy-decay in its own families folder (<name>.families/toy-decay). */
async function projectWithOwnFamily(): Promise<{ service: SaddleService; script: string; experimentId: number }> {
  requireBuild();
  const path = join(tempDir(), 'own.saddle');
  const familyDir = join(path.replace(/\.saddle$/, '.families'), 'toy-decay');
  mkdirSync(familyDir, { recursive: true });
  cpSync(fixture, familyDir, { recursive: true });
  service = testService();
  await service.dispatch('projects', 'new', { path });
  const experiment = (await service.dispatch('experiments', 'create', { spec })) as { id: number };
  return { service, script: join(familyDir, 'decay.py'), experimentId: experiment.id };
}

describe.skipIf(!slurmHere)('Slurm through the run pipeline', () => {
  it('refuses an untrusted project family exactly as runs.start does, and runs it once trusted', async () => {
    const { service: s, experimentId } = await projectWithOwnFamily();
    const families = (await s.dispatch('families', 'list', {})) as FamilyInfo[];
    expect(families.find((f) => f.id === 'toy-decay')).toMatchObject({ origin: 'project', trusted: false });
    const refusal = /toy-decay comes from this project's folder .*: it runs code, so trust the project's families first/;
    await expect(s.dispatch('runs', 'start', { experimentId })).rejects.toThrow(refusal);
    await expect(s.dispatch('slurm', 'submit', { experimentId, options: { time: '00:05:00' } })).rejects.toThrow(refusal);
    expect(await s.dispatch('slurm', 'jobs', {})).toEqual([]);
    expect(await s.dispatch('runs', 'list', { experimentId })).toEqual([]);

    await s.dispatch('families', 'trustProject', {});
    await s.dispatch('slurm', 'submit', { experimentId, options: { time: '00:05:00' } });
    const runs = await collectUntilHome(s, experimentId);
    // toy-decay's final loss is exp(−rate (steps − 1)).
    expect(runs.map((r) => [r.status, r.summary?.final_loss])).toEqual([
      ['done', Math.exp(-1 * 4)],
      ['done', Math.exp(-2 * 4)],
    ]);
  });

  it("keeps each run's stored copy, hash and stderr; a script edited while its tasks wait fails them", async () => {
    const { service: s, script, experimentId } = await projectWithOwnFamily();
    await s.dispatch('families', 'trustProject', {});
    // Held: the tasks wait in the queue until released, so the edit lands while they are pending.
    const held = (await s.dispatch('slurm', 'submit', { experimentId, options: { time: '00:05:00', sbatchArgs: ['--hold'] } })) as { jobId: string; runIds: number[] };
    const sources = (await Promise.all(held.runIds.map((runId) => s.dispatch('runs', 'source', { runId })))) as (RunSource | null)[];
    expect(sources.map((source) => source?.hash)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), sources[0]?.hash]);
    expect(sources[0]).toMatchObject({ familyId: 'toy-decay', kind: 'script', installed: 'same' });
    expect(sources[0]?.files.map((f) => f.path)).toEqual(['decay.py', 'saddle-family.json']);

    appendFileSync(script, '\n# edited while the job waits\n');
    expect(spawnSync('scontrol', ['release', held.jobId]).status).toBe(0);
    const edited = await collectUntilHome(s, experimentId);
    for (const run of edited) expect(run).toMatchObject({ status: 'failed', error: expect.stringMatching(/changed after this run was queued/) });

    // Submitted again, the edited copy is stored and runs; each run's stderr comes home with it.
    const again = (await s.dispatch('slurm', 'submit', { experimentId, options: { time: '00:05:00' }, again: true })) as { runIds: number[] };
    const runs = (await collectUntilHome(s, experimentId)).filter((run) => again.runIds.includes(run.id));
    expect(runs.map((run) => run.status)).toEqual(['done', 'done']);
    const source = (await s.dispatch('runs', 'source', { runId: again.runIds[0] })) as RunSource;
    expect(source.hash).not.toBe(sources[0]?.hash);
    expect(source.installed).toBe('same');
    expect(source.stderr).toContain("toy-decay starting with {'rate': 1");
    expect(readFileSync(script, 'utf8')).toContain('# edited while the job waits');
  });
});
