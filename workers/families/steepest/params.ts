// Parameters of the steepest family (paper 003). Defaults reproduce Fig. 1: regression with
// n = 100 features, k = 300 samples, a 5-sparse ground truth, depth L = 3, sign descent (q = 1),
// η = 1e−4 for 10⁶ steps from the saddle-adjacent initialization w₁ = 0, wᵢ = λ = 0.1 (App. I).
import { z } from 'zod';
import { crossFieldRules } from '../../family';

/** Largest design matrix held in memory (k·n doubles, 32 MB). */
const MAX_DESIGN_ENTRIES = 4_000_000;

export const steepestParams = z
  .object({
    task: z
      .enum(['regression', 'classification', 'scalar-flow'])
      .default('regression')
      .describe(
        'regression: mean squared error ‖Zx − y‖²/(2k) with Gaussian design; classification: exponential loss (1/k)Σ exp(−yⱼ⟨zⱼ, x⟩) on labels yⱼ = sign⟨zⱼ, x*⟩; ' +
          'scalar-flow: Fig. 2(b), the scalar ODE dx/dt = x^m from x₀ for each exponent m (no network).',
      ),
    features: z.number().int().min(1).max(2000).default(100).describe('Number of features n (dimension of x and of every layer wᵢ).'),
    samples: z.number().int().min(1).max(20_000).default(300).describe('Number of samples k; rows zⱼ of Z have i.i.d. N(0, 1) entries.'),
    support: z
      .number()
      .int()
      .min(0)
      .max(2000)
      .default(5)
      .describe('Sparsity s of the ground truth x* = (1, …, 1, 0, …, 0): its first s entries are 1 (paper: 5 for regression, 2 for classification).'),
    groundTruth: z
      .array(z.number().min(-1e6).max(1e6))
      .optional()
      .describe('Explicit ground truth x* (one value per feature); when given, support is ignored.'),
    depth: z.number().int().min(1).max(16).default(3).describe('Depth L of the diagonal reparameterization x = w₁ ⊙ ⋯ ⊙ w_L (L = 1: plain linear model).'),
    optimizer: z
      .enum(['steepest', 'sign', 'adam'])
      .default('steepest')
      .describe(
        'steepest: w ← w − η sign(g)|g|^{q−1} (q = 2 is GD, q = 1 sign descent); sign: SignGD, Algorithm 2 (q is taken as 1); adam: Adam/AdamW, Algorithm 1.',
      ),
    q: z
      .number()
      .min(1)
      .max(2)
      .default(1)
      .describe('Dual exponent q ∈ [1, 2] of steepest descent with respect to L_p, 1/p + 1/q = 1: q = 2 gradient descent, q = 1 sign descent.'),
    learningRate: z.number().positive().max(10).default(1e-4).describe('Learning rate η (step size per update).'),
    steps: z.number().int().min(1).max(20_000_000).default(1_000_000).describe('Number of updates (paper: 10⁶ for regression, 10⁴ for classification).'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Mini-batch size (samples drawn without replacement, reshuffled each epoch); absent: full batch. With mini-batches the escape step is detected at the recorded steps only.'),
    coupledDecay: z.number().min(0).max(10).default(0).describe('Coupled weight decay α₁: added to the gradient, g ← ∇f + α₁w (Algorithms 1–2).'),
    decoupledDecay: z.number().min(0).max(10).default(0).describe('Decoupled weight decay α₂: w ← w − η·update − ηα₂w (AdamW, Algorithms 1–2).'),
    beta1: z.number().min(0).max(0.9999).default(0.9).describe('Adam first-moment decay β₁ (Algorithm 1).'),
    beta2: z.number().min(0).max(0.999999).default(0.999).describe('Adam second-moment decay β₂ (Algorithm 1).'),
    epsilon: z.number().min(0).max(1).default(1e-8).describe('Adam ε in m̂/(√v̂ + ε); ε = 0 and β₁ = β₂ = 0 give SignGD (App. A).'),
    init: z
      .enum(['saddle', 'balanced', 'random', 'two-zero'])
      .default('saddle')
      .describe(
        'saddle: w₁ = 0, wᵢ = λ for i ≥ 2 (Cor. 4.10, λ^q-L_p-balanced, next to the saddle set S); balanced: |w₁| = λ, |wᵢ|^q − |w₁|^q = c (Def. 4.6); ' +
          'random: wᵢ entries λ·N(0, 1); two-zero: w₁ = w₂ = 0, wᵢ = λ for i ≥ 3, a point of the saddle set S itself (Thm 4.3; needs depth ≥ 2).',
      ),
    initScale: z.number().min(0).max(10).default(0.1).describe('Initialization scale λ (paper: 0.1).'),
    balanceConstant: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe('Balance constant c of the λ-L_p-balanced initialization, |wᵢ|^q − |w₁|^q = c for i ≥ 2 (init = balanced only).'),
    escapeFraction: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe('The saddle counts as escaped at the first step whose loss is at most this fraction of the initial loss.'),
    recordPoints: z
      .number()
      .int()
      .min(10)
      .max(5000)
      .default(300)
      .describe('Metrics are stored at this many log-spaced steps plus every ⌈steps/recordPoints⌉ steps, each with the step after it (so a period-2 orbit keeps both branches): about 4 · recordPoints records at most.'),
    hessianTopK: z
      .number()
      .int()
      .min(0)
      .max(20)
      .default(0)
      .describe(
        'Top-k eigenvalues of the Hessian of f in the layer weights (exact Hessian-vector products, Lanczos; weight decay not included), recorded as ' +
          'hessianTop/<i> every hessianEvery records and at the end (summary finalHessianTop). 0: off.',
      ),
    hessianTraceProbes: z.number().int().min(0).max(1000).default(0).describe('Rademacher probes of Hutchinson’s estimate of the Hessian trace (series hessianTrace). 0: off.'),
    hessianEvery: z.number().int().min(1).max(1_000_000).default(10).describe('Measure the Hessian at every k-th recorded step (count).'),
    scalarExponents: z
      .array(z.number().min(0).max(4))
      .min(1)
      .max(16)
      .default([0.5, 1, 1.5, 2])
      .describe('scalar-flow: metric exponents m of dx/dt = x^m (Fig. 2(b)); m = q(L−1)/L.'),
    scalarInitial: z.number().positive().max(1).default(0.1).describe('scalar-flow: initial value x₀ (paper: 0.1).'),
    scalarHorizon: z.number().positive().max(1e6).default(12).describe('scalar-flow: end time; curves with m > 1 stop at their blow-up time.'),
  })
  .superRefine((p, ctx) => {
    if (p.task === 'scalar-flow') return;
    if (p.groundTruth && p.groundTruth.length !== p.features) {
      ctx.addIssue({
        code: 'custom',
        path: ['groundTruth'],
        message: `needs one value per feature: ${p.features} features, ${p.groundTruth.length} values`,
      });
    }
    if (!p.groundTruth && p.support > p.features) {
      ctx.addIssue({ code: 'custom', path: ['support'], message: `support ${p.support} exceeds the number of features ${p.features}` });
    }
    if (p.init === 'two-zero' && p.depth < 2) {
      ctx.addIssue({ code: 'custom', path: ['init'], message: 'two-zero needs depth ≥ 2 (two factors that vanish)' });
    }
    if (p.batchSize !== undefined && p.batchSize > p.samples) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `batch size ${p.batchSize} exceeds the number of samples ${p.samples}` });
    }
    if (p.features * p.samples > MAX_DESIGN_ENTRIES) {
      ctx.addIssue({
        code: 'custom',
        path: ['samples'],
        message: `design matrix of ${p.samples} × ${p.features} exceeds ${MAX_DESIGN_ENTRIES} entries`,
      });
    }
    if (p.task === 'classification' && groundTruthOf(p).every((v) => v === 0)) {
      ctx.addIssue({ code: 'custom', path: [p.groundTruth ? 'groundTruth' : 'support'], message: 'classification needs a non-zero ground truth to define labels' });
    }
  }, crossFieldRules);

export type SteepestParams = z.output<typeof steepestParams>;

/** x*: the explicit vector, or ones on the first `support` features. */
export function groundTruthOf(p: SteepestParams): Float64Array {
  if (p.groundTruth) return Float64Array.from(p.groundTruth);
  const x = new Float64Array(p.features);
  x.fill(1, 0, Math.min(p.support, p.features));
  return x;
}

/** The q that governs the geometry: SignGD is q = 1, and Adam is read as its sign-descent proxy (App. A). */
export function effectiveQ(p: SteepestParams): number {
  return p.optimizer === 'steepest' ? p.q : 1;
}
