// dln-train past width 512: W_eff's spectrum comes from Lanczos on W_effᵀW_eff (top 32 singular
// values; full-SVD metrics are left out). Checked against a dense SVD, and a 600-wide aligned GD run
// against the exact per-mode GD recursion b ← b + ηb(s − b²), a = b² (L = 2, balanced layers b).
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { topSingularValues } from '../../workers/numeric/lanczos';
import { matmul, randomGaussian } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { svd } from '../../workers/numeric/svd';
import { fakeRunContext } from './fake-run-context';

describe('wide networks', () => {
  it('topSingularValues equals the leading singular values of a dense SVD (rank 12 in 70 × 50, ≤ 1e-10 σ₁)', () => {
    const rng = createRng(3);
    const a = matmul(randomGaussian(70, 12, rng), randomGaussian(12, 50, rng));
    const exact = svd(a).s;
    topSingularValues(a, 16, createRng(4)).forEach((s, i) => expect(Math.abs(s - exact[i])).toBeLessThan(1e-10 * exact[0] + (i >= 12 ? 1e-7 * exact[0] : 0)));
  });

  it('accepts widths to 2048 and rejects beyond', () => {
    expect(dlnTrainParams.safeParse({ dim: 2048 }).success).toBe(true);
    expect(dlnTrainParams.safeParse({ dim: 2049 }).success).toBe(false);
  });

  it('a 600-wide aligned GD run follows the per-mode GD recursion; full-SVD metrics are left out', async () => {
    const eta = 0.05, steps = 3;
    const p = dlnTrainParams.parse({ dim: 600, targetSingularValues: [3, 1], init: 'aligned', initScale: 0.3, optimizer: 'gd', learningRate: eta, horizon: steps * eta, device: 'cpu' });
    const ctx = fakeRunContext();
    const summary = await family.run(p, ctx);
    [3, 1].forEach((s, alpha) => {
      let b = 0.3;
      const expected = [b * b];
      for (let k = 0; k < steps; k++) {
        b += eta * b * (s - b * b);
        expected.push(b * b);
      }
      const y = ctx.series(`sigma/${alpha}`).y;
      expected.forEach((a, k) => expect(Math.abs(y[k] - a)).toBeLessThan(1e-9 * 3));
    });
    expect(ctx.series('sigma/2').y.every((v) => Math.abs(v) < 1e-7)).toBe(true);
    expect(ctx.series('nuclearNorm').y).toHaveLength(0);
    expect(summary.finalNuclearNorm).toBeNull();
  });
});
