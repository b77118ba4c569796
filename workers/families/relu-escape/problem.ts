// The escape problem (X, G, C) a parameter set describes.
import { frobenius, fromRows, type Matrix, randomGaussian, zeros } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import {
  alternatingGradient,
  circleInputs,
  columnsOf,
  crossEntropyCost,
  meanSquaredCost,
  type Problem,
  quadraticCost,
  withGradient,
} from './datasets';
import { pointCount, type ReluEscapeParams } from './params';

/** |N(0, 1)| entries: non-negative vectors for the rank-one part (Lemma A.7's setting). */
function positiveColumn(n: number, rng: Rng): Float64Array {
  return randomGaussian(n, 1, rng).data.map(Math.abs);
}

/** X = uvᵀ + E (d × N), u, v ≥ 0, ‖E‖_F = noise·‖uvᵀ‖_F (paper 004 Prop. 3.3). */
function nearRankOne(d: number, n: number, noise: number, rng: Rng): { x: Matrix; v: Float64Array; noiseNorm: number } {
  const u = positiveColumn(d, rng), v = positiveColumn(n, rng);
  const e = randomGaussian(d, n, rng);
  const norm = (a: Float64Array): number => Math.hypot(...a);
  const noiseNorm = noise * norm(u) * norm(v);
  const scale = noiseNorm / frobenius(e);
  const x = zeros(d, n);
  for (let i = 0; i < d; i++) for (let j = 0; j < n; j++) x.data[i * n + j] = u[i] * v[j] + scale * e.data[i * n + j];
  return { x, v, noiseNorm };
}

export function buildProblem(p: ReluEscapeParams, rng: Rng): Problem {
  const n = pointCount(p);
  const rankOne = p.dataset === 'rank-one' ? nearRankOne(p.inputDim, n, p.noise, rng) : null;
  const x =
    rankOne?.x ??
    (p.dataset === 'circle' ? circleInputs(n) : p.dataset === 'gaussian' ? randomGaussian(p.inputDim, n, rng) : columnsOf(p.inputs ?? []));
  const noise = rankOne ? { noise: rankOne.noiseNorm } : {};
  switch (p.gradient) {
    case 'alternating': {
      const g = alternatingGradient(n);
      return { x, g, cost: quadraticCost(g), ...noise };
    }
    case 'direct': {
      const g = columnsOf(p.gradientMatrix ?? []);
      return { x, g, cost: quadraticCost(g), ...noise };
    }
    case 'mse': {
      let targets = zeros(1, n);
      if (p.dataset === 'custom') targets = columnsOf(p.targets ?? []);
      else if (p.dataset === 'gaussian') targets = randomGaussian(p.outputDim, n, rng);
      else if (rankOne) {
        // Targets wvᵀ, w ≥ 0: G = −(2/N)wvᵀ is aligned with the data's v, so s* is close to ‖X‖‖G‖.
        const w = positiveColumn(p.outputDim, rng);
        targets = zeros(p.outputDim, n);
        for (let k = 0; k < p.outputDim; k++) for (let j = 0; j < n; j++) targets.data[k * n + j] = w[k] * rankOne.v[j];
      } else targets = fromRows([Array.from({ length: n }, (_, j) => ((j + 1) % 2 === 0 ? 1 : -1))]);
      return { ...withGradient(x, meanSquaredCost(targets), targets.rows), ...noise };
    }
    case 'cross-entropy': {
      const k = p.outputDim;
      const labels =
        p.dataset === 'custom'
          ? (p.labels ?? [])
          : Array.from({ length: n }, (_, j) => (p.dataset === 'circle' ? (j + 1) % k : Math.floor(rng.uniform() * k)));
      return { ...withGradient(x, crossEntropyCost(labels, k), k), ...noise };
    }
  }
}
