// Parameters of the dln-train family: a real deep linear network W_L ⋯ W₁ trained on a target
// matrix, a regression data set or a matrix-completion task (paper 001). The defaults reproduce
// the Saxe two-mode example: T = diag(3, 1), L = 2, balanced task-aligned init with a(0) = 0.01,
// gradient flow.
import { z } from 'zod';
import { crossFieldRules } from '../../family';
import { fromRows } from '../../numeric/matrix';
import { singularValues } from '../../numeric/svd';
import { lambdaModeValues } from './balanced-init';

/** Most GD/SGD steps one run may take (metrics are thinned, the steps are not). */
export const MAX_STEPS = 10_000_000;
/** Widths past 512 record only W_eff's top singular values (observables.ts); layers of 2048² doubles are 32 MB each. */
const MAX_WIDTH = 2048;
/** saddleIndex: the dense Hessian has (Σ n_l n_{l−1})² entries, kept so its Jacobi sweeps take well under a second. */
export const MAX_SADDLE_PARAMETERS = 160;
/** saddleIndex enumerates the 2^k − 1 proper subsets of at most this many modes. */
export const MAX_SADDLE_MODES = 5;
/** Sensing holds m × n_Ln₀ doubles (32 MB). */
const MAX_SENSING_ENTRIES = 4_000_000;

