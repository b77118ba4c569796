// Per-run artifacts (issue 24 item 3; opening them in the desktop host at the end): a 4-run sweep of a script family whose runs all save
// "weights.txt" leaves four separate files, one per run, each listed with its size and SHA-256
// (recomputed here) and removed with its run; a run logged with saddle_lab.init keeps the files it
// saves in run.dir the same way.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Experiment, Output, Run } from '../../src-main/contract';
import { requireBuild, tempDir } from '../helpers/paths';
import { saddleLabEnv } from '../helpers/python';
import { testService } from '../helpers/service';
import { savedWeights, weightsSaverFamily } from '../helpers/script-family';

type Artifacts = Output<'runs', 'artifacts'>;

let service: SaddleService | null = null;
beforeAll(requireBuild);
afterEach(async () => {
  await service?.close();
  service = null;
});

describe('artifacts', () => {
  it('a 4-run sweep saving the same file name leaves 4 files, listed per run with size and hash, removed with the run', async () => {
    const project = join(tempDir(), 'weights.saddle');
    service = testService({ familyPaths: [weightsSaverFamily()] });
    await service.dispatch('projects', 'new', { path: project });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'saver', name: 'sweep', sweep: { scale: [1, 2, 3, 4] } } })) as Experiment;
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const runs = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(runs.map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);

    const listed = await Promise.all(runs.map((r) => service?.dispatch('runs', 'artifacts', { runId: r.id }) as Promise<Artifacts>));
    expect(new Set(listed.map((a) => a.dir)).size).toBe(4);
    listed.forEach((artifacts, i) => {
      const content = savedWeights(runs[i].id, runs[i].params.scale);
      expect(artifacts.dir).toBe(join(project.replace(/\.saddle$/, '.artifacts'), `run-${runs[i].id}`));
      expect(readFileSync(join(artifacts.dir, 'weights.txt'), 'utf8')).toBe(content);
      expect(artifacts.files).toEqual([{ path: 'weights.txt', bytes: Buffer.byteLength(content), sha256: createHash('sha256').update(content).digest('hex') }]);
    });

    await service.dispatch('runs', 'delete', { runIds: [runs[0].id] });
    expect(existsSync(listed[0].dir)).toBe(false);
    expect(existsSync(listed[1].dir)).toBe(true);
    await service.dispatch('experiments', 'delete', { id: experiment.id });
    for (const artifacts of listed) expect(existsSync(artifacts.dir)).toBe(false);
  });

  it('a new project is refused where run folders of an earlier project of its name were left, and nothing is created', async () => {
    const project = join(tempDir(), 'again.saddle');
    mkdirSync(join(project.replace(/\.saddle$/, '.artifacts'), 'run-1'), { recursive: true });
    writeFileSync(join(project.replace(/\.saddle$/, '.artifacts'), 'run-1', 'weights.txt'), 'old');
    service = testService();
    const refused = await service.dispatch('projects', 'new', { path: project }).catch((error: unknown) => error as { message: string; issues?: { path: string }[] });
    expect((refused as { message: string }).message).toMatch(/^path: ".*again\.artifacts" holds files that runs of an earlier project of this name kept \(run-1\)/);
    expect((refused as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(['path']);
    expect(existsSync(project)).toBe(false);
  });

  it('a logged run keeps what it saves in run.dir', async () => {
    const project = join(tempDir(), 'logged.saddle');
    const script = 'import os, saddle_lab as wandb\nrun = wandb.init(project=os.environ["P"], name="saver")\nopen(os.path.join(run.dir, "model.bin"), "wb").write(bytes(range(16)))\nwandb.log({"loss": 1.0})\nwandb.finish()\n';
    const result = spawnSync('/usr/bin/python3', ['-c', script], { env: { ...saddleLabEnv(), P: project }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    service = testService();
    await service.dispatch('projects', 'new', { path: project });
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    const artifacts = (await service.dispatch('runs', 'artifacts', { runId: run.id })) as Artifacts;
    expect(artifacts.files).toEqual([{ path: 'model.bin', bytes: 16, sha256: createHash('sha256').update(Buffer.from(Array.from({ length: 16 }, (_, i) => i))).digest('hex') }]);
    await service.dispatch('runs', 'delete', { runIds: [run.id] });
    expect(existsSync(artifacts.dir)).toBe(false);
  });

  it('the desktop host is asked to open or reveal the real path of a listed file, and never one out of the run\'s folder', async () => {
    const project = join(tempDir(), 'opened.saddle');
    const script = 'import os, saddle_lab as wandb\nrun = wandb.init(project=os.environ["P"], name="opener")\nopen(os.path.join(run.dir, "model.bin"), "wb").write(b"w")\nwandb.finish()\n';
    expect(spawnSync('/usr/bin/python3', ['-c', script], { env: { ...saddleLabEnv(), P: project }, encoding: 'utf8' }).status).toBe(0);
    const shown: [string, boolean][] = [];
    service = testService({ host: 'electron', dialogs: { pickProjectPath: async () => null, saveFile: async () => null, showFile: async (file, reveal) => void shown.push([file, reveal]) } });
    await service.dispatch('projects', 'new', { path: project });
    const [run] = (await service.dispatch('runs', 'list', {})) as Run[];
    const { dir } = (await service.dispatch('runs', 'artifacts', { runId: run.id })) as Artifacts;
    symlinkSync(project, join(dir, 'project-link'));
    await service.dispatch('runs', 'openArtifact', { runId: run.id, path: 'model.bin' });
    await service.dispatch('runs', 'openArtifact', { runId: run.id, path: 'model.bin', reveal: true });
    const real = join(realpathSync(dir), 'model.bin');
    expect(shown).toEqual([[real, false], [real, true]]);
    for (const path of ['../opened.saddle', project, 'project-link']) {
      await expect(service.dispatch('runs', 'openArtifact', { runId: run.id, path })).rejects.toThrow(/path: /);
    }
    expect(shown).toHaveLength(2);
  });
});
