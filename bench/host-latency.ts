// How quickly the host answers while a sweep finishes: the multipath phase diagram (55 runs) runs
// in a SaddleService as the serve host holds it (live events on, every event serialised as a
// WebSocket client would receive it, each finished run's series re-read as the dashboard does),
// and `app.info` is asked every 25 ms. Its latency is compared with the same call on an idle host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SaddleService } from '../src-main/core/service';
import { RecentProjects } from '../src-main/core/recent';
import { finishedStatuses, type Experiment, type RunStatus } from '../src-main/contract';
import type { BenchFigure } from './figures';

const pingIntervalMs = 25;

export async function benchHostLatency(root: string): Promise<BenchFigure[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-bench-host-'));
  const service = new SaddleService({
    appVersion: 'bench',
    host: 'serve',
    workerFile: path.join(root, 'dist', 'main', 'pool-worker.js'),
    examplesDir: path.join(root, 'examples'),
    poolSize: 2,
    recent: new RecentProjects(dir),
  });
  let eventBytes = 0;
  let events = 0;
  const finished: number[] = [];
  service.on((event, payload) => {
    events++;
    eventBytes += JSON.stringify({ event, payload }).length;
    if (event !== 'run.statuses') return;
    for (const change of (payload as { changes: { runId: number; status: RunStatus }[] }).changes) if (finishedStatuses.includes(change.status)) finished.push(change.runId);
  });
  const call = (ns: string, method: string, input: unknown = {}) => service.dispatch(ns, method, input);
  try {
    await call('projects', 'new', { path: path.join(dir, 'host.saddle') });
    const idle = await pingWhile(call, () => new Promise((resolve) => setTimeout(resolve, 1000)));
    const spec = JSON.parse(fs.readFileSync(path.join(root, 'examples', 'multipath-phase-diagram.json'), 'utf8')) as Record<string, unknown>;
    delete spec.quick;
    const experiment = (await call('experiments', 'create', { spec })) as Experiment;
    const t0 = performance.now();
    const busy = await pingWhile(call, async () => {
      const { runIds } = (await call('runs', 'start', { experimentId: experiment.id })) as { runIds: number[] };
      // The dashboard re-reads each finished run once (it follows new runs, so all are selected).
      let read = 0;
      while (read < runIds.length) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const batch = finished.splice(0);
        if (batch.length > 0) await call('runs', 'series', { runIds: batch, maxPoints: 2000, logX: false });
        read += batch.length;
      }
      await service.waitForExperiment(experiment.id);
    });
    const sweepMs = performance.now() - t0;
    return [
      { name: 'app.info latency on an idle host, median', value: idle.median, unit: 'ms' },
      { name: 'app.info latency during the 55-run sweep, median', value: busy.median, unit: 'ms', baseline: 'idle median', ratio: busy.median / idle.median },
      { name: 'app.info latency during the sweep, 95th percentile', value: busy.p95, unit: 'ms', baseline: 'idle median', ratio: busy.p95 / idle.median },
      { name: 'app.info latency during the sweep, worst', value: busy.max, unit: 'ms', baseline: 'idle median', ratio: busy.max / idle.median },
      { name: 'sweep wall time (pool of 2)', value: sweepMs, unit: 'ms' },
      { name: 'events sent to a window during the sweep', value: events, unit: '', baseline: `${(eventBytes / 1024).toFixed(0)} KiB of JSON` },
    ];
  } finally {
    await service.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Latencies of `app.info` due every 25 ms (never two at once) while `work` runs. */
async function pingWhile(call: (ns: string, method: string) => Promise<unknown>, work: () => Promise<unknown>) {
  const latencies: number[] = [];
  let done = false;
  const pinger = (async () => {
    while (!done) {
      // As a request waiting in the socket: its latency counts from when it was due, so a blocked event loop shows.
      const due = performance.now() + pingIntervalMs;
      await new Promise((resolve) => setTimeout(resolve, pingIntervalMs));
      await call('app', 'info');
      latencies.push(performance.now() - due);
    }
  })();
  await work();
  done = true;
  await pinger;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { median: at(0.5), p95: at(0.95), max: latencies[latencies.length - 1] };
}
