// Paper 003's claims judged end to end: every example a claim names runs in its quick variant
// in-process (the family's own run and analyses, as the pool and the store call them), and
// judgeClaims gives each claim the verdict recorded below, from the checks the analyses emit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSummary, type AnalysisResult } from '../../src-main/contract/family-meta';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import { judgeClaims, loadClaimCatalog } from '../../src-main/core/claims';
import { expandSweep } from '../../src-main/contract/sweep';
import { family } from '../../workers/families/steepest';
import { createRng } from '../../workers/numeric/rng';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

/** Runs an example's quick variant (the full one where it has none) and its analyses. */
function quickAnalyses(name: string): AnalysisResult[] {
  const example = exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8')));
  const spec = exampleSpec(example, 'quick') ?? exampleSpec(example);
  const runs = expandSweep(spec.params, spec.sweep, spec.seeds).map(({ params, seed }, i) => {
    const ctx = { ...fakeRunContext(), seed, rng: createRng(seed) };
    const summary = family.run(family.params.parse(params), ctx);
    return { runId: i + 1, params, seed, status: 'done', summary: runSummary.parse(summary) };
  });
  return (family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => a.run(runs));
}

/** The verdict each claim of paper 003 gets from the quick variants (see the claims file's tolerances). */
const EXPECTED: Record<string, string> = {
  '003-1': 'pass',
  '003-2': 'pass',
  '003-3': 'pass',
  '003-4': 'pass',
  '003-5': 'pass',
  '003-6': 'paper-wrong',
  '003-7': 'pass',
  '003-8': 'pass',
  '003-9': 'pass',
  '003-10': 'fail',
  '003-11': 'fail',
  '003-12': 'pass',
  '003-13': 'pass',
  '003-14': 'fail',
  '003-15': 'pass',
  '003-16': 'pass',
  '003-17': 'paper-wrong',
  '003-18': 'paper-wrong',
  '003-19': 'pass',
  '003-20': 'not-here',
  '003-21': 'not-here',
  '003-22': 'not-here',
  '003-23': 'not-here',
};

describe('paper 003 claims from the quick variants', () => {
  const catalog = loadClaimCatalog(join(examplesDir, 'claims')).filter((p) => p.paper === '003');
  const examples = [...new Set(catalog[0].claims.flatMap((c) => c.examples))].sort();

  it('names an existing example for every claim that is reproducible here', () => {
    expect(catalog[0].claims).toHaveLength(23);
    for (const name of examples) expect(() => readFileSync(join(examplesDir, `${name}.json`))).not.toThrow();
  });

  it('gives every claim its verdict, each from checks that name it', () => {
    const experiments = examples.map((name, i) => ({
      experimentId: i + 1,
      experimentName: name,
      records: quickAnalyses(name).map((result) => ({ experimentId: i + 1, computedAtMs: 0, result })),
    }));
    const statuses = judgeClaims(catalog, experiments);
    const verdicts = Object.fromEntries(statuses.map((s) => [s.claim.id, s.verdict]));
    const failing = statuses.filter((s) => s.verdict !== EXPECTED[s.claim.id]).map((s) => ({ id: s.claim.id, verdict: s.verdict, evidence: s.evidence.map((e) => `${e.verdict}: ${e.name} = ${e.value} vs ${e.expected}`) }));
    expect(failing).toEqual([]);
    expect(verdicts).toEqual(EXPECTED);
  }, 300_000);
});