export const dlnTrainParams = z
  .object({
    depth: z.number().int().min(1).max(16).default(2).describe('Depth L (number of weight matrices W₁ … W_L, dimensionless), 1 to 16.'),
    dim: z
      .number()
      .int()
      .min(1)
      .max(MAX_WIDTH)
      .optional()
      .describe('Input and output width n₀ = n_L (units). Default: the number of target singular values. Ignored when widths is given.'),
    hiddenWidth: z
      .number()
      .int()
      .min(1)
      .max(MAX_WIDTH)
      .optional()
      .describe('Width of every hidden layer n₁ … n_{L−1} (units); a value below dim is a bottleneck. Default: dim. Ignored when widths is given.'),
    widths: z
      .array(z.number().int().positive('widths must be positive').max(MAX_WIDTH))
      .min(2)
      .max(17)
      .optional()
      .describe('All widths n₀ … n_L (units), depth + 1 positive integers; overrides dim and hiddenWidth.'),
    task: z
      .enum(['target', 'regression', 'completion', 'sensing'])
      .default('target')
      .describe(
        '"target": loss ½‖W_eff − T‖²_F; "regression": (1/2n)Σ‖y − W_eff x‖² on data from the teacher T; "completion": ½Σ_Ω (W_eff − T)²_ij over ' +
          'observed entries (paper 001 §8); "sensing": (1/2m)Σ_i (⟨A_i, W_eff⟩ − ⟨A_i, T⟩)² over m Gaussian measurement matrices A_i (its mean over A is the target loss).',
      ),
    measurements: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .default(100)
      .describe('Sensing only: number m of Gaussian measurements ⟨A_i, T⟩ (count); below n_L·n₀ the fit is not unique and the init picks it (implicit bias).'),
    targetSingularValues: z
      .array(z.number().positive().max(1000))
      .min(1)
      .max(MAX_WIDTH)
      .default([3, 1])
      .describe('Singular values s₁ ≥ s₂ ≥ … of the target / teacher T (units of W_eff); at most min(n₀, n_L) values, sorted descending by the run.'),
    targetMatrix: z
      .array(z.array(z.number().finite('targetMatrix entries must be finite numbers').min(-1e6).max(1e6)).min(1).max(MAX_WIDTH))
      .min(1)
      .max(MAX_WIDTH)
      .optional()
      .describe(
        'An explicit target / teacher T as a list of rows (n_L rows of n₀ entries, units of W_eff), e.g. the hierarchical item–feature matrix of ' +
          'examples/dln-train-hierarchy.json. Overrides targetSingularValues and singularVectors; sets n₀ and n_L (widths must agree).',
      ),
    singularVectors: z
      .enum(['identity', 'random'])
      .default('identity')
      .describe('Singular vectors of T: the standard basis (T diagonal) or Haar-random orthogonal (seeded).'),
    samples: z.number().int().min(1).max(100_000).default(200).describe('Regression only: number of samples n (count).'),
    inputs: z
      .array(z.array(z.number().finite('inputs entries must be finite numbers')).min(1).max(MAX_WIDTH))
      .min(1)
      .max(100_000)
      .optional()
      .describe(
        'Regression only: a user data set, the design matrix X as a list of rows (one sample x of n₀ entries per row). Needs outputs; replaces the ' +
          'sampled data (samples, inputSpectrum, whiten, noise and the teacher are then not used) and sets n₀.',
      ),
    outputs: z
      .array(z.array(z.number().finite('outputs entries must be finite numbers')).min(1).max(MAX_WIDTH))
      .min(1)
      .max(100_000)
      .optional()
      .describe('Regression only: the labels Y of inputs, one row y of n_L entries per sample; sets n_L. W* = Σyx Σxx⁺ is the least-squares (minimum-norm) fit.'),
    heldOut: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(0)
      .describe(
        'Regression and sensing: held-out samples for the test loss (series testLoss): drawn afresh from the same distribution (sampled data; sensing: ' +
          'fresh Gaussian measurements), or the last heldOut rows of inputs / outputs, which are then left out of training. 0: no test loss.',
      ),
    inputSpectrum: z
      .array(z.number().positive().max(1e6))
      .optional()
      .describe('Regression only: eigenvalues of the population input covariance Σxx, one per input (n₀ values). Default: all 1.'),
    whiten: z
      .boolean()
      .default(true)
      .describe('Regression only: transform the sampled inputs so the empirical Σxx = I exactly (needs samples ≥ n₀); false keeps the raw covariance.'),
    noise: z.number().min(0).max(100).default(0).describe('Regression only: standard deviation of the Gaussian label noise (units of y).'),
    observedFraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.5)
      .describe('Completion only: probability that an entry of T is observed (seeded mask, dimensionless).'),
    init: z
      .enum(['aligned', 'lambda-balanced', 'small-random', 'orthogonal', 'identity', 'file'])
      .default('aligned')
      .describe(
        '"aligned": balanced and task-aligned (Saxe), every target mode starts at a(0) = ε^L; "lambda-balanced": ' +
          'W_{l+1}ᵀW_{l+1} − W_lW_lᵀ = λI at every hidden layer (any λ sign; rectangular widths where such layers exist); "small-random": ' +
          'i.i.d. N(0, ε²) entries (saddle-to-saddle); "orthogonal": ε times a random orthogonal matrix per layer; "identity": ε times the ' +
          '(rectangular) identity per layer; "file": the layers of initFile.',
      ),
    initAlignment: z
      .enum(['task', 'random'])
      .default('task')
      .describe(
        'aligned / lambda-balanced only: the input and output singular vectors of the layers are T’s ("task", decoupled modes, exact theory) or ' +
          'Haar-random (seeded, "random"): the unaligned inits whose modes interact.',
      ),
    initFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'init "file" only: path of a JSON file {"layers": [W₁, …, W_L]}, each layer a list of rows (W_l is n_l × n_{l−1}); the shapes must match ' +
          'the widths. A relative path is read from the working directory of the app or CLI. The checkpoint/ series export this format (docs/dln-train.md).',
      ),
    initScale: z
      .number()
      .gt(0)
      .max(10)
      .default(0.1)
      .describe('Initialization scale ε (dimensionless): per-layer singular value for aligned / λ-balanced (a(0) = ε^L), orthogonal and identity; entry standard deviation for small-random.'),
    lambda: z
      .number()
      .min(-1000)
      .max(1000)
      .default(0)
      .describe('Balance offset λ of the λ-balanced init (units of W²): 0 is rich, large |λ| is lazy; λ < 0 makes the first layers the larger ones. Only read by init "lambda-balanced".'),
    optimizer: z
      .enum(['flow', 'gd', 'sgd', 'momentum', 'adam'])
      .default('flow')
      .describe(
        '"flow": gradient flow integrated by DOP853 to rtol; "gd": full-batch gradient descent; "sgd": minibatch SGD (regression: samples, completion: ' +
          'observed entries); "momentum": full-batch heavy ball v ← βv + ∇, W ← W − ηv; "adam": full-batch Adam (bias-corrected, Kingma & Ba 2015).',
      ),
    learningRate: z.number().gt(0, 'learningRate must be positive').max(100).default(0.01).describe('Step size η of gd / sgd / momentum / adam (time per step, so t = η · step).'),
    momentum: z.number().min(0).lt(1).default(0.9).describe('momentum only: heavy-ball coefficient β ∈ [0, 1) (dimensionless); 0 is plain GD.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('adam only: first-moment decay β₁ (dimensionless).'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('adam only: second-moment decay β₂ (dimensionless).'),
    epsilon: z.number().min(0).max(1).default(1e-8).describe('adam only: ε in m̂/(√v̂ + ε) (units of the gradient); β₁ = β₂ = ε = 0 is sign descent.'),
    batchSize: z.number().int().min(1).max(100_000).default(16).describe('SGD only: samples (regression), observed entries (completion) or measurements (sensing) per step (count).'),
    horizon: z.number().gt(0).max(1e9).default(6).describe('Training time t (gradient-flow time units); gd / sgd take horizon / η steps.'),
    rtol: z.number().min(1e-13).max(1e-3).default(1e-10).describe('Flow only: relative tolerance of the DOP853 integration of the layer ODEs (dimensionless).'),
    device: z
      .enum(['auto', 'cpu', 'gpu'])
      .default('auto')
      .describe(
        'gd / sgd: where the training steps run. "cpu": float64; "gpu": WebGPU float32 (fails without an adapter); "auto": a hardware GPU when the widest layer ' +
          'is at least 128 units and one exists, else the CPU. Metrics are computed in float64 on the CPU either way. The flow always runs on the CPU.',
      ),
    recordEvery: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        'gd / sgd: record metrics every k steps, plus log-spaced points (20 per decade up to width 64), each with the step after it (so a period-2 orbit keeps ' +
          'both branches). Default: about 300 such steps (600 records) per run up to width 64, fewer for wider nets (each record costs an SVD).',
      ),
    hessianTopK: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(0)
      .describe(
        'Top-k eigenvalues of the loss Hessian in all layer parameters (exact Hessian-vector products, Lanczos with full reorthogonalisation), ' +
          'recorded as hessianTop/<i> every hessianEvery records and at the end (summary finalHessianTop). 0: off.',
      ),
    hessianTraceProbes: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(0)
      .describe('Rademacher probes of Hutchinson’s estimator of the Hessian trace (series hessianTrace, summary finalHessianTrace). 0: off.'),
    hessianEvery: z.number().int().min(1).max(1_000_000).default(10).describe('Measure the Hessian at every k-th record (records, count).'),
    saddleIndex: z
      .boolean()
      .default(false)
      .describe(
        'Target task, no bottleneck: also measure every saddle of the loss (paper 001 §2.2–2.3), the balanced representative of each proper subset S ' +
          'of T’s modes, with its loss, gradient norm and Hessian index (negative eigenvalues of the exact dense Hessian). At most ' +
          `${MAX_SADDLE_MODES} target values and ${MAX_SADDLE_PARAMETERS} parameters.`,
      ),
    checkpoints: z
      .array(z.number().min(0))
      .max(100)
      .optional()
      .describe(
        'Times t (≤ horizon) at which every layer is exported: series checkpoint/<k>/<l> holds W_l at the k-th time (0-based), x = row-major entry ' +
          'index i·n_{l−1} + j, y = W_l[i][j]; gd / sgd use the step nearest to t. The summary lists the times taken (checkpointTimes).',
      ),
  })
  .superRefine((p, ctx) => {
    if (p.targetMatrix && p.targetMatrix.some((row) => row.length !== p.targetMatrix?.[0].length)) {
      ctx.addIssue({ code: 'custom', path: ['targetMatrix'], message: 'every row of targetMatrix needs the same number of entries' });
      return;
    }
    if (p.widths && p.widths.length !== p.depth + 1) {
      ctx.addIssue({ code: 'custom', path: ['widths'], message: `needs depth + 1 = ${p.depth + 1} widths n₀ … n_L, got ${p.widths.length}` });
      return;
    }
    const w = layerWidths(p);
    const k = p.targetSingularValues.length;
    if (p.targetMatrix) {
      const rows = p.targetMatrix.length, cols = p.targetMatrix[0].length;
      if (w[0] !== cols || w[p.depth] !== rows) {
        ctx.addIssue({ code: 'custom', path: ['widths'], message: `targetMatrix is ${rows}×${cols}: needs n₀ = ${cols} and n_L = ${rows}, got ${w[0]} and ${w[p.depth]}` });
      }
    } else if (!p.inputs && k > Math.min(w[0], w[p.depth])) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetSingularValues'],
        message: `T is ${w[p.depth]}×${w[0]}: at most ${Math.min(w[0], w[p.depth])} singular values, got ${k}`,
      });
    }
    if ((p.inputs || p.outputs) && p.task !== 'regression') {
      ctx.addIssue({ code: 'custom', path: [p.inputs ? 'inputs' : 'outputs'], message: 'a data set (inputs / outputs) needs task "regression"' });
    }
    if (p.inputs || p.outputs) {
      const [xs, ys] = [p.inputs ?? [], p.outputs ?? []];
      if (!p.inputs || !p.outputs) ctx.addIssue({ code: 'custom', path: [p.inputs ? 'outputs' : 'inputs'], message: 'inputs and outputs come together, one row per sample each' });
      else if (xs.length !== ys.length) ctx.addIssue({ code: 'custom', path: ['outputs'], message: `${ys.length} rows of outputs for ${xs.length} rows of inputs` });
      else if (xs.some((r) => r.length !== w[0])) ctx.addIssue({ code: 'custom', path: ['inputs'], message: `every row of inputs needs n₀ = ${w[0]} entries` });
      else if (ys.some((r) => r.length !== w[p.depth])) ctx.addIssue({ code: 'custom', path: ['outputs'], message: `every row of outputs needs n_L = ${w[p.depth]} entries` });
      else if (p.heldOut >= xs.length) ctx.addIssue({ code: 'custom', path: ['heldOut'], message: `holding out ${p.heldOut} of ${xs.length} samples leaves none to train on` });
    }
    if (p.task === 'regression' && !p.inputs) {
      if (p.inputSpectrum && p.inputSpectrum.length !== w[0]) {
        ctx.addIssue({ code: 'custom', path: ['inputSpectrum'], message: `needs one eigenvalue per input: n₀ = ${w[0]}, got ${p.inputSpectrum.length}` });
      }
      if (p.whiten && p.samples < w[0]) {
        ctx.addIssue({ code: 'custom', path: ['samples'], message: `whitening needs samples ≥ n₀ = ${w[0]}, got ${p.samples}` });
      }
    }
    const trainingSamples = p.inputs ? p.inputs.length - p.heldOut : p.samples;
    if (p.task === 'regression' && p.optimizer === 'sgd' && p.batchSize > trainingSamples) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `batch of ${p.batchSize} exceeds the ${trainingSamples} training samples` });
    }
    if (p.task === 'sensing') {
      if (w[0] * w[p.depth] * (p.measurements + p.heldOut) > MAX_SENSING_ENTRIES) {
        ctx.addIssue({ code: 'custom', path: ['measurements'], message: `${p.measurements} + ${p.heldOut} held-out measurements of a ${w[p.depth]}×${w[0]} matrix exceed ${MAX_SENSING_ENTRIES} stored entries` });
      }
      if (p.optimizer === 'sgd' && p.batchSize > p.measurements) {
        ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `batch of ${p.batchSize} exceeds the ${p.measurements} measurements` });
      }
    }
    if (p.optimizer === 'sgd' && p.task === 'target') {
      ctx.addIssue({ code: 'custom', path: ['optimizer'], message: 'sgd needs samples to draw: use task "regression", "completion" or "sensing"' });
    }
    if (p.device === 'gpu' && p.optimizer === 'flow') {
      ctx.addIssue({ code: 'custom', path: ['device'], message: 'the gradient flow runs in float64 on the CPU: use optimizer "gd" or "sgd" on the GPU, or device "auto" / "cpu"' });
    }
    if (p.init === 'lambda-balanced') {
      try {
        lambdaModeValues(w, p.lambda, () => 0);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['init'], message: (error as Error).message });
      }
    }
    if (p.saddleIndex) {
      const k = sortedTargets(p).length, parameters = w.slice(1).reduce((n, width, l) => n + width * w[l], 0);
      const problem =
        p.task !== 'target' ? 'needs task "target"'
        : p.depth < 2 ? 'needs depth ≥ 2 (a depth-1 loss has no saddles)'
        : Math.min(...w.slice(1, -1)) < k ? `needs every hidden width ≥ the ${k} target values (no bottleneck)`
        : k > MAX_SADDLE_MODES ? `enumerates 2^k − 1 saddles: at most ${MAX_SADDLE_MODES} target values, got ${k}`
        : parameters > MAX_SADDLE_PARAMETERS ? `builds the dense Hessian: at most ${MAX_SADDLE_PARAMETERS} parameters, got ${parameters}`
        : null;
      if (problem) ctx.addIssue({ code: 'custom', path: ['saddleIndex'], message: problem });
    }
    if (p.init === 'file' && p.initFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['initFile'], message: 'init "file" needs initFile, the path of a JSON file of layer matrices' });
    }
    p.checkpoints?.forEach((t, i) => {
      if (t > p.horizon) ctx.addIssue({ code: 'custom', path: ['checkpoints', i], message: `checkpoint t = ${t} is past the horizon ${p.horizon}` });
    });
    if (p.optimizer !== 'flow' && p.horizon / p.learningRate > MAX_STEPS) {
      ctx.addIssue({
        code: 'custom',
        path: ['learningRate'],
        message: `horizon / η = ${(p.horizon / p.learningRate).toExponential(2)} steps exceeds ${MAX_STEPS.toExponential(0)}: raise η or shorten the horizon`,
      });
    }
  }, crossFieldRules);

