// What a dln-train record shows, against closed forms, at a width where W_eff's spectrum comes from the
// blocked bidiagonalisation (d = 128, past MAX_JACOBI_WIDTH and the 96 columns where panels start):
// W_eff = U diag(s) Vᵀ with U, V the task's Haar singular bases and s holding distinct leading modes,
// repeated values, a cluster 1e-9 apart, values down to 1e-7 σ₁ and exact zeros. The tolerances are the
// ones docs/dln-train.md states for each metric: σ_i to 1e-14·σ₁ (a Householder reduction's few ε‖W_eff‖;
// 9e-16·σ₁ seen here), the norms built from all σ to 1e-12 relative, Σσ^{2/L} to 1e-10 relative (an
// exact zero computed as δ ≈ 1e-16·σ₁ shows as δ^{2/L}: 5e-12 seen here), the balance and kernel metrics
// against the explicit subtractions and factors to 1e-12.
import { describe, expect, it } from 'vitest';
import { balanceMatrices, effectiveRank, MAX_JACOBI_WIDTH, Recorder } from '../../workers/families/dln-train/observables';
import { kernelDistance, kernelFactors, kernelInner } from '../../workers/families/dln-train/kernel';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { buildTask, referenceValues } from '../../workers/families/dln-train/task';
import { clone, diagonal, frobenius, matmul, matmulNT, randomGaussian, subInPlace } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext } from './fake-run-context';

const D = 128, DEPTH = 3;

/** Descending: three distinct modes, 1 four times, ten values 1e-9 apart at 0.5, a log-spaced tail to 1e-7, zeros. */
function spectrum(): number[] {
  const s = [6, 3, 1.5, 1, 1, 1, 1];
  for (let i = 0; i < 10; i++) s.push(0.5 * (1 - 1e-9 * i));
  const tail = D - s.length - 5;
  for (let i = 0; i < tail; i++) s.push(1e-2 * 10 ** (-5 * (i / (tail - 1))));
  return [...s, 0, 0, 0, 0, 0];
}

const last = (y: number[]): number => y[y.length - 1];

describe('a dln-train record at d = 128 against closed forms', () => {
  const p = dlnTrainParams.parse({ dim: D, depth: DEPTH, targetSingularValues: [6, 3, 1.5], singularVectors: 'random' });
  const rng = createRng(11);
  const task = buildTask(p, rng);
  const s = spectrum();
  const weff = matmulNT(matmul(task.targetU, diagonal(D, D, s)), task.targetV);
  const initial = Array.from({ length: DEPTH }, () => randomGaussian(D, D, rng, 1 / Math.sqrt(D)));
  const layers = initial.map((w) => {
    const moved = clone(w);
    const step = randomGaussian(D, D, rng, 0.1 / Math.sqrt(D));
    for (let i = 0; i < moved.data.length; i++) moved.data[i] += step.data[i];
    return moved;
  });
  const ctx = fakeRunContext();
  const modes = referenceValues(task).length;
  const recorder = new Recorder(task, DEPTH, modes, initial, 0, ctx);
  recorder.record(0, initial, matmul(initial[2], matmul(initial[1], initial[0])), 0);
  recorder.record(1, layers, weff, 0);
  recorder.flush();
  const at = (metric: string): number => last(ctx.series(metric).y);

  it('takes the blocked bidiagonalisation path', () => expect(D).toBeGreaterThan(MAX_JACOBI_WIDTH));

  it('sigma/i = s_i to 1e-14·σ₁ (the 32 recorded), repeated and clustered values included', () => {
    for (let i = 0; i < 32; i++) expect(Math.abs(at(`sigma/${i}`) - s[i])).toBeLessThanOrEqual(1e-14 * s[0]);
  });

  it('alignment/α = 1 to 1e-10 for the target modes (W_eff shares the target’s singular vectors)', () => {
    expect(modes).toBe(3);
    for (let alpha = 0; alpha < modes; alpha++) expect(Math.abs(at(`alignment/${alpha}`) - 1)).toBeLessThanOrEqual(1e-10);
  });

  it('nuclearNorm = Σs and effectiveRank = exp H(s/Σs) to 1e-12 relative; schatten = Σs^{2/L} to 1e-10 relative', () => {
    const nuclear = s.reduce((a, x) => a + x, 0);
    const schatten = s.reduce((a, x) => a + x ** (2 / DEPTH), 0);
    expect(Math.abs(at('nuclearNorm') - nuclear)).toBeLessThanOrEqual(1e-12 * nuclear);
    expect(Math.abs(at('effectiveRank') - effectiveRank(s))).toBeLessThanOrEqual(1e-12 * effectiveRank(s));
    expect(Math.abs(at('schatten') - schatten)).toBeLessThanOrEqual(1e-10 * schatten);
  });

  it('balance/l, balanceDrift and weightDistance equal their explicit definitions, kernelDistance its factors (tested against JJᵀ in dln-train-kernel), to 1e-12 relative', () => {
    const now = balanceMatrices(layers), before = balanceMatrices(initial);
    now.forEach((dl, l) => expect(Math.abs(at(`balance/${l + 1}`) - frobenius(dl))).toBeLessThanOrEqual(1e-12 * frobenius(dl)));
    const drift = Math.max(...now.map((dl, l) => frobenius(subInPlace(clone(dl), before[l]))));
    expect(Math.abs(at('balanceDrift') - drift)).toBeLessThanOrEqual(1e-12 * drift);
    const moved = Math.hypot(...layers.map((w, l) => frobenius(subInPlace(clone(w), initial[l]))));
    const norm = Math.hypot(...initial.map(frobenius));
    expect(Math.abs(at('weightDistance') - moved / norm)).toBeLessThanOrEqual(1e-12 * (moved / norm));
    const k0 = kernelFactors(initial);
    const kernel = kernelDistance(k0, Math.sqrt(kernelInner(k0, k0)), kernelFactors(layers));
    expect(Math.abs(at('kernelDistance') - kernel)).toBeLessThanOrEqual(1e-12 * kernel);
  });
});
