// Each service has its own family registry (issue 21): two services in one process, A with a
// script family on its --family-path and B without, must not see each other's families. Before,
// the registry filled one module-global list: B validated A's family, and B opening a project
// (which reloads its families) made A's family unknown to A.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import type { FamilyInfo } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const spec = { family: 'toy-decay', name: 'toy', params: { steps: 5 }, sweep: {}, seeds: [0] };
type Validation = { ok: boolean; issues: { path: string; message: string }[] };

describe('family registry per service', () => {
  let a: SaddleService;
  let b: SaddleService;
  beforeAll(async () => {
    requireBuild();
    const folder = tempDir('saddle-families-');
    cpSync(join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay'), join(folder, 'toy-decay'), { recursive: true });
    a = testService({ familyPaths: [folder] });
    b = testService();
    await a.dispatch('projects', 'new', { path: join(tempDir(), 'a.saddle') });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('lists a --family-path family in the service that named the folder only', async () => {
    const idsOf = async (service: SaddleService) => ((await service.dispatch('families', 'list', {})) as FamilyInfo[]).map((f) => f.id);
    expect(await idsOf(a)).toContain('toy-decay');
    expect(await idsOf(b)).not.toContain('toy-decay');
  });

  it('B refuses a spec of A\'s family, naming the field', async () => {
    const result = (await b.dispatch('experiments', 'validate', { spec })) as Validation;
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toMatchObject({ path: 'family', message: expect.stringMatching(/unknown family "toy-decay"/) });
  });

  it('B opening a project leaves A\'s family known to A, and A runs it', async () => {
    await b.dispatch('projects', 'new', { path: join(tempDir(), 'b.saddle') });
    const result = (await a.dispatch('experiments', 'validate', { spec })) as Validation;
    expect(result).toMatchObject({ ok: true, issues: [] });
    const experiment = (await a.dispatch('experiments', 'create', { spec })) as { id: number };
    await a.dispatch('runs', 'start', { experimentId: experiment.id });
    await a.waitForExperiment(experiment.id);
    const [run] = (await a.dispatch('runs', 'list', { experimentId: experiment.id })) as { status: string; summary: Record<string, number> }[];
    // toy-decay's summary: final_loss = exp(−rate (steps − 1)), rate 0.5 by default.
    expect(run.status).toBe('done');
    expect(run.summary.final_loss).toBeCloseTo(Math.exp(-0.5 * 4), 12);
  });
});
