// What a run records at each record time: loss, the spectrum of W_eff and of every layer, balance
// defects and their drift, alignment with the reference singular vectors, effective rank, nuclear
// norm and Σσ^{2/L}. Records are kept (the summary and the plateau detector read them) and
// streamed to the host in chunks.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from '../../family';
import { toWeightFile } from './weight-file';
import { axpy, clone, frobenius, gramNT, gramTN, identity, type Matrix, matmul, matmulNT, matmulTN, scaleInPlace, subInPlace, zeros } from '../../numeric/matrix';
import { singularValues, svd, type SVD } from '../../numeric/svd';
import { bidiagonalSvdValues, partialSvd } from '../../numeric/bidiagonal-svd';
import { topSingularValues, type SpectrumSettings } from '../../numeric/lanczos';
import { createRng, type Rng } from '../../numeric/rng';
import { measureHessian } from './hessian';
import { kernelDistance, kernelFactors, kernelInner, type KernelFactors } from './kernel';
import type { Task } from './task-types';
import { SeriesLog } from '../series-log';

/** Indexed series per metric are capped so a d = 512 run does not draw 512 lines. */
export const MAX_SERIES = 32;

/** σ_α series recorded: every target mode (the summary, escapes and theory read each), and at least MAX_SERIES. */
export function recordedModes(modes: number): number {
  return Math.max(MAX_SERIES, modes);
}
/** Layer spectra cost an SVD per layer per record: recorded only up to this width. */
export const MAX_LAYER_SPECTRUM_WIDTH = 32;
const FLUSH_EVERY = 64;
/**
 * Above this width W_eff's spectrum is its top recordedModes singular values by Lanczos (absolute accuracy
 * ~1e-8 σ₁), and alignment, nuclear norm, Schatten-2/L and effective rank are not recorded.
 */
export const MAX_FULL_SPECTRUM_WIDTH = 512;
/**
 * Up to this width W_eff's spectrum is a one-sided Jacobi SVD (σ to high relative accuracy); above it,
 * bidiagonalisation with QR for the values and inverse iteration for the target modes' vectors (σ to
 * ~ε‖W_eff‖): ~22 ms at d = 256 (docs/dln-train.md lists what each metric costs).
 */
export const MAX_JACOBI_WIDTH = 32;

/** σ(W_eff), descending, by the method the recorder uses at this width (full-spectrum widths). */
export function weffSingularValues(weff: Matrix): Float64Array {
  return Math.min(weff.rows, weff.cols) > MAX_JACOBI_WIDTH ? bidiagonalSvdValues(weff) : singularValues(weff);
}

/** The kernel distance costs 2(L − 2) products and 2(L − 1) Gram products per record: recorded up to this width. */
export const MAX_KERNEL_WIDTH = 256;

/** D_l = W_{l+1}ᵀW_{l+1} − W_lW_lᵀ, l = 1 … L − 1 (0-based: between layers l and l + 1). */
export function balanceMatrices(layers: readonly Matrix[]): Matrix[] {
  return layers.slice(0, -1).map((w, l) => subInPlace(gramTN(layers[l + 1]), gramNT(w)));
}

/** A plain sum of squares is exact to rounding here: no overflow, and too large for underflow to have lost a term. */
const SAFE_SQUARES = { min: 1e-280, max: 1e300 };

/**
 * ‖D − λI‖_F and ‖D − D₀‖_F of a balance matrix in one pass, without the two copies the subtractions would
 * make. Plain sums of squares; outside SAFE_SQUARES (an exactly balanced init, a run about to overflow) the
 * scaled norm.
 */
export function balanceDistances(d: Matrix, lambda: number, initial: Matrix): { defect: number; moved: number } {
  const n = d.rows, x = d.data, x0 = initial.data;
  let defect = 0, moved = 0;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      const v = x[row + j], a = i === j ? v - lambda : v, b = v - x0[row + j];
      defect += a * a;
      moved += b * b;
    }
  }
  const safe = (sum: number): boolean => sum >= SAFE_SQUARES.min && sum <= SAFE_SQUARES.max;
  if (safe(defect) && safe(moved)) return { defect: Math.sqrt(defect), moved: Math.sqrt(moved) };
  return { defect: frobenius(subInPlace(clone(d), scaleInPlace(identity(n), lambda))), moved: frobenius(subInPlace(clone(d), initial)) };
}

/** exp of the entropy of σ/Σσ (Roy & Vetterli): between 1 and the number of nonzero σ. */
export function effectiveRank(s: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  if (total === 0) return 0;
  let entropy = 0;
  for (let i = 0; i < s.length; i++) {
    const q = s[i] / total;
    if (q > 0) entropy -= q * Math.log(q);
  }
  return Math.exp(entropy);
}

function column(m: Matrix, j: number, i: number): number {
  return m.data[i * m.cols + j];
}

