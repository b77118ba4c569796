// Parameters of the multipath family (paper 002). Defaults reproduce the large-step row of Fig. 1
// in the reduced model: two pathways of depth 3, one mode s = 1, a 10% initial asymmetry, and
// η inside the stability window 2/λ_single < η ≤ 2/λ_balanced (eq. 24).
import { z } from 'zod';
import { crossFieldRules } from '../../family';
import type { UpdateRule } from '../../compute/optimizers';
import { parameterCount } from './matrix-net';
import { singlePathSharpness } from './theory';

/** Largest |a| (in units of max s) before a run counts as diverged: GD has left every basin. */
export const DIVERGENCE_FACTOR = 1e6;
/** Tightest stopping tolerance on the GPU (float32): at 1e-6, runs with d = 4 stopped 25–27% later than in float64. */
export const GPU_MIN_TOLERANCE = 1e-5;
/** Weights the matrix models hold at most (the sharpness runs power iteration over all of them). */
const MAX_WEIGHTS = 40_000;

const baseParams = z.object({
  model: z
    .enum(['reduced', 'full', 'mlp'])
    .default('reduced')
    .describe(
      'Which network: "reduced" = one scalar per pathway and mode on the depth-balanced SVS manifold (exact GD recursion, App. E.2); ' +
        '"full" = P pathways of L_p square d × d matrices summed (d = number of targets); "mlp" = Tanh multi-pathway MLP on canonical-basis inputs (Fig. 3).',
    ),
  dynamics: z
    .enum(['gd', 'flow'])
    .default('gd')
    .describe('Reduced model only: "gd" = the exact GD recursion w ← w + η r w^{L−1}; "flow" = its gradient-flow limit (DOP853), drawn against t/η so it overlays GD.'),
  optimizer: z
    .enum(['gd', 'momentum', 'adam'])
    .default('gd')
    .describe(
      'Update rule, as in dln-train: "gd" = plain GD θ ← θ − η∇; "momentum" = heavy ball v ← βv + ∇, θ ← θ − ηv (v₀ = 0; its minima are linearly stable while ' +
        'the sharpness is below 2(1+β)/η instead of 2/η); "adam" = full-batch Adam (bias-corrected, Kingma & Ba 2015), with no simple stability threshold, so the ' +
        'edge-of-stability phases, predictions and analyses of paper 002 do not apply to it. The reduced model runs Adam only as the aligned-basis network.',
    ),
  momentum: z.number().min(0).lt(1).default(0.9).describe('momentum only: heavy-ball coefficient β ∈ [0, 1) (dimensionless); 0 is plain GD, bit for bit.'),
  beta1: z.number().min(0).lt(1).default(0.9).describe('adam only: first-moment decay β₁ (dimensionless).'),
  beta2: z.number().min(0).lt(1).default(0.999).describe('adam only: second-moment decay β₂ (dimensionless).'),
  epsilon: z.number().min(0).max(1).default(1e-8).describe('adam only: ε in m̂/(√v̂ + ε) (units of the gradient).'),
  pathways: z.number().int().min(1).max(16).default(2).describe('Number of parallel pathways P (count).'),
  depth: z.number().int().min(2).max(20).default(3).describe('Depth L of every pathway (layers), unless depths is given.'),
  depths: z
    .array(z.number().int().min(2).max(20))
    .min(1)
    .max(16)
    .optional()
    .describe('Heterogeneous depths L_p, one per pathway (layers); overrides depth (Section 5.3, Fig. 4).'),
  targets: z
    .array(z.number().positive().max(100))
    .min(1)
    .max(16)
    .default([1])
    .describe('Target singular values s_k, one per mode (units of the target matrix). The full and MLP models use d = number of targets.'),
  initScale: z
    .number()
    .positive()
    .max(2)
    .default(0.01)
    .describe('Per-layer initial scale ε of the largest pathway (dimensionless): pathway p starts at w_p = ε (1 − δ p/(P − 1)), so a_p(0) = w_p^{L_p}.'),
  initAsymmetry: z
    .number()
    .min(0)
    .max(0.99)
    .default(0.1)
    .describe('Relative spread δ of the initial scales across pathways (dimensionless): the tiny asymmetry that gradient flow amplifies into winner-takes-all.'),
  initScales: z
    .array(z.number().positive().max(2))
    .min(1)
    .max(16)
    .optional()
    .describe('Explicit per-pathway initial per-layer scales ε_p (dimensionless), one per pathway; overrides initScale and initAsymmetry.'),
  hiddenWidth: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe(
      'Full and MLP models: hidden width h of every pathway (units), which then maps d → h → … → h → d (first layer h × d, middle h × h, last d × h); ' +
        'unset = d, the square model. Must be at least the rank d = number of targets. The diagonal initialization pads the partial identities with zeros.',
    ),
  lambdas: z
    .array(z.number().min(-100).max(100))
    .min(1)
    .max(16)
    .optional()
    .describe(
      'Full model, depth 2, diagonal init: the offset λ_p of each pathway (one per pathway, units of the target), so W₁ᵀW₁ − W₀W₀ᵀ = λ_p I at initialization ' +
        '(the quantity gradient flow conserves). Per mode a_p = w₀w₁ = ε_p² and w₁² − w₀² = λ_p fix the two layers. Unset or all 0 = the balanced initialization.',
    ),
  worstCaseStart: z
    .boolean()
    .default(false)
    .describe('Reduced model, one pathway only: start each mode at the worst overshoot point, the maximizer of the chain map f_h on [0, 1] (Section 6, Fig. 5).'),
  warmupSteps: z
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(0)
    .describe(
      'Reduced model, GD only: linear learning-rate warm-up over this many steps, η_t = η · min(1, (t + 1)/warmupSteps) (count; 0 = none, §6 "a mechanism ' +
        'for warm-up"). With warm-up the run stops only after it and only at a linearly stable point (sharpness ≤ 2/η): during the warm-up GD settles on the ' +
        'winner-takes-all point, which turns unstable once η_t passes 2/λ_single, and the rounding-level residual there takes many steps to grow.',
    ),
  wcrSearch: z
    .boolean()
    .default(false)
    .describe(
      'Reduced model, one pathway (a deep chain): the run also finds the largest step size at which GD returns from every overshoot without crossing zero, ' +
        'by bisection on η over GD runs of the chain from 2000 starts on the positive branch (64 steps each); summary wcrEtaFound (§6, Def. 6.1).',
    ),
  learningRate: z.number().positive().max(100).default(0.75).describe('Step size η of gd / momentum / adam (in loss units⁻¹); the flow runs to t = η · maxSteps.'),
  maxSteps: z.number().int().min(1).max(10_000_000).default(20_000).describe('Most GD steps (count); the flow runs to t = η · maxSteps.'),
  tolerance: z
    .number()
    .min(1e-14)
    .max(0.1)
    .default(1e-8)
    .describe('Convergence: the run stops once every |r_k| ≤ tolerance · s_k (dimensionless).'),
  samples: z
    .number()
    .int()
    .min(20)
    .max(100_000)
    .default(500)
    .describe(
      'Recorded steps per stride level (count): the first `samples` steps are all recorded, then the stride doubles every `samples` chosen steps, each stored ' +
        'with the next step so a period-2 orbit keeps both branches; a run of N steps keeps at most 2 · samples · ⌈log₂(N/samples + 1)⌉ records.',
    ),
  targetBasis: z
    .enum(['aligned', 'random'])
    .default('random')
    .describe('Full and MLP models: singular vectors of T = U diag(s) Vᵀ, the canonical basis ("aligned") or seeded random orthogonal U, V ("random").'),
  init: z
    .enum(['diagonal', 'random'])
    .default('diagonal')
    .describe('Full model: the depth-balanced diagonal SVS initialization (11), or i.i.d. N(0, ε_p²/d) entries (leaves the SVS set). The MLP always starts random.'),
  hessianIterations: z
    .number()
    .int()
    .min(5)
    .max(500)
    .default(40)
    .describe('Full and MLP models: power iterations on Hessian-vector products (central differences of gradients) per sharpness estimate (count).'),
  device: z
    .enum(['auto', 'cpu', 'gpu'])
    .default('auto')
    .describe(
      'Full and MLP models: where the GD steps run. "cpu": float64; "gpu": WebGPU float32 (fails without an adapter; needs tolerance ≥ 1e-5); "auto": a hardware GPU when d is at ' +
        'least 128 and one exists, else the CPU (so always the CPU here, d ≤ 16). The sharpness and projections are computed in float64 on the CPU either way. ' +
        'The reduced model always runs on the CPU.',
    ),
});

