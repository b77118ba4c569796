// examples/dln-train-hessian-modes.json: GD keeps the aligned balanced init balanced, so the run ends at
// the balanced minimum, whose Hessian JᵀJ has the eigenvalues Σ_l s_α^{2(L−1−l)/L} s_β^{2l/L} of the
// mode pairs (α, β): with s = (3, 1), L = 3 that is 3·3^{4/3}, then 3^{4/3} + 3^{2/3} + 1 twice, then 3.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { examplesDir } from '../helpers/paths';
import { fakeRunContext } from './fake-run-context';

const example = JSON.parse(readFileSync(join(examplesDir, 'dln-train-hessian-modes.json'), 'utf8')) as { params: Record<string, unknown> };

/** Σ_{l=0}^{L−1} s_α^{2(L−1−l)/L} s_β^{2l/L}. */
const pairValue = (sa: number, sb: number, depth: number): number =>
  Array.from({ length: depth }, (_, l) => sa ** ((2 * (depth - 1 - l)) / depth) * sb ** ((2 * l) / depth)).reduce((a, b) => a + b, 0);

describe('Hessian top-k of the shipped example', () => {
  it('ends with the top 4 eigenvalues of the balanced minimum (≤ 1e-6 relative) under the 2/η line', async () => {
    const p = dlnTrainParams.parse(example.params);
    const ctx = fakeRunContext();
    const summary = await family.run(p, ctx);
    const expected = [pairValue(3, 3, 3), pairValue(3, 1, 3), pairValue(1, 3, 3), pairValue(1, 1, 3)];
    expect(expected[0]).toBeCloseTo(3 * 3 ** (4 / 3), 12);
    (summary.finalHessianTop as number[]).forEach((v, i) => expect(Math.abs(v / expected[i] - 1)).toBeLessThan(1e-6));
    expect(expected[0]).toBeLessThan(2 / p.learningRate);
    expect(ctx.series('hessianTop/3').y.length).toBeGreaterThan(10);
  });
});
