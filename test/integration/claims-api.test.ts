// The claims API as the Papers view calls it: with no project every desktop claim is not-run and
// Reproduce says to open a project; an unknown or not-here claim is refused naming the field;
// reproducing 000-5 makes an experiment named after the claim from mirror-descent-fig2's quick
// variant, and once its analyses are stored the claim passes (slope within 0.03 of −(L−2)) and
// the report carries it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { SaddleService } from '../../src-main/core/service';
import type { ClaimsOverview, Experiment } from '../../src-main/contract';
import { testService } from '../helpers/service';
import { requireBuild, tempDir } from '../helpers/paths';

beforeAll(requireBuild);

let service: SaddleService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

const list = (s: SaddleService) => s.dispatch('claims', 'list', {}) as Promise<ClaimsOverview>;

describe('claims API', () => {
  it('without a project: every desktop claim not-run, not-here ones not-here; reproduce asks for a project', async () => {
    service = testService();
    const overview = await list(service);
    expect(overview.papers.map((p) => p.paper)).toEqual(expect.arrayContaining(['000', '001']));
    expect(overview.papers[0]).toMatchObject({ title: expect.any(String), authors: expect.any(String) });
    for (const status of overview.claims) expect(status.verdict).toBe(status.claim.notHere === null ? 'not-run' : 'not-here');
    await expect(service.dispatch('claims', 'reproduce', { claimId: '000-5', variant: 'quick' })).rejects.toThrow(/no project is open/);
  });

  it('refuses an unknown claim and a claim that is not reproducible here, naming claimId', async () => {
    service = testService();
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'p.saddle') });
    await expect(service.dispatch('claims', 'reproduce', { claimId: '000-999' })).rejects.toMatchObject({ message: /no claim 000-999/, issues: [{ path: 'claimId', message: 'unknown claim' }] });
    await expect(service.dispatch('claims', 'reproduce', { claimId: 'five' })).rejects.toMatchObject({ issues: [expect.objectContaining({ path: 'claimId' })] });
    const notHere = (await list(service)).claims.find((c) => c.verdict === 'not-here');
    expect(notHere, 'the catalog has claims that are not reproducible here').toBeDefined();
    await expect(service.dispatch('claims', 'reproduce', { claimId: notHere?.claim.id })).rejects.toThrow(/not reproducible here/);
  });

  it('reproduces 000-5 from the quick Fig. 2 sweep: not-run, then pass once the analyses are stored', async () => {
    service = testService();
    await service.dispatch('projects', 'new', { path: join(tempDir(), 'p.saddle') });
    const before = (await list(service)).claims.find((c) => c.claim.id === '000-5');
    expect(before?.verdict).toBe('not-run');
    const { experimentIds } = (await service.dispatch('claims', 'reproduce', { claimId: '000-5', variant: 'quick' })) as { experimentIds: number[] };
    expect(experimentIds).toHaveLength(1);
    const experiments = (await service.dispatch('experiments', 'list', {})) as Experiment[];
    expect(experiments.map((e) => e.name)).toEqual(['000-5 · Mirror descent, Fig. 2 (quick)']);
    await service.waitForExperiment(experimentIds[0]);
    const after = (await list(service)).claims.find((c) => c.claim.id === '000-5');
    expect(after?.verdict).toBe('pass');
    expect(after?.decisive).toMatchObject({ experimentId: experimentIds[0], verdict: 'pass' });
    expect(after?.evidence).toHaveLength(4);
    // The decisive check is the last (L = 6): slope −4 within 0.03.
    expect(Math.abs((after?.numbers.saddleLab ?? 0) + 4)).toBeLessThan(0.03);
    const { filename, content } = (await service.dispatch('claims', 'report', { format: 'csv' })) as { filename: string; content: string };
    expect(filename).toMatch(/^saddle-lab-claims-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(content.split('\n').find((line) => line.startsWith('000,000-5,'))).toMatch(/,pass,-4,/);
  });
});
