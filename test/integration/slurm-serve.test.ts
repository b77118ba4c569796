// A Slurm job submitted by the CLI, shown live by the serve host (the app's main runs the same
// service): the jobs with each array task's state, the runs' statuses pushed as the host collects
// on its own, Cancel and Collect over the WebSocket API, all without reopening the project. The
// real local Slurm (scripts/slurm-local.sh start), the real CLI and a real serve host; nothing
// mocked. Skipped without sbatch, unless SADDLE_REQUIRE_SLURM=1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlurmJobInfo } from '../../src-main/contract';
import { RecentProjects } from '../../src-main/core/recent';
import { SaddleService } from '../../src-main/core/service';
import { startServer, type ServeHandle } from '../../src-main/serve/server';
import { runCli } from '../helpers/cli';
import { examplesDir, requireBuild, tempDir, workerFile } from '../helpers/paths';
import { slurmHere } from '../helpers/slurm';


const spec = (horizons: number[]) => ({
  family: 'dln-train',
  name: `gd horizons ${horizons.join(' ')}`,
  params: { optimizer: 'gd', learningRate: 0.01, init: 'small-random', device: 'cpu' },
  sweep: { horizon: horizons },
  seeds: [1],
});

/** The WebSocket API as the renderer uses it: calls by id, and the events pushed meanwhile. */
class ApiSocket {
  private nextId = 1;
  private readonly statusOf = new Map<number, string>();
  private readonly waiters: { done: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { event?: string; payload?: { changes: { runId: number; status: string }[] } };
      if (message.event !== 'run.statuses') return;
      for (const change of message.payload!.changes) this.statusOf.set(change.runId, change.status);
      for (const waiter of this.waiters.filter((w) => w.done())) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  static open(server: ServeHandle): Promise<ApiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
      ws.once('open', () => resolve(new ApiSocket(ws)));
      ws.once('error', reject);
    });
  }

  call<T>(ns: string, method: string, input: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; ok: boolean; result: T; error?: { message: string } };
        if (message.id !== id) return;
        this.ws.off('message', onMessage);
        if (message.ok) resolve(message.result);
        else reject(new Error(message.error?.message));
      };
      this.ws.on('message', onMessage);
      this.ws.send(JSON.stringify({ id, ns, method, input }));
    });
  }

  /** Resolves once the pushed statuses say each run has the status wanted. */
  statuses(wanted: Map<number, string>): Promise<void> {
    const done = () => [...wanted].every(([runId, status]) => this.statusOf.get(runId) === status);
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  close(): void {
    this.ws.close();
  }
}

async function submit(dir: string, project: string, horizons: number[]): Promise<{ jobId: string; runIds: number[] }> {
  const file = join(dir, `spec-${horizons.join('-')}.json`);
  writeFileSync(file, JSON.stringify(spec(horizons)));
  const result = await runCli(['submit', file, '--project', project, '--slurm', '--time', '00:05:00', '--json'], { SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { jobId: string; runIds: number[] };
}

describe.skipIf(!slurmHere)('a CLI-submitted Slurm job in the serve host', () => {
  let service: SaddleService;
  let server: ServeHandle;
  beforeAll(async () => {
    requireBuild();
    const rendererDir = join(tempDir(), 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    service = new SaddleService({ appVersion: 't', host: 'serve', workerFile, examplesDir, recent: new RecentProjects(tempDir()) });
    server = await startServer({ service, rendererDir });
  });
  afterAll(async () => {
    await server?.close();
    await service?.close();
  });

  it('lists the job with its tasks, pushes the runs as they come home, cancels and collects without reopening', async () => {
    const dir = tempDir('saddle-slurm-serve-');
    const project = join(dir, 'cluster.saddle');
    // Submitted from the shell before the host opens the project (one writer per project).
    const fast = await submit(dir, project, [2, 4]);
    // 1e5 gradient steps: still out when it is cancelled.
    const slow = await submit(dir, project, [1e5]);

    const api = await ApiSocket.open(server);
    try {
      await api.call('projects', 'open', { path: project });
      const jobs = await api.call<SlurmJobInfo[]>('slurm', 'jobs');
      expect(jobs.map((job) => [job.jobId, job.live, job.taskCount]).sort()).toEqual([[fast.jobId, true, 2], [slow.jobId, true, 1]].sort());
      for (const job of jobs) for (const run of job.runs) expect(run.taskState).toMatch(/^[A-Z_]+$/);

      // Cancel, as the window's button does: the slow job only.
      expect(await api.call<{ cancelled: string[] }>('slurm', 'cancel', { jobId: slow.jobId })).toEqual({ cancelled: [slow.jobId] });
      // The host collects on its own while a job is live; its pushes end every run.
      await api.statuses(new Map([...fast.runIds.map((id) => [id, 'done'] as const), [slow.runIds[0], 'cancelled']]));

      // Collect, as the window's button does. A click shares the host's own collect while one is in
      // flight, so this one may still report the runs it brought home; the next finds nothing left.
      type Collected = { finishedRunIds: number[]; jobs: SlurmJobInfo[] };
      const first = await api.call<Collected>('slurm', 'collect');
      expect(first.finishedRunIds.every((id) => [...fast.runIds, ...slow.runIds].includes(id))).toBe(true);
      const collected = await api.call<Collected>('slurm', 'collect');
      expect(collected.finishedRunIds).toEqual([]);
      const byId = new Map(collected.jobs.map((job) => [job.jobId, job]));
      expect(byId.get(fast.jobId)).toMatchObject({ live: false, state: 'COMPLETED' });
      expect(byId.get(slow.jobId)).toMatchObject({ live: false, state: 'CANCELLED' });
      const runs = await api.call<{ id: number; status: string; summary: Record<string, unknown> | null }[]>('runs', 'list');
      expect(runs.filter((run) => fast.runIds.includes(run.id)).every((run) => run.status === 'done' && run.summary !== null)).toBe(true);
      expect(runs.find((run) => run.id === slow.runIds[0])?.status).toBe('cancelled');
    } finally {
      api.close();
    }
  });
});
