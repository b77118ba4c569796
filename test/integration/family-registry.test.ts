// Each service has its own family registry (issue 21): two services in one process, A with a
// script family on its --family-path and B without, must not see each other's families. Before,
// the registry filled one module-global list: B validated A's family, and B opening a project
// (which reloads its families) made A's family unknown to A.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaddleService } from '../../src-main/core/service';
import { FamilyRegistry } from '../../src-main/core/family-registry';
import { projectRunsDir } from '../../src-main/core/run-logs';
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

// The CLI's `run` loads only its spec's built-in family (RegistryOptions.builtIns): the others
// stay taken by id, a question about one is refused as a bug rather than answered "not installed",
// and a project with run logs (which may name any family) loads them all.
describe('a registry told which built-in family to load', () => {
  const builtInIds = ['mode-flow', 'dln-train', 'multipath', 'relu-escape', 'steepest'];

  function clashingFolder(): string {
    const folder = tempDir('saddle-families-');
    const dir = join(folder, 'fake-dln');
    cpSync(join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay'), dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(dir, 'saddle-family.json'), 'utf8'));
    writeFileSync(join(dir, 'saddle-family.json'), JSON.stringify({ ...manifest, id: 'dln-train' }));
    return dir;
  }

  it('loads that one, keeps the others taken, and refuses to answer for them', async () => {
    const registry = new FamilyRegistry({ sdkDir: null, userDir: tempDir('saddle-user-families-'), familyPaths: [clashingFolder()], builtIns: ['mode-flow'] });
    await registry.load(null);
    expect(registry.list().map((entry) => entry.family.id)).toEqual(['mode-flow']);
    expect(registry.require('mode-flow').id).toBe('mode-flow');
    expect(registry.errors()).toEqual([expect.objectContaining({ message: expect.stringMatching(/the id "dln-train" is taken by the built-in family/) })]);
    expect(() => registry.find('dln-train')).toThrow(/built-in family "dln-train" is not loaded/);
  });

  it('loads every built-in for a project with run logs', async () => {
    const project = join(tempDir('saddle-project-'), 'logged.saddle');
    mkdirSync(projectRunsDir(project));
    const registry = new FamilyRegistry({ sdkDir: null, userDir: tempDir('saddle-user-families-'), builtIns: ['mode-flow'] });
    await registry.load(project);
    expect(registry.list().map((entry) => entry.family.id)).toEqual(builtInIds);
  });

  it('loads every built-in by default, in the one order', async () => {
    const registry = new FamilyRegistry({ sdkDir: null, userDir: tempDir('saddle-user-families-') });
    await registry.load(null);
    expect(registry.list().map((entry) => entry.family.id)).toEqual(builtInIds);
  });
});
