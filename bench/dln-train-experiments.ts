// dln-train's experiment tools, each against the plain way of getting the same number in this run:
// the Hessian's top 5 by Lanczos on exact Hessian-vector products vs forming the Hessian (one product
// per parameter) and diagonalising it by Jacobi; the factored tangent-kernel distance vs forming
// K = JJᵀ; W_eff's top 32 singular values by Lanczos vs a full Jacobi SVD (the wide-network path);
// momentum and Adam steps vs a plain GD step on the CPU backend.
import { CpuBackend } from '../workers/compute/index';
import { DeviceNetwork } from '../workers/families/dln-train/descent';
import { hessianOperator } from '../workers/families/dln-train/hessian';
import { kernelDistance, kernelFactors, kernelInner } from '../workers/families/dln-train/kernel';
import { deviceOptimizer, type UpdateRule } from '../workers/compute/optimizers';
import { dlnTrainParams } from '../workers/families/dln-train/params';
import { buildTask, targetObjective } from '../workers/families/dln-train/task';
import { lanczosTop, topSingularValues } from '../workers/numeric/lanczos';
import { identity, type Matrix, matmul, randomGaussian, zeros } from '../workers/numeric/matrix';
import { createRng } from '../workers/numeric/rng';
import { svd, symmetricEigen } from '../workers/numeric/svd';
import type { BenchFigure } from './figures';
import { secondsPerCall } from './linalg';

function hessianFigures(): BenchFigure[] {
  const d = 12, depth = 3;
  const p = dlnTrainParams.parse({ depth, dim: d, targetSingularValues: [3, 2, 1], singularVectors: 'random' });
  const rng = createRng(1);
  const task = buildTask(p, rng);
  const layers = Array.from({ length: depth }, () => randomGaussian(d, d, rng, 0.5));
  const { apply, size } = hessianOperator(task, layers);
  const lanczos = secondsPerCall(() => lanczosTop(apply, size, 5, createRng(2)), 200, 2);
  const dense = secondsPerCall(() => {
    const h = zeros(size, size), e = new Float64Array(size), col = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      e.fill(0);
      e[j] = 1;
      apply(e, col);
      for (let i = 0; i < size; i++) h.data[i * size + j] = col[i];
    }
    symmetricEigen(h);
  }, 200, 1);
  return [{ name: `Hessian top 5, d = ${d}, L = ${depth} (${size} parameters)`, value: lanczos * 1e3, unit: 'ms', baseline: 'dense Hessian + Jacobi', ratio: dense / lanczos }];
}

function kernelFigures(): BenchFigure[] {
  const widths = [6, 8, 8, 6];
  const rng = createRng(3);
  const make = (): Matrix[] => widths.slice(1).map((n, l) => randomGaussian(n, widths[l], rng, 0.6));
  const [a, b] = [make(), make()];
  const fa = kernelFactors(a), na = Math.sqrt(kernelInner(fa, fa));
  const factored = secondsPerCall(() => kernelDistance(fa, na, kernelFactors(b)), 150, 2);
  // The explicit way: J column by column (vec(S_l E_ij P_l)), K = JJᵀ, then the cosine.
  const explicit = secondsPerCall(() => {
    const cols: Float64Array[] = [];
    b.forEach((w, l) => {
      const prefix = b.slice(0, l).reduce((acc, x) => matmul(x, acc), identity(widths[0]));
      const suffix = b.slice(l + 1).reduce((acc, x) => matmul(x, acc), identity(w.rows));
      for (let i = 0; i < w.rows; i++) for (let j = 0; j < w.cols; j++) {
        const e = zeros(w.rows, w.cols);
        e.data[i * w.cols + j] = 1;
        cols.push(matmul(matmul(suffix, e), prefix).data);
      }
    });
    const n = cols[0].length, k = new Float64Array(n * n);
    for (const c of cols) for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) k[x * n + y] += c[x] * c[y];
  }, 150, 2);
  return [{ name: `tangent-kernel distance, widths ${widths.join('-')}`, value: factored * 1e6, unit: 'µs', baseline: 'explicit JJᵀ', ratio: explicit / factored }];
}

function spectrumFigures(): BenchFigure[] {
  const d = 384;
  const rng = createRng(4);
  // A W_eff mid-staircase: a few learned modes over a small random bulk.
  const weff = matmul(randomGaussian(d, 8, rng), randomGaussian(8, d, rng));
  const noise = randomGaussian(d, d, rng, 1e-3);
  for (let i = 0; i < weff.data.length; i++) weff.data[i] += noise.data[i];
  const lanczos = secondsPerCall(() => topSingularValues(weff, 32, createRng(5)), 300, 1);
  const full = secondsPerCall(() => svd(weff), 300, 1);
  return [{ name: `W_eff top 32 singular values, d = ${d}`, value: lanczos * 1e3, unit: 'ms', baseline: 'full Jacobi SVD', ratio: full / lanczos }];
}

function optimizerFigures(): BenchFigure[] {
  const d = 128;
  const be = new CpuBackend();
  const rng = createRng(6);
  const step = (rule: UpdateRule): number => {
    const net = new DeviceNetwork(be, [randomGaussian(d, d, rng, 0.1), randomGaussian(d, d, rng, 0.1)]);
    const objective = targetObjective(be, randomGaussian(d, d, rng));
    const g = be.tensor(d, d), loss = be.tensor(1, 1);
    const optimizer = deviceOptimizer(be, net.layers, rule);
    return secondsPerCall(() => {
      objective.lossAndGradient(net.product(), g, loss);
      net.descend(g, optimizer);
    }, 200, 2);
  };
  const plain = step({ kind: 'plain', learningRate: 1e-4 });
  const momentum = step({ kind: 'momentum', learningRate: 1e-4, momentum: 0.9 });
  const adam = step({ kind: 'adam', learningRate: 1e-4, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  return [
    { name: `momentum step, d = ${d}, L = 2 (CPU float64)`, value: momentum * 1e3, unit: 'ms', baseline: 'plain GD step', ratio: plain / momentum },
    { name: `Adam step, d = ${d}, L = 2 (CPU float64)`, value: adam * 1e3, unit: 'ms', baseline: 'plain GD step', ratio: plain / adam },
  ];
}

export function benchDlnTrainExperiments(): BenchFigure[] {
  return [...hessianFigures(), ...kernelFigures(), ...spectrumFigures(), ...optimizerFigures()];
}
