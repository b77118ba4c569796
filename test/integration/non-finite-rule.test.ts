// The one rule for non-finite results (docs/architecture.md): NaN or ±Infinity in a metric point
// or a summary value ends the run as `diverged`, naming the field; the finite points before it
// stay and the run keeps no summary. A script family and a code family follow it alike, through
// the real pool into a real project. (Before: a script's NaN summary ended `done` with null, a code
// family's `failed`, and a chunk holding a NaN lost its finite points.)
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { Run } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const codeFamily = `export default ({ defineFamily, z }) => defineFamily({
  id: 'blow-up',
  title: 'Blows up on purpose',
  summary: 'y = 1, 2, then NaN (points) or a NaN final value (summary)',
  references: [],
  formulas: [],
  params: z.object({ mode: z.enum(['ok', 'points', 'summary']).default('ok') }),
  metrics: [{ name: 'y', label: 'y', x: 'step' }],
  charts: [{ id: 'y', title: 'y', x: { label: 'step' }, y: { label: 'y' }, series: ['y'] }],
  run(p, ctx) {
    ctx.emit({ metric: 'y', x: Float64Array.of(0, 1, 2, 3), y: Float64Array.of(1, 2, p.mode === 'points' ? NaN : 3, 4) });
    return { last: p.mode === 'summary' ? NaN : 4 };
  },
});
`;

describe('non-finite results: one rule for every kind of family', () => {
  let service: SaddleService;
  beforeAll(async () => {
    requireBuild();
    const folder = tempDir('saddle-families-');
    cpSync(join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay'), join(folder, 'toy-decay'), { recursive: true });
    writeFileSync(join(folder, 'blow-up.mjs'), codeFamily);
    service = testService({ familyPaths: [folder] });
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'non-finite.saddle') });
  });
  afterAll(() => service?.close());

  async function runs(family: string, params: Record<string, unknown>, modes: string[]): Promise<Map<unknown, Run>> {
    const spec = { family, name: family, params, sweep: { mode: modes }, seeds: [0] };
    const experiment = (await service.dispatch('experiments', 'create', { spec })) as { id: number };
    await service.dispatch('runs', 'start', { experimentId: experiment.id });
    await service.waitForExperiment(experiment.id);
    const list = (await service.dispatch('runs', 'list', { experimentId: experiment.id })) as Run[];
    return new Map(list.map((run) => [run.params.mode, run]));
  }
  const yOf = (run: Run) => Array.from(service.project!.readSeries(run.id, ['y'])[0]?.y ?? []);

  it('a code family: a NaN summary value is diverged, a NaN point keeps the points before it', async () => {
    const byMode = await runs('blow-up', {}, ['ok', 'points', 'summary']);
    expect(byMode.get('ok')).toMatchObject({ status: 'done', summary: { last: 4 } });
    expect(byMode.get('summary')).toMatchObject({ status: 'diverged', summary: null, error: expect.stringMatching(/summary\.last = NaN/) });
    expect(byMode.get('points')).toMatchObject({ status: 'diverged', summary: null, error: 'y became NaN at x = 2' });
    expect(yOf(byMode.get('points')!)).toEqual([1, 2]);
  });

  it('a script family: the same two cases end the same way', async () => {
    const byMode = await runs('toy-decay', { steps: 6 }, ['ok', 'nan', 'nan-summary']);
    expect(byMode.get('ok')?.status).toBe('done');
    expect(byMode.get('nan-summary')).toMatchObject({ status: 'diverged', summary: null, error: expect.stringMatching(/summary value "final_loss" is NaN/) });
    expect(byMode.get('nan')).toMatchObject({ status: 'diverged', summary: null, error: expect.stringMatching(/loss became NaN at x = 3\.5/) });
  });
});