/** u_iᵀu*_i · v_iᵀv*_i: 1 when mode i of W_eff points along mode i of the reference (sign-free). */
function alignment(weff: { U: Matrix; V: Matrix }, ref: { U: Matrix; V: Matrix }, i: number): number {
  let du = 0, dv = 0;
  for (let r = 0; r < weff.U.rows; r++) du += column(weff.U, i, r) * column(ref.U, i, r);
  for (let r = 0; r < weff.V.rows; r++) dv += column(weff.V, i, r) * column(ref.V, i, r);
  return du * dv;
}

/**
 * σ̇_α = u_αᵀẆ_eff v_α under gradient flow for the first `modes` singular triplets of W_eff, with
 * Ẇ_eff = −Σ_l S_l ∇W_l P_l, ∇W_l = S_lᵀGP_lᵀ, S_l = W_{L:l+1}, P_l = W_{l−1:1} (paper 001 §3.3).
 */
export function sigmaVelocities(task: Task, layers: readonly Matrix[], weff: Matrix, d: SVD, modes: number): number[] {
  const depth = layers.length;
  const g = zeros(weff.rows, weff.cols);
  task.lossAndGradient(weff, g);
  const prefix: Matrix[] = [identity(layers[0].cols)];
  for (let l = 0; l < depth - 1; l++) prefix.push(matmul(layers[l], prefix[l]));
  const suffix: Matrix[] = new Array<Matrix>(depth);
  suffix[depth - 1] = identity(weff.rows);
  for (let l = depth - 1; l >= 1; l--) suffix[l - 1] = matmul(suffix[l], layers[l]);
  const velocity = zeros(weff.rows, weff.cols);
  for (let l = 0; l < depth; l++) {
    const gradient = matmulNT(matmulTN(suffix[l], g), prefix[l]);
    axpy(-1, matmul(matmul(suffix[l], gradient), prefix[l]), velocity);
  }
  return Array.from({ length: Math.min(modes, d.s.length) }, (_, alpha) => {
    let sum = 0;
    for (let i = 0; i < velocity.rows; i++) {
      for (let j = 0; j < velocity.cols; j++) sum += column(d.U, alpha, i) * velocity.data[i * velocity.cols + j] * column(d.V, alpha, j);
    }
    return sum;
  });
}

export class Recorder extends SeriesLog {
  private readonly initialBalance: Matrix[];
  private readonly referenceNorm: number;

  constructor(
    private readonly task: Task,
    private readonly depth: number,
    private readonly modes: number,
    initialLayers: readonly Matrix[],
    /** λ the defect is measured against (0 unless the init is λ-balanced). */
    private readonly lambda: number,
    private readonly sink: RunContext,
  ) {
    super(sink, { records: FLUSH_EVERY });
    this.initialBalance = balanceMatrices(initialLayers);
    this.referenceNorm = frobenius(task.reference);
    this.initialLayers = initialLayers.map(clone);
    this.initialNorm = Math.hypot(...initialLayers.map(frobenius));
    if (initialLayers.every((w) => Math.max(w.rows, w.cols) <= MAX_KERNEL_WIDTH)) {
      this.initialKernel = kernelFactors(initialLayers);
      this.initialKernelNorm = Math.sqrt(kernelInner(this.initialKernel, this.initialKernel));
    }
  }

  private readonly initialLayers: Matrix[];
  private readonly initialNorm: number;
  private initialKernel: KernelFactors | null = null;
  private initialKernelNorm = 0;

  /** ‖θ(t) − θ(0)‖_F / ‖θ(0)‖_F and the tangent-kernel distance from the init. */
  private recordMovement(layers: readonly Matrix[]): void {
    let moved = 0;
    for (let l = 0; l < layers.length; l++) {
      const w = layers[l].data, w0 = this.initialLayers[l].data;
      for (let i = 0; i < w.length; i++) {
        const x = w[i] - w0[i];
        moved += x * x;
      }
    }
    if (this.initialNorm > 0) this.put('weightDistance', Math.sqrt(moved) / this.initialNorm);
    if (this.initialKernel && this.initialKernelNorm > 0) this.put('kernelDistance', kernelDistance(this.initialKernel, this.initialKernelNorm, kernelFactors(layers)));
  }

  /** Times at which every layer is exported (run times: the record times nearest the requested ones). */
  private readonly checkpoints: number[] = [];
  /** The checkpoint times recorded so far, in order (checkpoint k is the k-th). */
  readonly checkpointTimes: number[] = [];

  /** Export every layer as checkpoint/<k>/<l> when a record falls on one of these times. */
  exportAt(times: readonly number[]): void {
    this.checkpoints.push(...[...times].sort((a, b) => a - b));
  }

