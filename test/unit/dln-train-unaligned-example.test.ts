// examples/dln-train-unaligned-lambda.json: every run of the λ sweep (both signs, unaligned inits)
// agrees with the exact two-layer matrix solution of Dominé et al., and the rich-to-lazy analysis
// finds greediness falling with |λ| and the lazy runs moving their weights least.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { richToLazy } from '../../workers/families/dln-train/analysis';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import type { AnalysisRunInput } from '../../workers/family';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

const example = JSON.parse(readFileSync(join(examplesDir, 'dln-train-unaligned-lambda.json'), 'utf8')) as { params: Record<string, unknown>; sweep: { lambda: number[] } };

describe('unaligned λ sweep (examples/dln-train-unaligned-lambda.json)', () => {
  it('matches the exact solution in every run (≤ 1e-7) and goes from rich to lazy in |λ|', async () => {
    const runs: AnalysisRunInput[] = [];
    for (const [runId, lambda] of example.sweep.lambda.entries()) {
      const params = { ...example.params, lambda };
      const summary = await family.run(dlnTrainParams.parse(params), fakeRunContext());
      expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-7);
      runs.push({ runId, params, seed: 0, status: 'done', summary });
    }
    const result = richToLazy.run(runs);
    expect(result.checks.every((c) => c.pass)).toBe(true);
    expect(result.rows.map((r) => Math.abs(r.lambda as number))).toEqual([0, 1, 1, 4, 4]);
    const greedy = result.rows.map((r) => r.greedyRatio as number);
    expect(greedy[0]).toBeGreaterThan(3 * greedy[4]);
    const moved = result.rows.map((r) => r.weightChange as number);
    expect(Math.max(moved[3], moved[4])).toBeLessThan(moved[0]);
  });
});
