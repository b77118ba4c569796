// Distance from the init in dln-train: the factored tangent kernel K = Σ_l S_lS_lᵀ ⊗ P_lᵀP_l against
// K = JJᵀ built column by column from ∂W_eff/∂θ_p = S_l E_ij P_l, and the rich / lazy contrast it
// measures (Fort et al. 2020; Chizat et al. 2019): small init moves the kernel, large λ barely does.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { kernelDistance, kernelFactors, kernelInner } from '../../workers/families/dln-train/kernel';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { initialLayers } from '../../workers/families/dln-train/network';
import { buildTask } from '../../workers/families/dln-train/task';
import { diagonal, identity, type Matrix, matmul, randomGaussian, zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext } from './fake-run-context';

/** K = JJᵀ (n_L n₀ × n_L n₀), J's column p = vec(S_l E_ij P_l). */
function explicitKernel(layers: Matrix[]): Matrix {
  const depth = layers.length, n0 = layers[0].cols, nL = layers[depth - 1].rows;
  const product = (from: number, to: number, size: number): Matrix => {
    let m = identity(size);
    for (let l = from; l < to; l++) m = matmul(layers[l], m);
    return m;
  };
  const columns: Float64Array[] = [];
  layers.forEach((w, l) => {
    const p = product(0, l, n0);
    const s = layers.slice(l + 1).reduce((acc, x) => matmul(x, acc), identity(w.rows));
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < w.cols; j++) {
        const e = zeros(w.rows, w.cols);
        e.data[i * w.cols + j] = 1;
        columns.push(matmul(matmul(s, e), p).data);
      }
    }
  });
  const d = nL * n0, k = zeros(d, d);
  for (const c of columns) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) k.data[a * d + b] += c[a] * c[b];
  return k;
}

const frobeniusInner = (a: Matrix, b: Matrix): number => a.data.reduce((s, x, i) => s + x * b.data[i], 0);

describe('tangent kernel of W_eff', () => {
  it.each([[[3, 5]], [[3, 4, 5]], [[3, 4, 2, 5]], [[2, 3, 4, 3, 2]]])('the factored ⟨K, K′⟩ and the kernel distance equal those of the explicit JJᵀ (widths %j)', (widths) => {
    const rng = createRng(5);
    const make = () => widths.slice(1).map((n, l) => randomGaussian(n, widths[l], rng, 0.7));
    const [a, b] = [make(), make()];
    const [ka, kb] = [explicitKernel(a), explicitKernel(b)];
    const [fa, fb] = [kernelFactors(a), kernelFactors(b)];
    expect(kernelInner(fa, fb) / frobeniusInner(ka, kb)).toBeCloseTo(1, 12);
    const explicitDistance = 1 - frobeniusInner(ka, kb) / Math.sqrt(frobeniusInner(ka, ka) * frobeniusInner(kb, kb));
    expect(kernelDistance(fa, Math.sqrt(kernelInner(fa, fa)), fb)).toBeCloseTo(explicitDistance, 12);
  });

  it('rich (small aligned init) moves the kernel far, lazy (λ = 20) barely; weightDistance ends at relativeWeightChange', async () => {
    const run = async (p: Record<string, unknown>) => {
      const ctx = fakeRunContext();
      const summary = await family.run(dlnTrainParams.parse({ targetSingularValues: [3, 1], horizon: 8, ...p }), ctx);
      return { summary, kernel: ctx.series('kernelDistance').y, weights: ctx.series('weightDistance').y };
    };
    const rich = await run({ dim: 8, targetSingularValues: [3], init: 'small-random', initScale: 0.01 });
    const lazy = await run({ init: 'lambda-balanced', lambda: 20, initScale: 0.1 });
    expect(rich.kernel[0]).toBeCloseTo(0, 14);
    // The rich end is the balanced minimum W₁ = W₂ = diag(√3, 0, …) up to O(ε²): its kernel against the run's own K₀.
    const p = dlnTrainParams.parse({ dim: 8, targetSingularValues: [3], init: 'small-random', initScale: 0.01 });
    const rng = createRng(0);
    const init = kernelFactors(initialLayers(p, buildTask(p, rng), rng));
    const end = diagonal(8, 8, [Math.sqrt(3)]);
    const expected = kernelDistance(init, Math.sqrt(kernelInner(init, init)), kernelFactors([end, end]));
    expect(expected).toBeGreaterThan(0.3);
    expect(Math.abs(rich.kernel[rich.kernel.length - 1] - expected)).toBeLessThan(1e-3);
    expect(lazy.kernel[lazy.kernel.length - 1]).toBeLessThan(0.01);
    for (const r of [rich, lazy]) expect(r.weights[r.weights.length - 1] / (r.summary.relativeWeightChange as number)).toBeCloseTo(1, 12);
  });
});
