// Paper 001's claims judged end to end: the quick variant of each example that decides a claim is run
// in-process (family.run on every planned run with its own seed), the family's analyses are run on the
// finished runs as the host runs them, and judgeClaims gives each claim of examples/claims/001.json its
// verdict. The verdicts are the science: the notes' saddle index, Bernoulli form, 0.97, transition
// width, (1/s) log(s/ε) at every depth and gap timescale are contradicted by exact computation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFile, exampleSpec, runSummary, type AnalysisRecord } from '../../src-main/contract';
import { judgeClaims, loadClaimCatalog, type ExperimentAnalyses } from '../../src-main/core/claims';
import { expandSweep } from '../../src-main/contract/sweep';
import { family } from '../../workers/families/dln-train';
import type { AnalysisRunInput } from '../../workers/family';
import { createRng } from '../../workers/numeric/rng';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

/** One example per claim group, enough to decide all 20 claims (the others are covered by examples.test.ts and repro). */
const EXAMPLES = [
  'dln-train-bottleneck',
  'dln-train-alignment',
  'dln-train-saddle-index',
  'dln-train-depth-one',
  'dln-train-balance-drift',
  'dln-train-init-defect',
  'dln-train-aligned-depths',
  'saxe-two-modes',
  'dln-train-timescale-ratio',
  'dln-train-depth-timescale',
  'dln-train-gap-timescale',
  'dln-train-completion',
  'dln-train-lambda-sweep',
];

const EXPECTED: Record<string, 'pass' | 'paper-wrong'> = {
  '001-1': 'pass',
  '001-2': 'pass',
  '001-3': 'paper-wrong',
  '001-4': 'pass',
  '001-5': 'pass',
  '001-6': 'pass',
  '001-7': 'pass',
  '001-8': 'pass',
  '001-9': 'paper-wrong',
  '001-10': 'paper-wrong',
  '001-11': 'pass',
  '001-12': 'pass',
  '001-13': 'paper-wrong',
  '001-14': 'paper-wrong',
  '001-15': 'pass',
  '001-16': 'paper-wrong',
  '001-17': 'pass',
  '001-18': 'pass',
  '001-19': 'pass',
  '001-20': 'pass',
};

async function runQuick(name: string, experimentId: number): Promise<ExperimentAnalyses> {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, `${name}.json`), 'utf8'))), 'quick');
  if (!spec) throw new Error(`${name} has no quick variant`);
  const runs: AnalysisRunInput[] = [];
  for (const [index, planned] of expandSweep(spec.params, spec.sweep, spec.seeds).entries()) {
    const ctx = { ...fakeRunContext(), seed: planned.seed, rng: createRng(planned.seed) };
    // What the host stores: the summary must pass the contract's schema.
    const summary = runSummary.parse(await family.run(family.params.parse(planned.params), ctx));
    runs.push({ runId: index + 1, params: planned.params, seed: planned.seed, status: 'done', summary });
  }
  const records: AnalysisRecord[] = (family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => ({ experimentId, computedAtMs: 0, result: a.run(runs) }));
  return { experimentId, experimentName: spec.name, records };
}

describe('paper 001: every claim judged from the quick variants', () => {
  it('gives each claim its verdict, with both numbers on every paper-wrong check', async () => {
    const experiments: ExperimentAnalyses[] = [];
    for (const [i, name] of EXAMPLES.entries()) experiments.push(await runQuick(name, i + 1));
    const catalog = loadClaimCatalog(join(examplesDir, 'claims')).filter((p) => p.paper === '001');
    const statuses = judgeClaims(catalog, experiments);
    expect(statuses).toHaveLength(20);
    const verdicts = Object.fromEntries(statuses.map((s) => [s.claim.id, s.verdict]));
    const failing = statuses.flatMap((s) => s.evidence.filter((e) => e.verdict === 'fail').map((e) => `${s.claim.id}: ${e.name} = ${e.value} (expected ${e.expected}, ${e.tolerance})`));
    expect(failing).toEqual([]);
    expect(verdicts).toEqual(EXPECTED);
    for (const status of statuses.filter((s) => s.verdict === 'paper-wrong')) {
      for (const e of status.evidence.filter((x) => x.verdict === 'paper-wrong')) {
        expect(e.value, `${e.name}: Saddle Lab's number`).not.toBeNull();
        expect(e.expected, `${e.name}: the true value`).not.toBeNull();
        expect(e.paperValue, `${e.name}: the paper's number`).not.toBeNull();
      }
    }
    // The numbers the notes print, next to the truth.
    const evidence = (id: string, pattern: RegExp) => statuses.find((s) => s.claim.id === id)?.evidence.find((e) => pattern.test(e.name));
    const t1 = evidence('001-9', /mode 1 \(s = 3, a₀ = 0\.0100\)/);
    expect(t1?.paperValue).toBe(0.97);
    expect(t1?.expected).toBeCloseTo(0.95007, 5);
    const origin = evidence('001-3', /L = 2, hidden 3, k = 3\): Hessian index of the rank-0 saddle/);
    expect([origin?.value, origin?.expected, origin?.paperValue]).toEqual([9, 9, 3]);
    const gap = evidence('001-16', /mode 1: escape time/);
    expect(gap?.paperValue as number).toBeCloseTo(Math.log(1e3), 6);
    expect(gap?.value as number).toBeLessThan(1);
    const separation = evidence('001-16', /mode 2 separates from mode 1/);
    expect([separation?.verdict, separation?.paperValue as number]).toEqual(['paper-wrong', Math.log(1e3)]);
    expect(separation?.value as number).toBeLessThan(0.5);
  }, 120_000);
});
