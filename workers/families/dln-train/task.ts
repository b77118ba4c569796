// The three tasks as one interface: the loss of W_eff and its gradient G = ∂ℓ/∂W_eff, which the
// network back-propagates to every layer. The reference matrix W* (the minimizer the run heads
// for) and its SVD give the singular values and vectors that alignment and escapes are read against.
import { diagonal, fromRows, type Matrix, matmul, matmulNT, matmulTN, qr, randomGaussian, randomOrthogonal, identity, zeros } from '../../numeric/matrix';
import type { ComputeBackend, Tensor } from '../../compute/index';
import type { Rng } from '../../numeric/rng';
import { svd, symmetricEigen } from '../../numeric/svd';
import { layerWidths, sortedTargets, type DlnTrainParams } from './params';
import { sensingTask } from './sensing';
import type { DeviceObjective, Target, Task } from './task-types';

/** ½‖W_eff − T‖²_F: G = W_eff − T. */
export function targetObjective(be: ComputeBackend, t: Matrix): DeviceObjective {
  const target = be.tensor(t.rows, t.cols, t.data);
  return {
    lossAndGradient: (weff, grad, lossOut) => be.squaredResidual(weff, target, grad, lossOut),
    loss: (raw) => raw / 2,
    stochasticGradient() {
      throw new Error('the target task has no samples to draw a minibatch from');
    },
    target: t,
  };
}

/** Q (n × n) orthogonal whose first k columns are the orthonormal columns of `thin` (n × k). */
function completeBasis(thin: Matrix): Matrix {
  const n = thin.rows, k = thin.cols;
  const stacked = zeros(n, k + n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) stacked.data[i * (k + n) + j] = thin.data[i * k + j];
    stacked.data[i * (k + n) + k + i] = 1;
  }
  const { q, r } = qr(stacked);
  // Householder QR returns ±u_j: flip the columns whose R diagonal is negative back.
  for (let j = 0; j < Math.min(k, n); j++) {
    if (r.data[j * (k + n) + j] < 0) for (let i = 0; i < n; i++) q.data[i * n + j] = -q.data[i * n + j];
  }
  return q;
}

/** The first k columns of an orthogonal matrix. */
function leadingColumns(q: Matrix, k: number): Matrix {
  const out = zeros(q.rows, k);
  for (let i = 0; i < q.rows; i++) out.data.set(q.data.subarray(i * q.cols, i * q.cols + k), i * k);
  return out;
}

/**
 * T = U diag(s) Vᵀ with identity or Haar-random singular vectors, consuming rng in that order, with
 * the SVD it was built from (a Jacobi SVD of a wide low-rank T costs O(d⁴) completing its null space);
 * or targetMatrix with its computed SVD.
 */
function buildTarget(p: DlnTrainParams, rng: Rng): Target {
  if (p.targetMatrix) {
    const t = fromRows(p.targetMatrix);
    const d = svd(t);
    return { t, u: completeBasis(d.U), v: completeBasis(d.V), svd: d };
  }
  const w = layerWidths(p);
  const n0 = w[0], nL = w[p.depth], k = Math.min(n0, nL);
  const u = p.singularVectors === 'random' ? randomOrthogonal(nL, rng) : identity(nL);
  const v = p.singularVectors === 'random' ? randomOrthogonal(n0, rng) : identity(n0);
  const targets = sortedTargets(p);
  const t = matmulNT(matmul(u, diagonal(nL, n0, targets)), v);
  const values = Float64Array.from({ length: k }, (_, i) => targets[i] ?? 0);
  return { t, u, v, svd: { U: leadingColumns(u, k), s: values, V: leadingColumns(v, k) } };
}

function targetTask({ t, u, v, svd: referenceSvd }: Target): Task {
  return {
    kind: 'target',
    reference: t,
    referenceSvd,
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
    onDevice: (be) => targetObjective(be, t),
  };
}

