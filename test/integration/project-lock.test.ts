// The single-writer lock in one process: who is refused and with what message, what a read-only
// store may do, and which stale locks are taken over (the two-process cases: project-concurrency).
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { ProjectFileError } from '../../src-main/core/store/errors';
import { experimentSpec } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { saddleLabEnv } from '../helpers/python';
import { testService } from '../helpers/service';

const appVersion = '0.0.0-test';
const open: ProjectStore[] = [];
const track = (store: ProjectStore) => (open.push(store), store);
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

function thrownBy(action: () => unknown): ProjectFileError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return error as ProjectFileError;
  }
  throw new Error('expected a ProjectFileError');
}

function lockOf(pid: number, host = os.hostname()) {
  return JSON.stringify({ app: 'saddle-lab', pid, host, startedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5), processStart: null, token: 'feedfacefeedface' });
}

/** A pid that was alive a moment ago and is not now. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('one writer per project', () => {
  it('a second writer is refused with the holder named, and is not left holding anything', () => {
    const file = path.join(tempDir(), 'one.saddle');
    const first = track(ProjectStore.create(file, appVersion));
    expect(fs.existsSync(`${file}.lock`)).toBe(true);
    const error = thrownBy(() => ProjectStore.open(file, appVersion));
    expect(error.message).toMatch(new RegExp(`is open in another Saddle Lab process \\(pid ${process.pid}, since .* UTC\\)`));
    expect(error.message).toContain(`delete ${file}.lock`);
    expect(thrownBy(() => ProjectStore.create(file, appVersion)).message).toMatch(/is open in another Saddle Lab process/);
    first.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    track(ProjectStore.open(file, appVersion)).close();
  });

  it('read-only: opens beside the writer, reads, refuses every write by name and leaves the runs as they are', () => {
    const file = path.join(tempDir(), 'shared.saddle');
    const writer = track(ProjectStore.create(file, appVersion));
    const { id } = writer.insertExperiment(experimentSpec.parse({ family: 'mode-flow', name: 'e', params: { depth: 3 } }));
    const [runId] = writer.insertRuns(id, [{ params: {}, seed: 0 }]);
    writer.setRunStarted(runId, 'cpu', Date.now());
    const reader = track(ProjectStore.open(file, appVersion, { readOnly: true }));
    expect(reader.readOnly).toBe(true);
    expect(reader.getRun(runId).status).toBe('running');
    expect(() => reader.insertExperiment(experimentSpec.parse({ family: 'mode-flow', name: 'x' }))).toThrow(/is open read-only here: nothing can be changed/);
    expect(() => reader.markInterruptedRuns()).toThrow(/read-only/);
    expect(writer.getRun(runId).status).toBe('running');
  });

  it('read-only through the API: run logs waiting beside the project are left for its writer, not written', async () => {
    requireBuild();
    const file = path.join(tempDir(), 'logged.saddle');
    track(ProjectStore.create(file, appVersion)).close();
    const logged = spawnSync('/usr/bin/python3', [path.join(repoRoot, 'test', 'fixtures', 'logging', 'wandb_train.py'), `project=${file}`, 'steps=5', 'rate=0.1', 'name=waiting'], {
      env: saddleLabEnv(),
    });
    expect(logged.status).toBe(0);
    const service = testService();
    try {
      await service.dispatch('projects', 'open', { path: file, readOnly: true });
      expect(await service.dispatch('runs', 'list', {})).toEqual([]);
    } finally {
      await service.close();
    }
    const writer = testService();
    try {
      await writer.dispatch('projects', 'open', { path: file });
      expect(((await writer.dispatch('runs', 'list', {})) as { status: string }[]).map((r) => r.status)).toEqual(['done']);
    } finally {
      await writer.close();
    }
  });

  it('a service opening the project it holds reopens it (its own lock is not "another process")', async () => {
    const file = path.join(tempDir(), 'reopened.saddle');
    track(ProjectStore.create(file, appVersion)).close();
    const service = testService();
    try {
      await service.dispatch('projects', 'open', { path: file });
      const spec = experimentSpec.parse({ family: 'mode-flow', name: 'kept', params: { depth: 3 } });
      await service.dispatch('experiments', 'create', { spec });
      await service.dispatch('projects', 'open', { path: path.join(path.dirname(file), '.', 'reopened.saddle') });
      expect(((await service.dispatch('experiments', 'list', {})) as { name: string }[]).map((e) => e.name)).toEqual(['kept']);
      expect(fs.existsSync(file + '.lock')).toBe(true);
    } finally {
      await service.close();
    }
    expect(fs.existsSync(file + '.lock')).toBe(false);
  });

  it('a reopen tells the windows of one change, the project itself, not "no project" first; one that fails says it is closed', async () => {
    const file = path.join(tempDir(), 'announced.saddle');
    track(ProjectStore.create(file, appVersion)).close();
    const service = testService();
    const changes: unknown[] = [];
    service.on((event, payload) => {
      if (event === 'project.changed') changes.push(payload === null ? null : (payload as { path: string }).path);
    });
    try {
      await service.dispatch('projects', 'open', { path: file });
      await service.dispatch('projects', 'open', { path: file });
      expect(changes).toEqual([file, file]);
      // The file is gone when it is opened again: the error, and the windows told there is no project.
      fs.rmSync(file);
      await expect(service.dispatch('projects', 'open', { path: file })).rejects.toThrow();
      expect(changes).toEqual([file, file, null]);
      expect(await service.dispatch('projects', 'current', {})).toBeNull();
    } finally {
      await service.close();
    }
  });

  it("a dead process's lock (kill -9) is taken over; a live one, another host's and a foreign file are not", () => {
    const dir = tempDir();
    const file = path.join(dir, 'p.saddle');
    track(ProjectStore.create(file, appVersion)).close();

    fs.writeFileSync(`${file}.lock`, lockOf(deadPid()));
    const store = track(ProjectStore.open(file, appVersion));
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    store.close();

    // pid 1 is alive on every Unix machine.
    fs.writeFileSync(`${file}.lock`, lockOf(1));
    expect(thrownBy(() => ProjectStore.open(file, appVersion)).message).toMatch(/pid 1, since 2026-01-02 03:04:05 UTC/);
    fs.writeFileSync(`${file}.lock`, lockOf(deadPid(), 'cluster-node-7'));
    expect(thrownBy(() => ProjectStore.open(file, appVersion)).message).toMatch(/pid \d+ on cluster-node-7, which this machine cannot check/);
    fs.writeFileSync(`${file}.lock`, 'not a lock');
    expect(thrownBy(() => ProjectStore.open(file, appVersion)).message).toMatch(/has a lock file that Saddle Lab did not write/);
    // None of the refusals removed or replaced the lock file.
    expect(fs.readFileSync(`${file}.lock`, 'utf8')).toBe('not a lock');
    expect(fs.readdirSync(dir).sort()).toEqual(['p.saddle', 'p.saddle.lock']);
  });

  it('creating: an existing name is refused and left as it was; a missing folder is named', () => {
    const dir = tempDir();
    const file = path.join(dir, 'taken.saddle');
    fs.writeFileSync(file, 'someone else');
    expect(thrownBy(() => ProjectStore.create(file, appVersion)).message).toMatch(/already exists\. Choose another name/);
    expect(fs.readFileSync(file, 'utf8')).toBe('someone else');
    expect(fs.readdirSync(dir)).toEqual(['taken.saddle']);
    expect(thrownBy(() => ProjectStore.create(path.join(dir, 'no', 'x.saddle'), appVersion)).message).toMatch(/the folder ".*no" does not exist/);
  });
});
