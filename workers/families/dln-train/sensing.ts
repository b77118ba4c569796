// Matrix sensing: m linear measurements y_i = ⟨A_i, T⟩ of the target through Gaussian matrices A_i
// (i.i.d. N(0, 1) entries), loss (1/2m)Σ_i (⟨A_i, W_eff⟩ − y_i)², whose expectation over A is the
// target task's ½‖W_eff − T‖²_F (Gunasekar et al. 2017; Li, Ma & Zhang 2018). With m < n_L n₀ the
// minimisers form an affine family and the init decides which one is reached (implicit bias).
import type { ComputeBackend, Tensor } from '../../compute/index';
import { type Matrix, randomGaussian } from '../../numeric/matrix';
import type { Rng } from '../../numeric/rng';
import type { DeviceObjective, Target, Task } from './task-types';

/** y = A vec(T) for the rows of A. */
function measure(a: Matrix, t: Matrix): Float64Array {
  const size = t.data.length, y = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < size; j++) y[i] += a.data[i * size + j] * t.data[j];
  return y;
}

/** (1/2m)‖A vec(W) − y‖². */
function measurementLoss(a: Matrix, y: Float64Array, w: Matrix): number {
  const size = a.cols;
  let loss = 0;
  for (let i = 0; i < a.rows; i++) {
    let s = -y[i];
    for (let j = 0; j < size; j++) s += a.data[i * size + j] * w.data[j];
    loss += s * s;
  }
  return loss / (2 * a.rows);
}

/**
 * The rows of A (m × n_Ln₀, row i = vec(A_i)) and y = A vec(T), then `heldOut` fresh measurements for
 * the test loss (an estimate of ½‖W_eff − T‖²_F); consumes rng for A first.
 */
export function sensingTask({ t, u, v, svd: referenceSvd }: Target, measurements: number, heldOut: number, rng: Rng): Task {
  const size = t.data.length, m = measurements;
  const a = randomGaussian(m, size, rng);
  const y = measure(a, t);
  const test = heldOut > 0 ? randomGaussian(heldOut, size, rng) : null;
  const testLabels = test ? measure(test, t) : null;
  const residual = new Float64Array(m);
  return {
    kind: 'sensing',
    reference: t,
    referenceSvd,
    targetU: u,
    targetV: v,
    // G = (1/m) Σ_i r_i A_i with r_i = ⟨A_i, W⟩ − y_i.
    lossAndGradient(weff, grad) {
      let loss = 0;
      for (let i = 0; i < m; i++) {
        let s = -y[i];
        for (let j = 0; j < size; j++) s += a.data[i * size + j] * weff.data[j];
        residual[i] = s;
        loss += s * s;
      }
      grad.data.fill(0);
      for (let i = 0; i < m; i++) {
        const r = residual[i] / m;
        for (let j = 0; j < size; j++) grad.data[j] += r * a.data[i * size + j];
      }
      return loss / (2 * m);
    },
    onDevice: (be) => sensingObjective(be, a, y),
    ...(test && testLabels ? { testLoss: (weff: Matrix) => measurementLoss(test, testLabels, weff) } : {}),
  };
}

/** The same loss on a backend: W_eff as a row (reshapeCopy), predictions A vec(W), gradient rᵀA. */
function sensingObjective(be: ComputeBackend, a: Matrix, y: Float64Array): DeviceObjective {
  const m = a.rows, size = a.cols;
  const ops = be.tensor(m, size, a.data), labels = be.tensor(m, 1, y);
  const row = be.tensor(1, size), gradRow = be.tensor(1, size), pred = be.tensor(m, 1), residual = be.tensor(m, 1);
  let batch: { size: number; a: Tensor; y: Tensor; pred: Tensor; residual: Tensor; loss: Tensor; as: Float64Array; ys: Float64Array } | null = null;
  const gradientOf = (opsT: Tensor, labelsT: Tensor, predT: Tensor, residualT: Tensor, count: number, weff: Tensor, grad: Tensor, lossOut: Tensor): void => {
    be.reshapeCopy(weff, row);
    be.matmulNT(opsT, row, predT);
    be.squaredResidual(predT, labelsT, residualT, lossOut);
    be.matmulTN(residualT, opsT, gradRow);
    be.scale(1 / count, gradRow);
    be.reshapeCopy(gradRow, grad);
  };
  return {
    lossAndGradient: (weff, grad, lossOut) => gradientOf(ops, labels, pred, residual, m, weff, grad, lossOut),
    loss: (raw) => raw / (2 * m),
    // A minibatch of measurements, drawn with replacement on the host.
    stochasticGradient(weff, grad, batchSize, rng) {
      if (batch?.size !== batchSize) {
        batch = { size: batchSize, a: be.tensor(batchSize, size), y: be.tensor(batchSize, 1), pred: be.tensor(batchSize, 1), residual: be.tensor(batchSize, 1), loss: be.tensor(1, 1), as: new Float64Array(batchSize * size), ys: new Float64Array(batchSize) };
      }
      for (let b = 0; b < batchSize; b++) {
        const i = Math.floor(rng.uniform() * m);
        batch.as.set(a.data.subarray(i * size, (i + 1) * size), b * size);
        batch.ys[b] = y[i];
      }
      be.write(batch.a, batch.as);
      be.write(batch.y, batch.ys);
      gradientOf(batch.a, batch.y, batch.pred, batch.residual, batchSize, weff, grad, batch.loss);
    },
  };
}