function completionTask({ t, u, v, svd: referenceSvd }: Target, fraction: number, rng: Rng): Task {
  const mask = Uint8Array.from(t.data, () => (rng.uniform() < fraction ? 1 : 0));
  const observed = Array.from(mask.keys()).filter((i) => mask[i] === 1);
  return {
    kind: 'completion',
    reference: t,
    referenceSvd,
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
    onDevice(be) {
      const target = be.tensor(t.rows, t.cols, t.data), observedMask = be.tensor(t.rows, t.cols, mask);
      const diff = be.tensor(t.rows, t.cols), counts = be.tensor(t.rows, t.cols), scratch = be.tensor(1, 1);
      const drawn = new Float64Array(t.data.length);
      return {
        lossAndGradient(weff, grad, lossOut) {
          be.squaredResidual(weff, target, diff, scratch);
          be.mul(diff, observedMask, grad);
          be.sumSquares(grad, lossOut);
        },
        loss: (raw) => raw / 2,
        // G = (|Ω| / B) Σ_b e_{i_b} (W − T)_{i_b}: the draws' multiplicities times |Ω|/B, entrywise.
        stochasticGradient(weff, grad, batchSize, rng) {
          drawn.fill(0);
          const weight = observed.length / batchSize;
          for (let b = 0; b < batchSize; b++) drawn[observed[Math.floor(rng.uniform() * observed.length)]] += weight;
          be.write(counts, drawn);
          be.squaredResidual(weff, target, diff, scratch);
          be.mul(diff, counts, grad);
        },
      };
    },
  };
}

/** Device buffers of a regression minibatch of B samples, and their host staging arrays. */
interface Minibatch {
  size: number;
  x: Tensor;
  y: Tensor;
  pred: Tensor;
  residual: Tensor;
  scratch: Tensor;
  xs: Float64Array;
  ys: Float64Array;
}

function minibatch(be: ComputeBackend, size: number, n0: number, nL: number): Minibatch {
  const [x, y, pred, residual] = [be.tensor(size, n0), be.tensor(size, nL), be.tensor(size, nL), be.tensor(size, nL)];
  return { size, x, y, pred, residual, scratch: be.tensor(1, 1), xs: new Float64Array(size * n0), ys: new Float64Array(size * nL) };
}

/**
 * S^{power} of a symmetric positive semi-definite matrix through its eigen-decomposition; a negative
 * power inverts only the eigenvalues above 1e-12 of the largest (a pseudo-inverse: a data set may be
 * rank-deficient).
 */
function symmetricPower(s: Matrix, power: number): Matrix {
  const { values, vectors } = symmetricEigen(s);
  const n = s.rows;
  const floor = 1e-12 * Math.max(...values);
  return matmulNT(matmul(vectors, diagonal(n, n, values.map((x) => (power < 0 && x <= floor ? 0 : x ** power)))), vectors);
}

/** XᵀX/n. */
function covariance(x: Matrix): Matrix {
  const c = matmulTN(x, x);
  for (let i = 0; i < c.data.length; i++) c.data[i] /= x.rows;
  return c;
}

/** Samples x = Λ^{1/2} z (Λ = inputSpectrum) and y = T x + noise, n of them; whitened exactly when asked. */
function sampleData(p: DlnTrainParams, t: Matrix, n: number, rng: Rng, whiten: boolean): { x: Matrix; y: Matrix } {
  const n0 = t.cols;
  const spectrum = p.inputSpectrum ?? Array.from({ length: n0 }, () => 1);
  let x = randomGaussian(n, n0, rng);
  for (let s = 0; s < n; s++) for (let j = 0; j < n0; j++) x.data[s * n0 + j] *= Math.sqrt(spectrum[j]);
  if (whiten) x = matmul(x, symmetricPower(covariance(x), -0.5));
  const y = matmulNT(x, t);
  for (let i = 0; i < y.data.length; i++) y.data[i] += p.noise * rng.normal();
  return { x, y };
}

/** Rows [from, to) of a list of rows as a matrix. */
const rowsOf = (rows: number[][], from: number, to: number): Matrix => fromRows(rows.slice(from, to));

/** (1/2n)‖Y − X Wᵀ‖² of held-out samples. */
function heldOutLoss(x: Matrix, y: Matrix): (weff: Matrix) => number {
  const n = x.rows;
  return (weff) => {
    const pred = matmulNT(x, weff);
    let sum = 0;
    for (let i = 0; i < pred.data.length; i++) sum += (y.data[i] - pred.data[i]) ** 2;
    return sum / (2 * n);
  };
}

