// The end-of-sweep analysis step (issue 23): the host hands the worker each run's stored params and
// summary as JSON text and takes the results back as JSON text, rather than parsing the whole sweep
// into objects and cloning them both ways. What it stores must be what the family's analyses give
// for the runs as the project holds them, computed here independently in this thread; a run whose
// stored JSON is damaged is named, with its column.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { AnalysisRecord, AnalysisResult } from '../../src-main/contract';
import { family } from '../../workers/families/mode-flow';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

describe('sweep analyses through the pool worker', () => {
  let service: SaddleService;
  let file: string;
  let experimentId: number;
  beforeAll(async () => {
    requireBuild();
    service = testService();
    file = join(tempDir(), 'analyses.saddle');
    await service.dispatch('projects', 'new', { path: file });
    // Paper 000 Fig. 2's quick variant at L = 3 (examples/mirror-descent-fig2.json): 6 scales, 4 in the fitted window.
    const spec = { family: 'mode-flow', name: 'Fig. 2, L = 3', params: { depth: 3, targets: [1] }, sweep: { initScale: { logspace: [-2.3, -1, 6] } }, seeds: [0] };
    experimentId = ((await service.dispatch('experiments', 'create', { spec })) as { id: number }).id;
    await service.dispatch('runs', 'start', { experimentId });
    await service.waitForExperiment(experimentId);
  }, 120_000);
  afterAll(() => service?.close());

  it("stores exactly what the family's analyses give for the stored runs, and the Fig. 2 slope at L = 3 is −1 within 0.03", async () => {
    const stored = ((await service.dispatch('analyses', 'list', { experimentId })) as AnalysisRecord[]).map((r) => r.result);
    const runs = service.project?.listRuns(experimentId) ?? [];
    expect(runs.map((r) => r.status)).toEqual(Array(6).fill('done'));
    const inputs = runs.map((r) => ({ runId: r.id, params: r.params, seed: r.seed, status: r.status, summary: r.summary }));
    const direct = (family.analyses ?? []).filter((a) => a.applies(inputs)).map((a) => a.run(inputs));
    // As the project stores any result: through JSON (NaN becomes null).
    expect(stored).toEqual(JSON.parse(JSON.stringify(direct)) as AnalysisResult[]);
    expect(stored.map((a) => a.id)).toEqual(['escape-time-scaling', 'channel-geometry']);
    const scaling = stored[0].rows.find((row) => row.depth === 3);
    expect(scaling?.slope as number).toBeCloseTo(-1, 1);
    expect(Math.abs((scaling?.slope as number) + 1)).toBeLessThan(0.03);
    // The CLI reads the same results one at a time.
    expect([...(service.project?.iterateAnalyses(experimentId) ?? [])].map((r) => r.result)).toEqual(stored);
  });

  it('a run whose stored params or summary is damaged fails the analyses naming the run and column, and the stored ones stay', async () => {
    const before = await service.dispatch('analyses', 'list', { experimentId });
    const [first, second] = service.project?.listRuns(experimentId) ?? [];
    // What a file changed outside the app may hold: JSON of another kind, or (past the schema's check) not JSON at all.
    const outside = new Database(file);
    outside.prepare('UPDATE runs SET paramsJson = ? WHERE id = ?').run('[3]', second.id);
    await expect(service.dispatch('analyses', 'compute', { experimentId })).rejects.toThrow(`run ${second.id}: stored paramsJson is not a JSON object`);
    outside.pragma('ignore_check_constraints = ON');
    outside.prepare('UPDATE runs SET summaryJson = ? WHERE id = ?').run('{"escapeTimes": [1', first.id);
    outside.close();
    await expect(service.dispatch('analyses', 'compute', { experimentId })).rejects.toThrow(new RegExp(`^run ${first.id}: stored summaryJson is not JSON \\(`));
    expect(await service.dispatch('analyses', 'list', { experimentId })).toEqual(before);
  });
});
