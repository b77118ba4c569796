// dln-train escape times (first time σ_α(W_eff) ≥ s_α/2) against independent computations, whatever
// the record schedule: the flow against a quadrature of the aligned balanced mode flow
// ȧ = L a^{2−2/L}(s − a) (README; mode-flow closed-forms.ts), GD against the scalar recursion of its
// balanced aligned layers.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { channelTimeQuadrature } from '../../workers/families/mode-flow/closed-forms';
import { fakeRunContext } from './fake-run-context';

async function escapeTimes(p: Record<string, unknown>): Promise<(number | null)[]> {
  const summary = await family.run(dlnTrainParams.parse(p), fakeRunContext());
  return summary.escapeTimes as (number | null)[];
}

describe('dln-train escape times', () => {
  it.each([
    [3, 700],
    [4, 700],
    [2, 20],
  ])('gradient flow, L = %i, targets [1.7, 0.6], ε = 0.1: the quadrature of the mode flow to relative 1e-7', async (depth, horizon) => {
    const targets = [1.7, 0.6];
    const found = await escapeTimes({ depth, targetSingularValues: targets, initScale: 0.1, horizon, init: 'aligned', optimizer: 'flow' });
    targets.forEach((s, alpha) => {
      const exact = channelTimeQuadrature(depth, s, 0.1 ** depth, s / 2);
      expect(Math.abs((found[alpha] as number) - exact) / exact, `mode ${alpha}: ${found[alpha]} vs ${exact}`).toBeLessThanOrEqual(1e-7);
    });
  });

  it.each([1, 997])('GD (L = 3, η = 0.01), recordEvery %i: the escape time is η × the first step whose σ reaches s/2', async (recordEvery) => {
    const depth = 3, eta = 0.01, eps = 0.1, targets = [1.7, 0.6];
    const found = await escapeTimes({ depth, targetSingularValues: targets, initScale: eps, horizon: 60, init: 'aligned', optimizer: 'gd', learningRate: eta, recordEvery });
    targets.forEach((s, alpha) => {
      // Every layer of the aligned balanced init carries w = ε on the mode and GD keeps them equal:
      // w ← w − η w^{L−1}(w^L − s), σ = w^L.
      let w = eps, step = 0;
      while (w ** depth < s / 2) {
        w -= eta * w ** (depth - 1) * (w ** depth - s);
        step++;
      }
      expect(found[alpha], `mode ${alpha}`).toBeCloseTo(step * eta, 12);
    });
  });
});
