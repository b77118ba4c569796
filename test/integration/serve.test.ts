import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaddleService } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { startServer, type ServeHandle } from '../../src-main/serve/server';
import { examplesDir, tempDir, workerFile } from '../helpers/paths';
import { callServe, connectServe } from '../helpers/serve-client';
import type { SeriesData } from '../../src-main/contract';

let server: ServeHandle;
let service: SaddleService;
const rendererDir = join(tempDir(), 'renderer');

beforeAll(async () => {
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  service = new SaddleService({ appVersion: 't', host: 'serve', workerFile, examplesDir, recent: new RecentProjects(tempDir()) });
  server = await startServer({ service, rendererDir });
});
afterAll(async () => {
  await server.close();
  await service.close();
});

describe('serve host', () => {
  it('listens on 127.0.0.1 only and prints a tokened URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses a wrong token and a foreign origin', async () => {
    await expect(connectServe(server.port, 'nope')).rejects.toThrow(/403/);
    await expect(connectServe(server.port, server.token, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('serves the renderer but never files outside it', async () => {
    const index = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(index.status).toBe(200);
    const escape = await fetch(`http://127.0.0.1:${server.port}/..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(escape.status);
  });

  it('sends a runs.series reply as a binary frame that reads back as the service answered it', async () => {
    const ws = await connectServe(server.port, server.token);
    expect((await callServe(ws, 1, 'projects', 'new', { path: join(tempDir(), 'series.saddle') })).ok).toBe(true);
    const experiment = service.project!.insertExperiment({ family: 'mode-flow', name: 'e', params: {}, sweep: {}, seeds: [0], notes: '', tags: [] });
    const [runId] = service.project!.insertRuns(experiment.id, [{ params: {}, seed: 0 }]);
    const x = Float64Array.from({ length: 5000 }, (_, i) => i + 1);
    service.project!.appendChunks([{ runId, metric: 'loss', x, y: x.map((t) => 1 / t) }, { runId, metric: 'σ/0', x: x.subarray(0, 3), y: Float64Array.of(-0, 0.5, 1) }]);
    const input = { runIds: [runId], maxPoints: 100, alsoLogX: true };
    const served = await callServe<SeriesData[]>(ws, 2, 'runs', 'series', input);
    expect(served.ok).toBe(true);
    expect(served.result).toEqual(await service.dispatch('runs', 'series', input));
    ws.close();
  });

  it('answers API calls, with field issues for bad input, and pushes events', async () => {
    const ws = await connectServe(server.port, server.token);
    const families = await callServe(ws, 1, 'families', 'list', {});
    expect(families.ok).toBe(true);
    const bad = await callServe(ws, 2, 'projects', 'new', { path: 42 });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'expected' } });
    expect(bad.error?.issues[0].path).toBe('path');
    const unknown = await callServe(ws, 3, 'projects', 'explode', {});
    expect(unknown.error?.message).toMatch(/unknown API method/);
    const events: string[] = [];
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.event) events.push(m.event);
    });
    const created = await callServe(ws, 4, 'projects', 'new', { path: join(tempDir(), 'served.saddle') });
    expect(created.ok).toBe(true);
    await expect.poll(() => events).toContain('project.changed');
    ws.close();
  });
});