export type DlnTrainParams = z.output<typeof dlnTrainParams>;
type WidthFields = Pick<DlnTrainParams, 'depth' | 'dim' | 'hiddenWidth' | 'widths' | 'targetSingularValues' | 'targetMatrix' | 'inputs' | 'outputs'>;

/** n₀ … n_L; a target matrix or a data set sets n₀ and n_L, and the hidden width defaults to min(n₀, n_L). */
export function layerWidths(p: WidthFields): number[] {
  if (p.widths) return p.widths;
  const dim = p.dim ?? p.targetSingularValues.length;
  const [first, last] = p.targetMatrix
    ? [p.targetMatrix[0].length, p.targetMatrix.length]
    : [p.inputs?.[0].length ?? dim, p.outputs?.[0].length ?? dim];
  const hidden = p.hiddenWidth ?? Math.min(first, last);
  return Array.from({ length: p.depth + 1 }, (_, l) => (l === 0 ? first : l === p.depth ? last : hidden));
}

const matrixSpectra = new WeakMap<number[][], number[]>();

/**
 * Target singular values, descending: targetSingularValues, or the nonzero singular values of
 * targetMatrix (those above 1e-12 of the largest), computed once per matrix.
 */
export function sortedTargets(p: Pick<DlnTrainParams, 'targetSingularValues' | 'targetMatrix'>): number[] {
  const m = p.targetMatrix;
  if (!m) return [...p.targetSingularValues].sort((a, b) => b - a);
  let spectrum = matrixSpectra.get(m);
  if (!spectrum) {
    const s = Array.from(singularValues(fromRows(m)));
    spectrum = s.filter((x) => x > 1e-12 * s[0]);
    matrixSpectra.set(m, spectrum);
  }
  return [...spectrum];
}

/** GD / SGD steps; the flow takes adaptive steps instead. */
export function stepCount(p: Pick<DlnTrainParams, 'horizon' | 'learningRate'>): number {
  return Math.max(1, Math.round(p.horizon / p.learningRate));
}