/**
 * Regression on a data set: sampled from the teacher T, or the user's inputs / outputs (T is then
 * their least-squares fit W*, whose singular vectors the aligned inits use), with held-out samples
 * for the test loss. The loss is written as ½ tr(E Σxx Eᵀ) + ℓ_min with E = W − W*, W* = Σyx Σxx⁺,
 * so it keeps full precision as W → W* instead of cancelling the large terms of the expanded square.
 */
function regressionTask(p: DlnTrainParams, teacher: { t: Matrix; u: Matrix; v: Matrix } | null, rng: Rng): Task {
  let x: Matrix, y: Matrix, test: { x: Matrix; y: Matrix } | null = null;
  if (p.inputs && p.outputs) {
    const train = p.inputs.length - p.heldOut;
    [x, y] = [rowsOf(p.inputs, 0, train), rowsOf(p.outputs, 0, train)];
    if (p.heldOut > 0) test = { x: rowsOf(p.inputs, train, p.inputs.length), y: rowsOf(p.outputs, train, p.outputs.length) };
  } else if (teacher) {
    ({ x, y } = sampleData(p, teacher.t, p.samples, rng, p.whiten));
    if (p.heldOut > 0) test = sampleData(p, teacher.t, p.heldOut, rng, false);
  } else throw new Error('regression needs a teacher or a data set');
  const n = x.rows, n0 = x.cols, nL = y.cols;
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
  const referenceSvd = svd(optimum);
  return {
    kind: 'regression',
    reference: optimum,
    referenceSvd,
    targetU: teacher?.u ?? completeBasis(referenceSvd.U),
    targetV: teacher?.v ?? completeBasis(referenceSvd.V),
    ...(test ? { testLoss: heldOutLoss(test.x, test.y) } : {}),
    lossAndGradient(weff, grad) {
      for (let i = 0; i < error.data.length; i++) error.data[i] = weff.data[i] - optimum.data[i];
      matmul(error, sxx, grad);
      let quadratic = 0;
      for (let i = 0; i < grad.data.length; i++) quadratic += error.data[i] * grad.data[i];
      return quadratic / 2 + minLoss;
    },
    onDevice(be) {
      const reference = be.tensor(nL, n0, optimum.data), covariance = be.tensor(n0, n0, sxx.data);
      const err = be.tensor(nL, n0), product = be.tensor(nL, n0);
      let batch: Minibatch | null = null;
      return {
        // ½ tr(E Σxx Eᵀ) with E = W − W*; ℓ_min is added on the host.
        lossAndGradient(weff, grad, lossOut) {
          be.axpby(1, weff, -1, reference, err);
          be.matmul(err, covariance, grad);
          be.mul(err, grad, product);
          be.sum(product, lossOut);
        },
        loss: (raw) => raw / 2 + minLoss,
        // G = (1/B) Σ_b (W x_b − y_b) x_bᵀ = (1/B) Rᵀ X_B with R = X_B Wᵀ − Y_B.
        stochasticGradient(weff, grad, batchSize, rng) {
          if (batch?.size !== batchSize) batch = minibatch(be, batchSize, n0, nL);
          for (let b = 0; b < batchSize; b++) {
            const s = Math.floor(rng.uniform() * n);
            batch.xs.set(x.data.subarray(s * n0, (s + 1) * n0), b * n0);
            batch.ys.set(y.data.subarray(s * nL, (s + 1) * nL), b * nL);
          }
          be.write(batch.x, batch.xs);
          be.write(batch.y, batch.ys);
          be.matmulNT(batch.x, weff, batch.pred);
          be.squaredResidual(batch.pred, batch.y, batch.residual, batch.scratch);
          be.matmulTN(batch.residual, batch.x, grad);
          be.scale(1 / batchSize, grad);
        },
      };
    },
  };
}

/** Singular values of the matrix the loss is minimized at (those above rounding of the largest). */
export function referenceValues(task: Task): number[] {
  const s = Array.from(task.referenceSvd.s);
  return s.filter((x) => x > 1e-9 * s[0]);
}

export function buildTask(p: DlnTrainParams, rng: Rng): Task {
  if (p.task === 'regression' && p.inputs) return regressionTask(p, null, rng);
  const target = buildTarget(p, rng);
  if (p.task === 'completion') return completionTask(target, p.observedFraction, rng);
  if (p.task === 'sensing') return sensingTask(target, p.measurements, p.heldOut, rng);
  if (p.task === 'regression') return regressionTask(p, target, rng);
  return targetTask(target);
}
