// What a worker's `analyze` task returns is checked before it is stored (issue 21): a malformed
// result (here a chart point NaN, which JSON stores as null where the contract wants a number) is
// refused with the analysis and field named, the analyses stored before stay, and analyses.list
// keeps working. Before, the result was stored as it came, and from then on analyses.list (and
// claims.list, which reads every experiment's analyses) failed as an internal error.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import { experimentSpec, type AnalysisRecord, type AnalysisResult } from '../../src-main/contract';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

// One analysis: the mean of the runs' `last`, with a chart whose second point is NaN when a run asks for it.
const codeFamily = `export default ({ defineFamily, z }) => defineFamily({
  id: 'mean-of-runs',
  title: 'Mean of runs',
  summary: 'last = a; the analysis averages it',
  references: [],
  formulas: [],
  params: z.object({ a: z.number().default(1), malformed: z.boolean().default(false) }),
  metrics: [{ name: 'y', label: 'y', x: 'step' }],
  charts: [],
  run: (p) => ({ last: p.a }),
  analyses: [{
    id: 'mean',
    title: 'Mean of last',
    description: 'the mean of the runs\\' last values',
    applies: () => true,
    run: (runs) => {
      const mean = runs.reduce((sum, r) => sum + r.summary.last, 0) / runs.length;
      const bad = runs.some((r) => r.params.malformed);
      return {
        id: 'mean', title: 'Mean of last', columns: [{ key: 'mean', label: 'mean' }], rows: [{ mean }],
        checks: [{ name: 'mean', value: mean, expected: 2, tolerance: 'exact', pass: mean === 2 }],
        chart: { title: 'last', x: { label: 'run' }, y: { label: 'last' }, series: [{ name: 'last', kind: 'scatter', x: [0, bad ? NaN : 1], y: [1, 3] }] },
        notes: [],
      };
    },
  }],
});
`;

describe("a family's analysis results are checked before they are stored", () => {
  let service: SaddleService;
  const events: { experimentId: number; state: string; error?: string }[] = [];
  beforeAll(async () => {
    requireBuild();
    const folder = tempDir('saddle-families-');
    writeFileSync(join(folder, 'mean-of-runs.mjs'), codeFamily);
    service = testService({ familyPaths: [folder] });
    service.on((event, payload) => {
      if (event === 'analyses.changed') events.push(payload as (typeof events)[number]);
    });
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'analyses.saddle') });
  });
  afterAll(() => service?.close());

  async function sweep(malformed: boolean): Promise<number> {
    const spec = { family: 'mean-of-runs', name: malformed ? 'malformed' : 'fine', params: { malformed }, sweep: { a: [1, 3] }, seeds: [0] };
    const experiment = (await service.dispatch('experiments', 'create', { spec })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    return experiment.id;
  }

  it('a well-formed result is stored: the mean of 1 and 3 is 2', async () => {
    const experimentId = await sweep(false);
    const [record] = (await service.dispatch('analyses', 'list', { experimentId })) as AnalysisRecord[];
    expect(record.result.rows).toEqual([{ mean: 2 }]);
    expect(record.result.checks[0]).toMatchObject({ value: 2, pass: true });
  });

  it('a malformed one is refused with the field named, and analyses.list and claims.list keep working', async () => {
    const experimentId = await sweep(true);
    const message = /the analyses of mean-of-runs returned a malformed result, not stored: analyses\[0\]\.chart\.series\[0\]\.x\[1\]: .* \(analysis mean\)/;
    // Refused when the sweep ended: told to the windows, nothing stored.
    expect(events.filter((e) => e.experimentId === experimentId).map((e) => e.state)).toEqual(['computing', 'failed']);
    expect(events.at(-1)?.error).toMatch(message);
    expect(await service.dispatch('analyses', 'list', { experimentId })).toEqual([]);
    // Asked for again, the caller gets the same message as a user's error.
    await expect(service.dispatch('analyses', 'compute', { experimentId })).rejects.toMatchObject({ name: 'ExpectedError', message: expect.stringMatching(message) });
    expect(await service.dispatch('analyses', 'list', { experimentId })).toEqual([]);
    await expect(service.dispatch('claims', 'list', {})).resolves.toMatchObject({ claims: expect.any(Array) });
  });

  it('a malformed result an older version stored is listed as unreadable, naming the field, and the rest still read', async () => {
    const file = join(tempDir(), 'older.saddle');
    const older = ProjectStore.create(file, '0.0.0-test');
    const { id: experimentId } = older.insertExperiment(experimentSpec.parse({ family: 'mode-flow', name: 'e', params: { depth: 3 } }));
    const fine = { id: 'fine', title: 'Fine', columns: [], rows: [{ a: 1 }], checks: [], notes: [] };
    // A chart point stored as null where the contract wants a number (a NaN through JSON).
    const malformed = { ...fine, id: 'fit', chart: { title: 't', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 's', kind: 'line', x: [0, null], y: [1, 2] }] } };
    older.saveAnalyses(experimentId, [fine, malformed as unknown as AnalysisResult]);
    older.close();
    const reader = testService();
    try {
      await reader.dispatch('projects', 'open', { path: file });
      const records = (await reader.dispatch('analyses', 'list', { experimentId })) as AnalysisRecord[];
      expect(records.map((r) => r.result.id)).toEqual(['fine', 'fit']);
      expect(records[0].result.rows).toEqual([{ a: 1 }]);
      expect(records[1].result).toMatchObject({ title: 'fit: stored result unreadable', checks: [], rows: [] });
      expect(records[1].result.notes[0]).toMatch(/^The stored result does not match what this version reads \(chart\.series\.0\.x\.1: .*\)\. Recompute the analyses to replace it\.$/);
      await expect(reader.dispatch('claims', 'list', {})).resolves.toMatchObject({ claims: expect.any(Array) });
    } finally {
      await reader.close();
    }
  });
});
