// Paper 004's claims judged from the quick variants of the examples that decide them (issue 20): each
// example's quick runs go through the relu-escape family in-process, its analyses run on the stored
// summaries, and `judgeClaims` gives each claim its verdict, as the app and `saddle-lab claims --quick`
// do. A run shared by two examples (the depth-6 MNIST run) is computed once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import { judgeClaims, loadClaimCatalog, type ExperimentAnalyses } from '../../src-main/core/claims';
import { planRuns } from '../../src-main/core/run-plan';
import type { AnalysisRunInput, RunSummary } from '../../workers/family';
import { family } from '../../workers/families/relu-escape';
import { createRng } from '../../workers/numeric/rng';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

/** What exact computation and the quick runs give (README: 004-3's and 004-4's printed forms are contradicted). */
const EXPECTED: Record<string, string> = {
  '004-1': 'pass',
  '004-2': 'pass',
  '004-3': 'paper-wrong',
  '004-4': 'paper-wrong',
  '004-5': 'pass',
  '004-6': 'pass',
  '004-7': 'pass',
  '004-8': 'pass',
  '004-9': 'pass',
  '004-10': 'not-here',
  '004-11': 'pass',
  '004-12': 'pass',
  '004-13': 'pass',
  '004-14': 'pass',
};

const summaries = new Map<string, Promise<RunSummary>>();

function runOnce(params: Record<string, unknown>, seed: number): Promise<RunSummary> {
  const key = JSON.stringify([params, seed]);
  let summary = summaries.get(key);
  if (!summary) {
    summary = Promise.resolve(family.run(family.params.parse(params), { ...fakeRunContext(), seed, rng: createRng(seed) }));
    summaries.set(key, summary);
  }
  return summary;
}

async function quickExperiment(name: string, experimentId: number): Promise<ExperimentAnalyses> {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'))), 'quick');
  if (!spec) throw new Error(`${name} has no quick variant`);
  const runs: AnalysisRunInput[] = [];
  for (const [i, planned] of planRuns(spec, family).entries()) {
    runs.push({ runId: i + 1, params: planned.params, seed: planned.seed, status: 'done', summary: await runOnce(planned.params, planned.seed) });
  }
  const records = (family.analyses ?? [])
    .filter((a) => a.applies(runs))
    .map((a) => ({ experimentId, computedAtMs: 0, result: analysisResult.parse(a.run(runs)) }));
  return { experimentId, experimentName: name, records };
}

describe('paper 004 claims from the quick variants', () => {
  it('every claim gets the verdict exact computation gives', async () => {
    const catalog = loadClaimCatalog(join(examplesDir, 'claims')).filter((p) => p.paper === '004');
    expect(catalog[0].claims.map((c) => c.id)).toEqual(Object.keys(EXPECTED));
    const names = [...new Set(catalog[0].claims.flatMap((c) => c.examples))];
    const experiments: ExperimentAnalyses[] = [];
    for (const [i, name] of names.entries()) experiments.push(await quickExperiment(name, i + 1));
    const verdicts = judgeClaims(catalog, experiments);
    const got = Object.fromEntries(verdicts.map((v) => [v.claim.id, v.verdict]));
    expect(got).toEqual(EXPECTED);
    // Each claim that is run is decided by checks of the examples it names.
    for (const v of verdicts.filter((v) => v.claim.notHere === null)) {
      expect(v.evidence.length, v.claim.id).toBeGreaterThan(0);
      expect(v.evidence.some((e) => v.claim.examples.includes(e.experimentName)), v.claim.id).toBe(true);
    }
  });
});