export const multipathParams = baseParams.superRefine((p, ctx) => {
  const depths = p.depths ?? [];
  if (p.depths && depths.length !== p.pathways) {
    ctx.addIssue({ code: 'custom', path: ['depths'], message: `needs one depth per pathway: ${p.pathways} pathways, ${depths.length} depths` });
  }
  if (p.initScales && p.initScales.length !== p.pathways) {
    ctx.addIssue({
      code: 'custom',
      path: ['initScales'],
      message: `needs one scale per pathway: ${p.pathways} pathways, ${p.initScales.length} scales`,
    });
  }
  if (p.device === 'gpu' && p.model === 'reduced') {
    ctx.addIssue({ code: 'custom', path: ['device'], message: 'the reduced model is scalar CPU code: use model "full" or "mlp" on the GPU, or device "auto" / "cpu"' });
  }
  if (p.device === 'gpu' && p.tolerance < GPU_MIN_TOLERANCE) {
    // float32 resolves r_k to about 1e-6 s_k: a tighter stopping test waits on rounding noise.
    ctx.addIssue({ code: 'custom', path: ['tolerance'], message: `float32 on the GPU resolves the residuals to about 1e-6 · s_k: use tolerance ≥ ${GPU_MIN_TOLERANCE} on device "gpu", or device "cpu"` });
  }
  if (p.dynamics === 'flow' && p.model !== 'reduced') {
    ctx.addIssue({ code: 'custom', path: ['dynamics'], message: 'the gradient-flow limit exists for the reduced model only' });
  }
  if (p.worstCaseStart && (p.model !== 'reduced' || p.pathways !== 1)) {
    ctx.addIssue({ code: 'custom', path: ['worstCaseStart'], message: 'the worst-overshoot start is defined for the reduced model with one pathway (a deep chain)' });
  }
  if (p.wcrSearch && (p.model !== 'reduced' || p.pathways !== 1)) {
    ctx.addIssue({ code: 'custom', path: ['wcrSearch'], message: 'the return-threshold search runs the deep chain: use the reduced model with one pathway' });
  }
  if (p.warmupSteps > 0 && (p.model !== 'reduced' || p.dynamics !== 'gd' || p.optimizer !== 'gd')) {
    ctx.addIssue({ code: 'custom', path: ['warmupSteps'], message: 'the learning-rate warm-up is implemented for plain GD on the reduced model: use model "reduced", dynamics "gd", optimizer "gd", or warmupSteps 0' });
  }
  if (p.worstCaseStart) {
    const L = p.depths?.[0] ?? p.depth;
    p.targets.forEach((s, k) => {
      // h = η s^{2−2/L} > 1/L ⇔ η λ_single > 1: the overshoot onset (App. F.2).
      if (p.learningRate * singlePathSharpness(L, s) <= 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['learningRate'],
          message: `mode ${k}: no overshoot below h = η s^{2−2/L} = 1/L (η ≤ ${(1 / singlePathSharpness(L, s)).toPrecision(4)}), so there is no worst overshoot to start from`,
        });
      }
    });
  }
  if (p.model !== 'reduced' && parameterCount({ d: p.targets.length, width: p.hiddenWidth, depths: pathwayDepths(p), activation: 'linear' }) > MAX_WEIGHTS) {
    ctx.addIssue({
      code: 'custom',
      path: [p.hiddenWidth === undefined ? 'targets' : 'hiddenWidth'],
      message: `the matrix models keep at most ${MAX_WEIGHTS} weights (Σ_p of the layer sizes): use fewer modes, pathways, layers or a smaller hidden width`,
    });
  }
  checkOptimizer(p, ctx);
  checkShape(p, ctx);
}, crossFieldRules);

