// The full-matrix deep linear network and the Tanh MLP (paper 002 §3, Fig. 3), trained by GD on
// ½‖Σ_p Y_p − T‖²_F with X = I_d. Pathway values are the projections a_{p,k} = u_kᵀ Y_p v_k on the
// target's singular vectors; the off-diagonal mass of Uᵀ Y_p V measures how far the run has left
// the SVS set; sharpness is the top Hessian eigenvalue by power iteration on finite-difference
// Hessian-vector products, at every recorded sample. The GD, heavy-ball or Adam steps run on a
// compute backend (device-net.ts, compute/optimizers.ts); the sharpness stays on the CPU in float64.
import { runProgram, type ComputeBackend, type DeviceProgram, type SelectOptions } from '../../compute/index';
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { createRng } from '../../numeric/rng';
import { diagonal, identity, matmul, matmulNT, matmulTN, randomOrthogonal, type Matrix } from '../../numeric/matrix';
import { topHessianEigenvalue } from './hessian';
import { DeviceMatrixNet } from './device-net';
import { deviceOptimizer } from '../../compute/optimizers';
import { layerOffsets, layerSize, MatrixNet, parameterCount, type NetShape } from './matrix-net';
import { Observer } from './observer';
import { DIVERGENCE_FACTOR, pathwayDepths, pathwayInitScales, pathwayLambdas, stabilityThreshold, updateRule, type MultipathParams } from './params';

const PROGRESS_EVERY = 256;
/** Power iterations after the first estimate, warm-started from the previous eigenvector. */
const WARM_FRACTION = 4;

export interface TargetBasis {
  U: Matrix;
  V: Matrix;
  T: Matrix;
}

/** T = U diag(s) Vᵀ: the canonical basis, or seeded Haar-random U and V. */
export function targetMatrix(targets: readonly number[], basis: 'aligned' | 'random', seed: number): TargetBasis {
  const d = targets.length;
  const rng = createRng(seed);
  const U = basis === 'random' ? randomOrthogonal(d, rng) : identity(d);
  const V = basis === 'random' ? randomOrthogonal(d, rng) : identity(d);
  return { U, V, T: matmulNT(matmul(U, diagonal(d, d, targets)), V) };
}

/**
 * Per-layer scales of one pathway: ε in all L layers (depth-balanced), or for depth 2 with offset
 * λ ≠ 0 the pair (w₀, w₁) with w₀w₁ = ε² (the balanced a(0)) and w₁² − w₀² = λ.
 */
export function layerScales(scale: number, L: number, lambda: number): number[] {
  if (lambda === 0) return Array.from({ length: L }, () => scale);
  const a = scale * scale, root = Math.hypot(lambda, 2 * a);
  // w₀² = (root − λ)/2, written without the cancellation for λ ≫ a.
  const w0 = Math.sqrt(lambda > 0 ? (2 * a * a) / (root + lambda) : (root - lambda) / 2);
  return [w0, a / w0];
}

/**
 * θ at initialization. Diagonal (11): W_0 = s₀ E Vᵀ, W_{L−1} = s_{L−1} U Eᵀ, the others s_l EEᵀ,
 * with E the h × d partial identity and s_l the layer scales, so Y_p = (Π s_l) U Vᵀ lies in the
 * SVS set, the layers stay balanced (W_{l+1}ᵀW_{l+1} = W_l W_lᵀ) and the hidden units beyond d
 * stay zero (h = d: E = I). Random: i.i.d. N(0, ε_p²/fan-in) entries.
 */
export function initialTheta(
  shape: NetShape,
  basis: TargetBasis,
  scales: readonly number[],
  init: 'diagonal' | 'random',
  seed: number,
  lambdas: readonly number[] = scales.map(() => 0),
): Float64Array {
  const { d } = shape;
  const theta = new Float64Array(parameterCount(shape));
  const offsets = layerOffsets(shape);
  const rng = createRng(seed + 0x9e3779b9);
  shape.depths.forEach((L, p) => {
    const scale = layerScales(scales[p], L, lambdas[p]);
    for (let l = 0; l < L; l++) {
      const [rows, cols] = layerSize(shape, L, l);
      const layer = theta.subarray(offsets[p][l], offsets[p][l] + rows * cols);
      if (init === 'random') {
        for (let i = 0; i < layer.length; i++) layer[i] = (scale[l] / Math.sqrt(cols)) * rng.normal();
        continue;
      }
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const base = l === 0 ? (i < d ? basis.V.data[j * d + i] : 0) : l === L - 1 ? (j < d ? basis.U.data[i * d + j] : 0) : i === j && i < d ? 1 : 0;
          layer[i * cols + j] = scale[l] * base;
        }
      }
    }
  });
  return theta;
}

/** a_{k,p} = (Uᵀ Y_p V)_{kk} into `values`; returns the off-diagonal mass √(Σ off²/Σ all²) of those matrices. */
export function projectPathways(outputs: readonly Matrix[], basis: TargetBasis, values: Float64Array): number {
  const d = basis.U.rows, P = outputs.length;
  let off = 0, all = 0;
  outputs.forEach((Y, p) => {
    const M = matmul(matmulTN(basis.U, Y), basis.V);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const v = M.data[i * d + j];
        all += v * v;
        if (i === j) values[i * P + p] = v;
        else off += v * v;
      }
    }
  });
  return all > 0 ? Math.sqrt(off / all) : 0;
}

