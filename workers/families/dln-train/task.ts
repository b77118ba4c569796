// The three tasks as one interface: the loss of W_eff and its gradient G = ∂ℓ/∂W_eff, which the
// network back-propagates to every layer. The reference matrix W* (the minimizer the run heads
// for) and its SVD give the singular values and vectors that alignment and escapes are read against.
import { diagonal, type Matrix, matmul, matmulNT, matmulTN, randomGaussian, randomOrthogonal, identity, zeros } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import { svd, symmetricEigen, type SVD } from '../../numeric/svd';
import { layerWidths, sortedTargets, type DlnTrainParams } from './params';

export interface Task {
  kind: DlnTrainParams['task'];
  /** The matrix the loss is minimized at (target T, Σyx Σxx⁻¹, or the ground truth of completion). */
  reference: Matrix;
  referenceSvd: SVD;
  /** Left and right singular vectors of T (n_L × n_L and n₀ × n₀), used by the aligned inits. */
  targetU: Matrix;
  targetV: Matrix;
  /** Writes G = ∂ℓ/∂W_eff into grad and returns ℓ(W_eff). */
  lossAndGradient(weff: Matrix, grad: Matrix): number;
  /** Writes an unbiased minibatch estimate of G into grad (SGD). */
  stochasticGradient?(weff: Matrix, grad: Matrix, batchSize: number, rng: Rng): void;
  /** Completion only: 1 on observed entries. */
  mask?: Uint8Array;
}

/** T = U diag(s) Vᵀ with identity or Haar-random singular vectors, consuming rng in that order. */
function buildTarget(p: DlnTrainParams, rng: Rng): { t: Matrix; u: Matrix; v: Matrix } {
  const w = layerWidths(p);
  const n0 = w[0], nL = w[p.depth];
  const u = p.singularVectors === 'random' ? randomOrthogonal(nL, rng) : identity(nL);
  const v = p.singularVectors === 'random' ? randomOrthogonal(n0, rng) : identity(n0);
  const t = matmulNT(matmul(u, diagonal(nL, n0, sortedTargets(p))), v);
  return { t, u, v };
}

function targetTask(t: Matrix, u: Matrix, v: Matrix): Task {
  return {
    kind: 'target',
    reference: t,
    referenceSvd: svd(t),
    targetU: u,
    targetV: v,
    lossAndGradient(weff, grad) {
      let loss = 0;
      for (let i = 0; i < grad.data.length; i++) {
        const e = weff.data[i] - t.data[i];
        grad.data[i] = e;
        loss += e * e;
      }
      return loss / 2;
    },
  };
}

function completionTask(t: Matrix, u: Matrix, v: Matrix, fraction: number, rng: Rng): Task {
  const mask = Uint8Array.from(t.data, () => (rng.uniform() < fraction ? 1 : 0));
  const observed = Array.from(mask.keys()).filter((i) => mask[i] === 1);
  return {
    kind: 'completion',
    reference: t,
    referenceSvd: svd(t),
    targetU: u,
    targetV: v,
    mask,
    lossAndGradient(weff, grad) {
      let loss = 0;
      for (let i = 0; i < grad.data.length; i++) {
        const e = mask[i] ? weff.data[i] - t.data[i] : 0;
        grad.data[i] = e;
        loss += e * e;
      }
      return loss / 2;
    },
    stochasticGradient(weff, grad, batchSize, rng) {
      grad.data.fill(0);
      const weight = observed.length / batchSize;
      for (let b = 0; b < batchSize; b++) {
        const i = observed[Math.floor(rng.uniform() * observed.length)];
        grad.data[i] += weight * (weff.data[i] - t.data[i]);
      }
    },
  };
}

/** S^{power} of a symmetric positive definite matrix through its eigen-decomposition. */
function symmetricPower(s: Matrix, power: number): Matrix {
  const { values, vectors } = symmetricEigen(s);
  const n = s.rows;
  return matmulNT(matmul(vectors, diagonal(n, n, values.map((x) => x ** power))), vectors);
}

/**
 * Samples x = Λ^{1/2} z (Λ = inputSpectrum), optionally whitened exactly, and y = T x + noise.
 * The loss is written as ½ tr(E Σxx Eᵀ) + ℓ_min with E = W − W*, W* = Σyx Σxx⁻¹, so it keeps full
 * precision as W → W* instead of cancelling the large terms of the expanded square.
 */
function regressionTask(p: DlnTrainParams, t: Matrix, u: Matrix, v: Matrix, rng: Rng): Task {
  const n = p.samples;
  const n0 = t.cols, nL = t.rows;
  const spectrum = p.inputSpectrum ?? Array.from({ length: n0 }, () => 1);
  let x = randomGaussian(n, n0, rng);
  for (let s = 0; s < n; s++) for (let j = 0; j < n0; j++) x.data[s * n0 + j] *= Math.sqrt(spectrum[j]);
  const covariance = (m: Matrix): Matrix => {
    const c = matmulTN(m, m);
    for (let i = 0; i < c.data.length; i++) c.data[i] /= n;
    return c;
  };
  if (p.whiten) x = matmul(x, symmetricPower(covariance(x), -0.5));
  const y = matmulNT(x, t);
  for (let i = 0; i < y.data.length; i++) y.data[i] += p.noise * rng.normal();
  const sxx = covariance(x);
  const syx = matmulTN(y, x);
  for (let i = 0; i < syx.data.length; i++) syx.data[i] /= n;
  const optimum = matmul(syx, symmetricPower(sxx, -1));
  // ℓ_min = (1/2n)‖Y − X W*ᵀ‖², computed from the residuals themselves.
  const residual = matmulNT(x, optimum);
  let minLoss = 0;
  for (let i = 0; i < residual.data.length; i++) minLoss += (y.data[i] - residual.data[i]) ** 2;
  minLoss /= 2 * n;
  const error = zeros(nL, n0);
  return {
    kind: 'regression',
    reference: optimum,
    referenceSvd: svd(optimum),
    targetU: u,
    targetV: v,
    lossAndGradient(weff, grad) {
      for (let i = 0; i < error.data.length; i++) error.data[i] = weff.data[i] - optimum.data[i];
      matmul(error, sxx, grad);
      let quadratic = 0;
      for (let i = 0; i < grad.data.length; i++) quadratic += error.data[i] * grad.data[i];
      return quadratic / 2 + minLoss;
    },
    stochasticGradient(weff, grad, batchSize, rng) {
      grad.data.fill(0);
      const r = new Float64Array(nL);
      for (let b = 0; b < batchSize; b++) {
        const s = Math.floor(rng.uniform() * n);
        for (let i = 0; i < nL; i++) {
          let acc = -y.data[s * nL + i];
          for (let j = 0; j < n0; j++) acc += weff.data[i * n0 + j] * x.data[s * n0 + j];
          r[i] = acc / batchSize;
        }
        for (let i = 0; i < nL; i++) for (let j = 0; j < n0; j++) grad.data[i * n0 + j] += r[i] * x.data[s * n0 + j];
      }
    },
  };
}

export function buildTask(p: DlnTrainParams, rng: Rng): Task {
  const { t, u, v } = buildTarget(p, rng);
  if (p.task === 'completion') return completionTask(t, u, v, p.observedFraction, rng);
  if (p.task === 'regression') return regressionTask(p, t, u, v, rng);
  return targetTask(t, u, v);
}
