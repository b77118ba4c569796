import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaddleService } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { ProjectStore } from '../../src-main/core/store/project-store';
import type { Run } from '../../src-main/contract';
import { examplesDir, requireBuild, tempDir, workerFile } from '../helpers/paths';

const fig2 = JSON.parse(readFileSync(join(examplesDir, 'mirror-descent-fig2.json'), 'utf8'));

function service(poolSize = 2) {
  return new SaddleService({
    appVersion: '0.0.0-test',
    host: 'cli',
    workerFile,
    examplesDir,
    poolSize,
    recent: new RecentProjects(tempDir('saddle-config-')),
    liveEvents: false,
  });
}

let open: SaddleService[] = [];
afterEach(async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

beforeAll(requireBuild);

describe('a project through the real pool', () => {
  it('runs the Fig. 2 sweep, closes, reopens: the same series bit for bit, analyses kept', async () => {
    const path = join(tempDir(), 'fig2.saddle');
    const first = service();
    open.push(first);
    await first.dispatch('projects', 'new', { path });
    const experiment = (await first.dispatch('experiments', 'create', { spec: fig2 })) as { id: number };
    const { runIds } = (await first.dispatch('runs', 'start', { experimentId: experiment.id })) as { runIds: number[] };
    expect(runIds).toHaveLength(125);
    await first.waitForExperiment(experiment.id);
    const runs = (await first.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    const before = new Map(runIds.map((id) => [id, first.project!.readSeries(id)]));
    const analysesBefore = await first.dispatch('analyses', 'list', { experimentId: experiment.id });
    await first.dispatch('projects', 'close', {});

    const store = ProjectStore.open(path, '0.0.0-test');
    try {
      for (const id of runIds) {
        const after = store.readSeries(id);
        const original = before.get(id)!;
        expect(after.map((s) => s.metric)).toEqual(original.map((s) => s.metric));
        after.forEach((s, i) => {
          expect(Buffer.from(s.x.buffer, s.x.byteOffset, s.x.byteLength).equals(Buffer.from(original[i].x.buffer, original[i].x.byteOffset, original[i].x.byteLength))).toBe(true);
          expect(Buffer.from(s.y.buffer, s.y.byteOffset, s.y.byteLength).equals(Buffer.from(original[i].y.buffer, original[i].y.byteOffset, original[i].y.byteLength))).toBe(true);
        });
      }
      expect(store.listAnalyses(experiment.id)).toEqual(analysesBefore);
      expect(store.listRuns(experiment.id).map((r) => r.summary)).toEqual(runs.map((r) => r.summary));
    } finally {
      store.close();
    }
  });

  it('cancelling mid-sweep leaves finished runs intact and the rest cancelled', async () => {
    const path = join(tempDir(), 'cancel.saddle');
    const s = service(1);
    open.push(s);
    await s.dispatch('projects', 'new', { path });
    // Many slow-ish runs: tight tolerance and many samples per run.
    const spec = { ...fig2, params: { ...fig2.params, samples: 4000 }, sweep: { initScale: { logspace: [-2.3, -1, 200] } } };
    const experiment = (await s.dispatch('experiments', 'create', { spec })) as { id: number };
    let done = 0;
    let cancelled = false;
    s.on((event, payload) => {
      if (event !== 'run.status' || (payload as { status: string }).status !== 'done') return;
      done++;
      if (done === 3 && !cancelled) {
        cancelled = true;
        void s.dispatch('runs', 'cancel', { experimentId: experiment.id });
      }
    });
    await s.dispatch('runs', 'start', { experimentId: experiment.id });
    await s.waitForExperiment(experiment.id);
    const runs = (await s.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    const byStatus: Partial<Record<string, Run[]>> = {};
    for (const run of runs) (byStatus[run.status] ??= []).push(run);
    expect(runs).toHaveLength(200);
    expect(byStatus.done?.length ?? 0).toBeGreaterThanOrEqual(3);
    expect(byStatus.cancelled?.length ?? 0).toBeGreaterThan(100);
    expect((byStatus.done?.length ?? 0) + (byStatus.cancelled?.length ?? 0)).toBe(200);
    for (const run of byStatus.done ?? []) {
      expect(run.summary?.escapeTimes).toBeDefined();
      expect(s.project!.readSeries(run.id).length).toBeGreaterThan(0);
    }
  });

  it('opening a project marks runs a crash left running as interrupted', async () => {
    const path = join(tempDir(), 'crash.saddle');
    const store = ProjectStore.create(path, '0.0.0-test');
    const experiment = store.insertExperiment({ family: 'mode-flow', name: 'x', params: {}, sweep: {}, seeds: [0], notes: '', tags: [] });
    store.insertRuns(experiment.id, [{ params: {}, seed: 0 }]);
    store.close();
    const s = service();
    open.push(s);
    await s.dispatch('projects', 'open', { path });
    const [run] = (await s.dispatch('runs', 'list', {})) as Run[];
    expect(run.status).toBe('cancelled');
    expect(run.error).toMatch(/interrupted/);
  });
});
