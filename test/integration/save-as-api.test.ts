// projects.saveAs through SaddleService.dispatch, as every host calls it: a path where a file
// already exists is refused, naming `path` and asking for `overwrite`, and the file and the open
// project stay as they were; with overwrite: true the file is replaced by the copy. The runs' kept
// files go with the copy into its own <name>.artifacts/ folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Experiment, Output, ProjectInfo, Run } from '../../src-main/contract';
import { toApiError } from '../../src-main/core/errors';
import type { SaddleService } from '../../src-main/core/service';
import { requireBuild, tempDir } from '../helpers/paths';
import { savedWeights, weightsSaverFamily } from '../helpers/script-family';
import { testService } from '../helpers/service';

let service: SaddleService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

async function refusal(call: Promise<unknown>) {
  return toApiError(await call.then(() => expect.fail('saveAs should have been refused'), (error: unknown) => error));
}

describe('projects.saveAs', () => {
  it('refuses an existing file unless overwrite is true, then replaces it with the copy', async () => {
    const dir = tempDir();
    const original = join(dir, 'original.saddle');
    const existing = join(dir, 'notes.saddle');
    writeFileSync(existing, 'not a project, and not to be lost');
    service = testService();
    await service.dispatch('projects', 'new', { path: original });
    await service.dispatch('experiments', 'create', { spec: { family: 'mode-flow', name: 'kept' } });

    const refused = await refusal(service.dispatch('projects', 'saveAs', { path: existing }));
    expect(refused.kind).toBe('expected');
    expect(refused.message).toBe(`path: "${existing}" already exists. Save As replaces a file only with overwrite: true; choose another name or confirm the replacement.`);
    expect(refused.issues.map((issue) => issue.path)).toEqual(['path', 'overwrite']);
    expect(readFileSync(existing, 'utf8')).toBe('not a project, and not to be lost');
    expect(((await service.dispatch('projects', 'current', {})) as ProjectInfo).path).toBe(original);

    const replaced = (await service.dispatch('projects', 'saveAs', { path: existing, overwrite: true })) as ProjectInfo;
    expect(replaced).toMatchObject({ path: existing, name: 'notes', experimentCount: 1 });
    expect(readFileSync(existing).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');

    // The original is no longer open but still there: saving over it is refused like any other file.
    const again = await refusal(service.dispatch('projects', 'saveAs', { path: original }));
    expect(again.message).toMatch(/^path: ".*original\.saddle" already exists/);
    const fresh = (await service.dispatch('projects', 'saveAs', { path: join(dir, 'fresh.saddle') })) as ProjectInfo;
    expect(fresh).toMatchObject({ name: 'fresh', experimentCount: 1 });
  });

  it('names overwrite when it is not a boolean', async () => {
    service = testService();
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'a.saddle') });
    const refused = await refusal(service.dispatch('projects', 'saveAs', { path: join(tempDir(), 'b.saddle'), overwrite: 'yes' }));
    expect(refused.issues.map((issue) => issue.path)).toEqual(['overwrite']);
  });

  it("takes the runs' kept files along to the copy's own folder, and refuses a path whose folder exists", async () => {
    requireBuild();
    const dir = tempDir();
    const original = join(dir, 'weights.saddle');
    service = testService({ familyPaths: [weightsSaverFamily()] });
    await service.dispatch('projects', 'new', { path: original });
    const experiment = (await service.dispatch('experiments', 'create', { spec: { family: 'saver', name: 'sweep', sweep: { scale: [1, 2] } } })) as Experiment;
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const runs = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    const listed = () => Promise.all(runs.map((run) => service!.dispatch('runs', 'artifacts', { runId: run.id }) as Promise<Output<'runs', 'artifacts'>>));
    const before = await listed();
    expect(before.map((artifacts) => artifacts.files.length)).toEqual([1, 1]);

    // A folder of kept files already where the copy's would go: refused before anything is written.
    const blocked = join(dir, 'blocked.saddle');
    mkdirSync(join(dir, 'blocked.artifacts', 'run-1'), { recursive: true });
    writeFileSync(join(dir, 'blocked.artifacts', 'run-1', 'other.txt'), 'someone else');
    const refused = await refusal(service.dispatch('projects', 'saveAs', { path: blocked }));
    expect(refused.message).toMatch(/^path: the kept run files would go to ".*blocked\.artifacts", which already exists/);
    expect(refused.issues.map((issue) => issue.path)).toEqual(['path']);
    expect(existsSync(blocked)).toBe(false);
    expect(readdirSync(join(dir, 'blocked.artifacts', 'run-1'))).toEqual(['other.txt']);

    const copy = join(dir, 'copy.saddle');
    await service.dispatch('projects', 'saveAs', { path: copy });
    const after = await listed();
    after.forEach((artifacts, i) => {
      expect(artifacts.dir).toBe(join(dir, 'copy.artifacts', `run-${runs[i].id}`));
      expect(artifacts.files).toEqual(before[i].files);
      expect(readFileSync(join(artifacts.dir, 'weights.txt'), 'utf8')).toBe(savedWeights(runs[i].id, runs[i].params.scale));
    });
    // The original keeps its own.
    for (const artifacts of before) expect(readdirSync(artifacts.dir)).toEqual(['weights.txt']);
  });
});