  private exportCheckpoint(t: number, layers: readonly Matrix[]): void {
    const k = this.checkpointTimes.length;
    layers.forEach((w, l) => this.sink.emit({ metric: `checkpoint/${k}/${l + 1}`, x: Float64Array.from(w.data, (_, i) => i), y: Float64Array.from(w.data) }));
    // The run's kept folder gets the same layers as a weight file, loadable as init "file".
    if (this.sink.artifactsDir) {
      mkdirSync(this.sink.artifactsDir, { recursive: true });
      writeFileSync(join(this.sink.artifactsDir, `checkpoint-${k}.json`), JSON.stringify(toWeightFile(layers)));
    }
    this.checkpointTimes.push(t);
  }

  private hessian: { settings: SpectrumSettings; every: number; rng: Rng } | null = null;

  /** Measure the Hessian's top-k and trace at every `every`-th record, drawing from its own rng. */
  measureHessianEvery(every: number, settings: SpectrumSettings, rng: Rng): void {
    if (settings.topK > 0 || settings.traceProbes > 0) this.hessian = { settings, every, rng };
  }

  private recordHessian(layers: readonly Matrix[]): void {
    if (!this.hessian || (this.x.length - 1) % this.hessian.every !== 0) return;
    const { top, trace } = measureHessian(this.task, layers, this.hessian.settings, this.hessian.rng);
    top.forEach((v, i) => this.put(`hessianTop/${i}`, v));
    if (trace !== null) this.put('hessianTrace', trace);
  }

  /** Start vectors of the Lanczos spectra of wide networks. */
  private readonly spectrumRng = createRng(0x5bd1);

  /** Per record, σ̇_α of the reference modes (kept for the summary, not streamed); null when not tracked. */
  private velocities: number[][] | null = null;

  /** Keep σ̇_α at every record (full-spectrum widths only): the run's summary reads them. */
  trackSigmaVelocities(): void {
    this.velocities = [];
  }

  get sigmaVelocityRecords(): readonly number[][] | null {
    return this.velocities;
  }

  /** σ(W_eff) and the target modes' singular vectors: the singular values, alignment, nuclear and Schatten norms, effective rank. */
  private recordSpectrum(weff: Matrix, layers: readonly Matrix[]): void {
    const wide = Math.min(weff.rows, weff.cols) > MAX_JACOBI_WIDTH;
    // partialSvd declines (null) where a target mode's σ is at the rounding level: the full SVD then.
    const d: SVD = (wide ? partialSvd(weff, this.modes) : null) ?? svd(weff);
    if (this.velocities) this.velocities.push(sigmaVelocities(this.task, layers, weff, d, this.modes));
    const s = d.s;
    for (let i = 0; i < Math.min(s.length, recordedModes(this.modes)); i++) this.put(`sigma/${i}`, s[i]);
    for (let i = 0; i < Math.min(this.modes, s.length); i++) this.put(`alignment/${i}`, alignment(d, this.task.referenceSvd, i));
    let nuclear = 0, schatten = 0;
    for (const x of s) {
      nuclear += x;
      schatten += x ** (2 / this.depth);
    }
    this.put('nuclearNorm', nuclear);
    this.put('schatten', schatten);
    this.put('effectiveRank', effectiveRank(s));
  }

  record(t: number, layers: readonly Matrix[], weff: Matrix, loss: number): void {
    while (this.checkpointTimes.length < this.checkpoints.length && Math.abs(this.checkpoints[this.checkpointTimes.length] - t) <= 1e-12 * Math.max(1, t)) {
      this.exportCheckpoint(t, layers);
    }
    this.next(t);
    this.put('loss', loss);
    if (Math.max(weff.rows, weff.cols) > MAX_FULL_SPECTRUM_WIDTH) {
      // A full SVD is ~25 s at d = 1024: only the top singular values, by Lanczos on W_effᵀW_eff.
      topSingularValues(weff, Math.min(recordedModes(this.modes), weff.rows, weff.cols), this.spectrumRng).forEach((x, i) => this.put(`sigma/${i}`, x));
    } else this.recordSpectrum(weff, layers);
    if (this.task.testLoss) this.put('testLoss', this.task.testLoss(weff));
    if (this.task.kind === 'completion' || this.task.kind === 'sensing') this.put('recoveryError', frobenius(subInPlace(clone(weff), this.task.reference)) / this.referenceNorm);
    if (layers.every((w) => Math.max(w.rows, w.cols) <= MAX_LAYER_SPECTRUM_WIDTH)) {
      layers.forEach((w, l) => {
        const ls = singularValues(w);
        for (let i = 0; i < Math.min(ls.length, MAX_SERIES); i++) this.put(`layerSigma/${l + 1}/${i}`, ls[i]);
      });
    }
    let drift = 0;
    balanceMatrices(layers).forEach((dl, l) => {
      const { defect, moved } = balanceDistances(dl, this.lambda, this.initialBalance[l]);
      this.put(`balance/${l + 1}`, defect);
      drift = Math.max(drift, moved);
    });
    this.put('balanceDrift', drift);
    this.recordMovement(layers);
    this.recordHessian(layers);
    this.flushIfDue();
  }
}