type Parsed = z.output<typeof baseParams>;

function checkOptimizer(p: Parsed, ctx: z.RefinementCtx): void {
  if (p.optimizer === 'gd') return;
  if (p.dynamics === 'flow') ctx.addIssue({ code: 'custom', path: ['optimizer'], message: `dynamics "flow" is the gradient-flow limit of GD: use optimizer "gd" with it, or dynamics "gd" for ${p.optimizer}` });
  if (p.worstCaseStart) ctx.addIssue({ code: 'custom', path: ['worstCaseStart'], message: "the worst-overshoot start is a point of GD's chain map: use optimizer \"gd\"" });
  if (p.optimizer === 'adam' && p.model === 'reduced' && p.targetBasis !== 'aligned') {
    // Adam acts entry by entry, so it is not rotation-invariant: one scalar per mode is exact only in the canonical basis.
    ctx.addIssue({
      code: 'custom',
      path: ['optimizer'],
      message: 'Adam is not rotation-invariant: the reduced model is the full network with Adam only in the aligned basis; set targetBasis "aligned" (or use model "full" for a random basis)',
    });
  }
}

function checkShape(p: Parsed, ctx: z.RefinementCtx): void {
  const d = p.targets.length;
  if (p.hiddenWidth !== undefined && p.model === 'reduced') {
    ctx.addIssue({ code: 'custom', path: ['hiddenWidth'], message: 'the reduced model has no hidden units (it is the SVS manifold of any width): use model "full" or "mlp", or leave hiddenWidth unset' });
  }
  if (p.hiddenWidth !== undefined && p.hiddenWidth < d) {
    ctx.addIssue({ code: 'custom', path: ['hiddenWidth'], message: `a hidden width of ${p.hiddenWidth} cannot carry a rank-${d} target (${d} targets): use hiddenWidth ≥ ${d}` });
  }
  if (!p.lambdas) return;
  if (p.lambdas.length !== p.pathways) {
    ctx.addIssue({ code: 'custom', path: ['lambdas'], message: `needs one λ per pathway: ${p.pathways} pathways, ${p.lambdas.length} lambdas` });
  }
  if (p.lambdas.every((l) => l === 0)) return;
  const why = (reason: string): void => ctx.addIssue({ code: 'custom', path: ['lambdas'], message: `λ-offset pathways (non-zero lambdas) need ${reason}` });
  if (p.model !== 'full') why('model "full" (two layers per pathway, one matrix each)');
  if (pathwayDepths(p).some((L) => L !== 2)) why('depth 2 in every pathway: the offset W₁ᵀW₁ − W₀W₀ᵀ = λI is defined between two layers');
  if (p.init !== 'diagonal') why('init "diagonal" (the offset is set on the SVS initialization)');
  if (p.hiddenWidth !== undefined && p.hiddenWidth !== d) {
    why(`hiddenWidth = d = ${d}: a d × h layer with h > d has rank d < h, so W₁ᵀW₁ − W₀W₀ᵀ cannot be λI_h`);
  }
}

