// examples/multipath-momentum.json and multipath-unbalanced.json: every run of each sweep, and the
// numbers their notes claim (shares, sharpness against the thresholds and closed forms).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import { expandSweep } from '../../src-main/contract/sweep';
import type { RunSummary } from '../../workers/family';
import { family } from '../../workers/families/multipath';
import { balancedSharpness, offsetFlowEndpoint } from '../../workers/families/multipath/theory';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

async function runExample(file: string): Promise<{ params: Record<string, unknown>; summary: RunSummary }[]> {
  const spec = exampleSpec(exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, file), 'utf8'))));
  const out = [];
  for (const { params } of expandSweep(spec.params, spec.sweep, spec.seeds)) out.push({ params, summary: await family.run(family.params.parse(params), fakeRunContext()) });
  return out;
}
const values = (s: RunSummary): number[] => s.finalValues as number[];
const num = (v: unknown): number => v as number;

describe('examples/multipath-momentum.json', () => {
  it('GD re-balances partially, heavy ball (β = 0.5) stays winner-takes-all, Adam ends almost balanced at λ_min', async () => {
    const [gd, momentum, adam] = (await runExample('multipath-momentum.json')).map((r) => r.summary);
    for (const s of [gd, momentum, adam]) {
      expect(s.converged).toBe(1);
      expect(num(s.finalLoss)).toBeLessThan(1e-16);
    }
    expect(gd.outcome).toBe('partial-rebalancing');
    expect(values(gd)[0]).toBeCloseTo(0.85, 2);
    expect(num(gd.finalSharpness)).toBeCloseTo(2.655, 3);
    expect(num(gd.finalSharpness)).toBeLessThanOrEqual(2 / 0.75);
    expect(momentum.outcome).toBe('winner-takes-all');
    expect(num(momentum.stabilityThreshold)).toBeCloseTo(4, 12);
    expect(values(momentum)[0]).toBeGreaterThan(0.995);
    expect(num(momentum.finalSharpness)).toBeCloseTo(2.99, 2);
    expect(num(momentum.etaLow)).toBeCloseTo(1, 12);
    expect(num(momentum.etaHigh)).toBeCloseTo(1.26, 2);
    expect(adam.stabilityThreshold).toBeNull();
    expect(adam.edgeOfStabilityStep).toBeNull();
    expect(adam.outcome).toBe('flow-split');
    expect(adam.signFlipStep).toBe(6);
    expect(num(adam.peakSharpness)).toBeCloseTo(27.6, 1);
    expect(Math.abs(values(adam)[0] - 0.506)).toBeLessThan(1e-3);
    expect(Math.abs(num(adam.finalSharpness) - balancedSharpness(2, 3, 1))).toBeLessThan(1e-3);
  });
});

describe('examples/multipath-unbalanced.json', () => {
  it('only |λ| matters: equal |λ| split equally, the larger |λ| wins about |λ_0|:|λ_1|, on the closed-form flow end point', async () => {
    const runs = await runExample('multipath-unbalanced.json');
    for (const { params, summary } of runs) {
      const lambdas = params.lambdas as number[];
      expect(summary.converged).toBe(1);
      // Modes s = 1 and 0.5, pathways interleaved per mode.
      for (const [k, s] of [1, 0.5].entries()) {
        const predicted = offsetFlowEndpoint(lambdas, [1e-4, 1e-4], s);
        const observed = values(summary).slice(2 * k, 2 * k + 2);
        expect(Math.max(...observed.map((v, p) => Math.abs(v - predicted[p]))), JSON.stringify(lambdas)).toBeLessThan(1e-3);
      }
    }
    const [balanced, even, ab, ba] = runs.map((r) => values(r.summary));
    for (const v of [balanced, even]) expect(v.map((x) => +x.toFixed(4))).toEqual([0.5, 0.5, 0.25, 0.25]);
    expect(ab.map((x) => +x.toFixed(4))).toEqual([0.7995, 0.2005, 0.3998, 0.1002]);
    expect(Math.max(...ab.map((v, i) => Math.abs(v - ba[i])))).toBeLessThan(1e-9);
    expect(num(runs[2].summary.finalSharpness)).toBeCloseTo(2.014, 3);
    expect(num(runs[0].summary.finalSharpness)).toBeCloseTo(2, 6);
  });
});
