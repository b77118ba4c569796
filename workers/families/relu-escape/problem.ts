// The escape problem (X, G, C) a parameter set describes.
import { fromRows, randomGaussian, zeros } from '../../numeric/matrix';
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

export function buildProblem(p: ReluEscapeParams, rng: Rng): Problem {
  const n = pointCount(p);
  const x =
    p.dataset === 'circle' ? circleInputs(n) : p.dataset === 'gaussian' ? randomGaussian(p.inputDim, n, rng) : columnsOf(p.inputs ?? []);
  switch (p.gradient) {
    case 'alternating': {
      const g = alternatingGradient(n);
      return { x, g, cost: quadraticCost(g) };
    }
    case 'direct': {
      const g = columnsOf(p.gradientMatrix ?? []);
      return { x, g, cost: quadraticCost(g) };
    }
    case 'mse': {
      let targets = zeros(1, n);
      if (p.dataset === 'custom') targets = columnsOf(p.targets ?? []);
      else if (p.dataset === 'gaussian') targets = randomGaussian(p.outputDim, n, rng);
      else targets = fromRows([Array.from({ length: n }, (_, j) => ((j + 1) % 2 === 0 ? 1 : -1))]);
      return withGradient(x, meanSquaredCost(targets), targets.rows);
    }
    case 'cross-entropy': {
      const k = p.outputDim;
      const labels =
        p.dataset === 'custom'
          ? (p.labels ?? [])
          : Array.from({ length: n }, (_, j) => (p.dataset === 'circle' ? (j + 1) % k : Math.floor(rng.uniform() * k)));
      return withGradient(x, crossEntropyCost(labels, k), k);
    }
  }
}