/**
 * Distance from the depth-balanced manifold (Prop. B.4): the largest ‖W_{l+1}ᵀW_{l+1} − W_l W_lᵀ‖_F
 * relative to ‖W_l W_lᵀ‖_F over adjacent layers of every pathway (0 on the manifold).
 */
export function depthImbalance(shape: NetShape, theta: Float64Array): number {
  const offsets = layerOffsets(shape);
  let worst = 0;
  shape.depths.forEach((L, p) => {
    const layer = (l: number): Matrix => {
      const [rows, cols] = layerSize(shape, L, l);
      return { rows, cols, data: theta.subarray(offsets[p][l], offsets[p][l] + rows * cols) };
    };
    for (let l = 0; l + 1 < L; l++) {
      const lower = layer(l), upper = layer(l + 1);
      const outer = matmulNT(lower, lower), inner = matmulTN(upper, upper);
      let diff = 0, scale = 0;
      for (let i = 0; i < outer.data.length; i++) {
        diff += (inner.data[i] - outer.data[i]) ** 2;
        scale += outer.data[i] ** 2;
      }
      if (scale > 0) worst = Math.max(worst, Math.sqrt(diff / scale));
    }
  });
  return worst;
}

/**
 * GD on the backend the `device` parameter selects (reported to the host): synchronously on the
 * CPU, so a CPU run stays a plain call. `options` lets tests substitute the WebGPU provider.
 */
export function runMatrixModel(p: MultipathParams, ctx: RunContext, options: SelectOptions = {}): RunSummary | Promise<RunSummary> {
  return runProgram(p.device, p.targets.length, ctx, (be) => matrixProgram(be, p, ctx), options);
}

/**
 * The GD loop on the device. Each step reads back the loss and the pathway outputs Y_p (P small
 * d × d matrices: the projections, residuals, phases and stopping test need them every step); at
 * the recorded samples it also reads back the layers, and the sharpness is estimated on the CPU
 * in float64 by power iteration on MatrixNet's gradients.
 */
function* matrixProgram(be: ComputeBackend, p: MultipathParams, ctx: RunContext): DeviceProgram<RunSummary> {
  const depths = pathwayDepths(p);
  const K = p.targets.length, P = depths.length;
  const shape: NetShape = { d: K, width: p.hiddenWidth, depths, activation: p.model === 'mlp' ? 'tanh' : 'linear' };
  const basis = targetMatrix(p.targets, p.targetBasis, ctx.seed);
  const net = new MatrixNet(shape, basis.T);
  const theta = initialTheta(shape, basis, pathwayInitScales(p), p.model === 'mlp' ? 'random' : p.init, ctx.seed, pathwayLambdas(p));
  const device = new DeviceMatrixNet(be, shape, basis.T, theta);
  const layers = device.layers.flat(), grads = device.grads.flat();
  const optimizer = deviceOptimizer(be, layers, updateRule(p));
  const offsets = layerOffsets(shape);
  const gradientOf = (t: Float64Array, g: Float64Array): void => {
    net.gradient(t, g);
  };
  const obs = new Observer({ targets: p.targets, depths, threshold: stabilityThreshold(p), tolerance: p.tolerance, samples: p.samples, extras: ['offDiagonal'] }, ctx);
  const values = new Float64Array(K * P);
  const r = new Float64Array(K);
  const limit = 0.5 * K * (DIVERGENCE_FACTOR * Math.max(...p.targets)) ** 2;
  const lossTolerance = 0.5 * p.targets.reduce((sum, s) => sum + (p.tolerance * s) ** 2, 0);
  let eigenvector: Float64Array = Float64Array.from({ length: theta.length }, (_, i) => Math.cos(7.31 * (i + 1)));
  let firstEstimate = true;
  const estimateSharpness = (): number => {
    const iterations = firstEstimate ? p.hessianIterations : Math.max(5, Math.ceil(p.hessianIterations / WARM_FRACTION));
    firstEstimate = false;
    const top = topHessianEigenvalue(gradientOf, theta, iterations, eigenvector);
    eigenvector = top.vector;
    return top.value;
  };
  const asMatrix = (data: Float64Array): Matrix => ({ rows: K, cols: K, data });

  for (let step = 0; ; step++) {
    device.gradient();
    const [lossValue, ...outputs] = yield [device.loss, ...device.outputs];
    const loss = lossValue[0];
    if (!Number.isFinite(loss)) throw new DivergedError(`non-finite loss at step ${step}`);
    const offDiagonal = projectPathways(outputs.map(asMatrix), basis, values);
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let q = 0; q < P; q++) sum += values[k * P + q];
      r[k] = p.targets[k] - sum;
    }
    const due = obs.due(step);
    const blewUp = loss > limit;
    const converged = obs.converged(r) && loss <= lossTolerance;
    const last = blewUp || converged || step >= p.maxSteps;
    let lambda = Number.NaN;
    if (due || last) {
      const weights = yield layers;
      let i = 0;
      offsets.forEach((pathway) => pathway.forEach((offset) => theta.set(weights[i++], offset)));
      lambda = estimateSharpness();
    }
    obs.step(step, values, r, lambda);
    if (due || last) obs.record(step, values, r, loss, lambda, [offDiagonal]);
    if (last) return { ...obs.finish(step, values, r, loss, lambda, blewUp, converged), finalOffDiagonal: offDiagonal, finalDepthImbalance: depthImbalance(shape, theta) };
    optimizer.step(layers, grads);
    if (ctx.signal.aborted) return {};
    if (step % PROGRESS_EVERY === 0) ctx.progress(step / p.maxSteps);
    yield [];
  }
}