export type MultipathParams = z.output<typeof multipathParams>;

/** The optimizer of the matrix models' device loop, from the parameters. */
export function updateRule(p: MultipathParams): UpdateRule {
  if (p.optimizer === 'momentum') return { kind: 'momentum', learningRate: p.learningRate, momentum: p.momentum };
  if (p.optimizer === 'adam') return { kind: 'adam', learningRate: p.learningRate, beta1: p.beta1, beta2: p.beta2, epsilon: p.epsilon };
  return { kind: 'plain', learningRate: p.learningRate };
}

/**
 * Largest sharpness at which a minimum is linearly stable under the update rule: 2/η for GD,
 * 2(1+β)/η for heavy ball (the roots of z² − (1 + β − ηλ)z + β lie in the unit disc iff
 * 0 < ηλ < 2(1+β)); null for Adam, whose preconditioner moves with the gradients (no fixed threshold).
 */
export function stabilityThreshold(p: Pick<MultipathParams, 'optimizer' | 'learningRate' | 'momentum'>): number | null {
  if (p.optimizer === 'adam') return null;
  return (2 * (1 + (p.optimizer === 'momentum' ? p.momentum : 0))) / p.learningRate;
}

/** λ_p per pathway (0 where unset). */
export function pathwayLambdas(p: MultipathParams): number[] {
  return p.lambdas ?? Array.from({ length: p.pathways }, () => 0);
}

export function pathwayDepths(p: Pick<MultipathParams, 'depths' | 'depth' | 'pathways'>): number[] {
  return p.depths ?? Array.from({ length: p.pathways }, () => p.depth);
}

/** ε_p: explicit, or ε (1 − δ p/(P − 1)). */
export function pathwayInitScales(p: MultipathParams): number[] {
  if (p.initScales) return p.initScales;
  return Array.from({ length: p.pathways }, (_, q) => p.initScale * (1 - (p.pathways > 1 ? (p.initAsymmetry * q) / (p.pathways - 1) : 0)));
}
