// Parameters a family does not have are refused, naming them, wherever a spec enters: spec
// validation (the form), the API (experiments.create, runs.startPoints) and the CLI (exit 2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateSpec } from '../../src-main/core/spec-validation';
import { builtInFamilies } from '../../workers/families/index';
import type { SaddleService } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { runCli } from '../helpers/cli';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

// dln-train has no dropout (the issue's example, momentum, has since become a dln-train parameter).
const spec = { family: 'dln-train', name: 'dropout?', params: { dropout: 0.5, learningRate: 0.05 }, sweep: {}, seeds: [0] };

describe('unknown parameters', () => {
  let service: SaddleService;
  beforeAll(async () => {
    requireBuild();
    const dir = tempDir();
    service = testService({ poolSize: 1, recent: new RecentProjects(dir) });
    await service.dispatch('projects', 'new', { path: join(dir, 'p.saddle') });
  });
  afterAll(() => service.close());

  it('spec validation names each one, with the parameters the family has', () => {
    const result = validateSpec({ ...spec, params: { ...spec.params, nesterov: true } }, builtInFamilies);
    expect(result.ok).toBe(false);
    expect(result.issues.map((i) => i.path)).toEqual(['params.dropout', 'params.nesterov']);
    expect(result.issues[0].message).toMatch(/^"dropout" is not a parameter of dln-train \(known: .*learningRate/);
  });

  it('experiments.create refuses them; runs.startPoints refuses one in a point', async () => {
    await expect(service.dispatch('experiments', 'create', { spec })).rejects.toMatchObject({ name: 'ExpectedError', issues: [expect.objectContaining({ path: 'params.dropout' })] });
    const ok = (await service.dispatch('experiments', 'create', { spec: { ...spec, params: { learningRate: 0.05 } } })) as { id: number };
    await expect(service.dispatch('runs', 'startPoints', { experimentId: ok.id, points: [{ learningRate: 0.1 }, { dropout: 0.5 }] })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: 'points[1].dropout' })],
    });
  });

  it('the CLI exits 2 naming the parameter', async () => {
    const dir = tempDir();
    const file = join(dir, 'dropout.json');
    writeFileSync(file, JSON.stringify(spec));
    const result = await runCli(['run', file, '--project', join(dir, 'p.saddle')], { SADDLE_LAB_CONFIG_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/params\.dropout: "dropout" is not a parameter of dln-train/);
  });
});
