// Paper 000's claims file, and every claim's verdict from the quick variants of the examples it names,
// run in-process (family.run for each planned run, then the family's analyses), judged by judgeClaims
// as the app and the CLI judge them.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleFile, exampleSpec, type ClaimStatus } from '../../src-main/contract';
import { judgeClaims, loadClaimCatalog, type ExperimentAnalyses } from '../../src-main/core/claims';
import { expandSweep } from '../../src-main/contract/sweep';
import type { AnalysisRunInput } from '../../workers/family';
import { getFamily } from '../../workers/families';
import { fakeRunContext } from './fake-run-context';

const catalog = loadClaimCatalog('examples/claims');
const paper = catalog.find((p) => p.paper === '000');

async function runQuick(name: string, experimentId: number): Promise<ExperimentAnalyses> {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(`examples/${name}.json`, 'utf8'))), 'quick');
  if (!spec) throw new Error(`${name} has no quick variant`);
  const family = getFamily(spec.family);
  const runs: AnalysisRunInput[] = [];
  for (const [i, planned] of expandSweep(spec.params, spec.sweep, spec.seeds).entries()) {
    const summary = await family.run(family.params.parse(planned.params), { ...fakeRunContext(), seed: planned.seed });
    runs.push({ runId: i + 1, params: planned.params, seed: planned.seed, status: 'done', summary });
  }
  const records = (family.analyses ?? []).filter((a) => a.applies(runs)).map((a) => ({ experimentId, computedAtMs: 0, result: a.run(runs) }));
  return { experimentId, experimentName: spec.name, records };
}

describe('paper 000 claims', () => {
  it('the claims file is valid, lists 000-1 … 000-11 once each, and every example it names has a quick variant', () => {
    expect(paper?.claims.map((c) => c.id)).toEqual(Array.from({ length: 11 }, (_, i) => `000-${i + 1}`));
    for (const name of new Set(paper?.claims.flatMap((c) => c.examples))) {
      const example = exampleFile.parse(JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')));
      expect(example.quick, name).toBeDefined();
    }
  });

  describe('verdicts from the quick variants', () => {
    let verdicts: Map<string, ClaimStatus>;
    beforeAll(async () => {
      const names = [...new Set(paper?.claims.flatMap((c) => c.examples))].sort();
      const experiments = [];
      for (const [i, name] of names.entries()) experiments.push(await runQuick(name, i + 1));
      verdicts = new Map(judgeClaims(paper ? [paper] : [], experiments).map((s) => [s.claim.id, s]));
    });

    it('every claim but 000-8 passes, each on evidence from its own examples', () => {
      for (const id of ['000-1', '000-2', '000-3', '000-4', '000-5', '000-6', '000-7', '000-9', '000-10', '000-11']) {
        const status = verdicts.get(id);
        const failing = status?.evidence.filter((e) => e.verdict !== 'pass').map((e) => `${e.name}: ${e.value}`);
        expect(status?.verdict, `${id}: ${failing?.join('; ')}`).toBe('pass');
        const names = new Set(status?.claim.examples.map((n) => n));
        expect(status?.evidence.length, id).toBeGreaterThan(0);
        expect(status?.evidence.every((e) => [...names].some((n) => e.experimentName.startsWith(nameOf(n)))), id).toBe(true);
      }
    });

    it('000-8 is paper-wrong: τ_lin is 14.9 % low at L = 2 and 4.4 % low at L = 3 (ε = 0.1), beyond the caption’s 2 %', () => {
      const status = verdicts.get('000-8');
      expect(status?.verdict).toBe('paper-wrong');
      const gap = (depth: number) => status?.evidence.find((e) => e.name.startsWith(`L = ${depth},`));
      expect(gap(2)?.expected as number).toBeCloseTo(-0.1487, 4);
      expect(gap(3)?.expected as number).toBeCloseTo(-0.0443, 4);
      expect(gap(2)?.verdict).toBe('paper-wrong');
      expect(gap(6)?.verdict).toBe('pass');
    });
  });
});

const exampleNames = new Map<string, string>();
/** The experiment name an example's quick variant gets ("<name> (quick)"), read from its file. */
function nameOf(example: string): string {
  if (!exampleNames.has(example)) exampleNames.set(example, (JSON.parse(readFileSync(`examples/${example}.json`, 'utf8')) as { name: string }).name);
  return exampleNames.get(example) as string;
}
