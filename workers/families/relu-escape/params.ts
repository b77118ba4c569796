// Parameters of the relu-escape family (paper 004). The defaults reproduce Example 1 (the circle,
// N = 8, alternating G, depth 3); `experiment: "mnist"` switches to the small-initialization
// training of §3.3 / App. B. The generated form reads descriptions, bounds and defaults from here.
import { z } from 'zod';
import { crossFieldRules } from '../../family';

const row = z.array(z.number().min(-1e6).max(1e6));

export const reluEscapeParams = z
  .object({
    experiment: z
      .enum(['escape', 'init-flow', 'mnist'])
      .default('escape')
      .describe(
        '"escape": escape directions at the origin by projected gradient descent on the sphere ‖θ‖² = L (§2–4); "init-flow": gradient flow from a ' +
          'small random start α·θ̂₀ (§2.1: the direction in q-time does not depend on α; §5: weak balancedness); "mnist": small-initialization ' +
          'training on MNIST digits (§3.3, App. B).',
      ),
    dataset: z
      .enum(['circle', 'gaussian', 'rank-one', 'custom'])
      .default('circle')
      .describe(
        'Escape data X: "circle" = N points x_j = (sin 2πj/N, cos 2πj/N) (Example 1); "gaussian" = i.i.d. N(0, 1) inputs (seeded); ' +
          '"rank-one" = X = uvᵀ + E with u, v ≥ 0 (|N(0, 1)| entries, seeded) and ‖E‖_F = `noise`·‖uvᵀ‖_F, near rank one as in Prop. 3.3 ' +
          '(with "mse" its targets are wvᵀ, w ≥ 0, so G is aligned with v and Theorem 3.1 is not vacuous); "custom" = the points in `inputs`.',
      ),
    noise: z
      .number()
      .min(0)
      .max(10)
      .default(0.02)
      .describe('"rank-one" data: the size of the full-rank part E relative to ‖uvᵀ‖_F (Prop. 3.3’s ε = noise·‖uvᵀ‖_F).'),
    points: z.number().int().min(2).max(2000).default(8).describe('Number of data points N (circle, gaussian).'),
    inputDim: z.number().int().min(1).max(1000).default(4).describe('Input dimension d_in of the gaussian data set.'),
    outputDim: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('Output dimension d_out for "mse" targets on gaussian data, and the number of classes for "cross-entropy".'),
    gradient: z
      .enum(['alternating', 'mse', 'cross-entropy', 'direct'])
      .default('alternating')
      .describe(
        'Loss gradient at the origin G = ∇C(0): "alternating" G_j = (−1)^j (Example 1, d_out = 1); "mse" C = (1/N)‖Y − Y*‖², G = −(2/N)Y* ' +
          '(targets: `targets`, (−1)^j on the circle, N(0, 1) on gaussian data); "cross-entropy" G = (1/K − onehot)/N (labels: `labels`, ' +
          'j mod K on the circle, random on gaussian data); "direct" G = `gradientMatrix`.',
      ),
    inputs: z.array(row).min(1).max(2000).nullable().default(null).describe('Custom data: one row of d_in numbers per point (N rows).'),
    targets: z.array(row).nullable().default(null).describe('Custom "mse" targets: one row of d_out numbers per point.'),
    labels: z.array(z.number().int().min(0).max(99)).nullable().default(null).describe('Custom "cross-entropy" labels: one class index (0 … K−1) per point.'),
    gradientMatrix: z.array(row).nullable().default(null).describe('"direct" gradient: one row of d_out numbers G_{·j} per point.'),
    depth: z.number().int().min(1).max(16).default(3).describe('Depth L (number of weight matrices).'),
    hiddenWidth: z.number().int().min(1).max(2000).default(16).describe('Width of every hidden layer n_1 … n_{L−1} (unless `widths` is given).'),
    widths: z
      .array(z.number().int().min(1).max(2000))
      .max(15)
      .nullable()
      .default(null)
      .describe('Hidden widths n_1 … n_{L−1}, one per hidden layer (L − 1 values); overrides hiddenWidth.'),
    restarts: z.number().int().min(1).max(1000).default(24).describe('Random restarts of projected gradient descent (escape).'),
    steps: z.number().int().min(10).max(1_000_000).default(4000).describe('Projected gradient descent steps per restart.'),
    stepSize: z
      .number()
      .positive()
      .max(1)
      .default(0.1)
      .describe('Initial step η₀ of projected gradient descent, as an angle (radians): each step moves θ by η_k√L along the projected gradient.'),
    stepDecay: z
      .number()
      .positive()
      .max(1e7)
      .default(50)
      .describe('Decay time τ (steps) of the step η_k = η₀/(1 + k/τ): the optima sit on ReLU kinks, so a constant step would chatter around them.'),
    flowLoss: z
      .enum(['localized', 'actual'])
      .default('localized')
      .describe(
        'Gradient flow started on the best escape direction (Prop. 2.2), or from α·θ̂₀ (init-flow): on the localized loss L₀ (exact closed form) ' +
          'or on the actual cost C(Y_θ) (follows it until the escape).',
      ),
    initScale: z
      .number()
      .min(1e-12)
      .max(10)
      .default(1e-3)
      .describe('init-flow: the scale α of the start α·θ̂₀, θ̂₀ a seeded Gaussian direction with ‖θ̂₀‖ = 1.'),
    flowQ: z
      .number()
      .positive()
      .max(1e4)
      .default(40)
      .describe('init-flow: how long the flow runs in the time q of §2.1, dq = ‖θ‖^{L−2} dt (the same q for every α).'),
    flowInitNorm: z.number().min(1e-8).max(1).default(1e-2).describe('‖θ(0)‖ of the flow: a small multiple of the found direction.'),
    flowGrowth: z.number().min(1.5).max(1e6).default(100).describe('The flow runs until the closed-form norm has grown by this factor.'),
    flowSteps: z
      .number()
      .int()
      .min(100)
      .max(1_000_000)
      .default(4000)
      .describe('RK4 steps of the flow: spaced uniformly in log ‖θ‖ of the closed form (escape), uniformly in q (init-flow).'),
    samples: z.number().int().min(20).max(8630).default(1000).describe('MNIST: training digits (class-balanced, from the `mnist` package, which ships at least 863 per class; the paper uses all 60 000).'),
    batchSize: z.number().int().min(1).max(1024).default(32).describe('MNIST: minibatch size (paper: 32).'),
    epochs: z.number().int().min(1).max(10_000).default(40).describe('MNIST: passes over the training digits (paper: 1000 on the full set).'),
    lrConstant: z
      .number()
      .positive()
      .max(1e7)
      .default(1e4)
      .describe(
        'MNIST: c of the norm-adaptive learning rate lr(t) = c/‖θ(t)‖^k. The paper uses 10 over ~1.9 million steps; with k = L − 2 (the paper’s depth 6, k = 4) the ' +
          'plateau lasts ∝ 1/c steps whatever the initial scale, so the default 10⁴ puts the first escape within a desktop-sized run.',
      ),
    lrPower: z.number().min(0).max(8).default(4).describe('MNIST: k of lr(t) = c/‖θ(t)‖^k (paper: 4).'),
    maxRelativeStep: z
      .number()
      .positive()
      .max(1e6)
      .default(0.05)
      .describe('MNIST: cap ρ on the step, lr ≤ ρ‖θ‖/‖∇L‖ (not in the paper; it binds only at an escape, where c/‖θ‖^k would multiply the norm in one step). 1e6 = off.'),
    initStd: z.number().positive().max(1).default(1e-3).describe('MNIST: standard deviation of the Gaussian initial weights (paper: 1/1000).'),
    topSingular: z.number().int().min(1).max(50).default(10).describe('MNIST: singular values recorded per layer (paper: top 10).'),
    records: z
      .number()
      .int()
      .min(20)
      .max(5000)
      .default(200)
      .describe(
        'MNIST: loss points recorded (every ⌈total steps / records⌉ steps, the mean minibatch loss since the previous one); the weight metrics are ' +
          'also recorded at the step after each, so a period-2 orbit keeps both branches (up to 2 · records points).',
      ),
    device: z
      .enum(['auto', 'cpu', 'gpu'])
      .default('auto')
      .describe(
        'MNIST: where the training steps run. "cpu": float64; "gpu": WebGPU float32 (fails without an adapter); "auto": a hardware GPU when the widest layer is at ' +
          'least 128 units and one exists, else the CPU. The escape experiment always runs on the CPU.',
      ),
  })
  .superRefine((p, ctx) => {
    const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
    if (p.widths && p.widths.length !== p.depth - 1) issue('widths', `needs one width per hidden layer: depth ${p.depth} has ${p.depth - 1}, got ${p.widths.length}`);
    if (p.experiment === 'mnist') {
      if (p.depth < 2) issue('depth', 'MNIST training needs at least one hidden layer (depth ≥ 2)');
      if (p.batchSize > p.samples) issue('batchSize', `is larger than the ${p.samples} training samples`);
      return;
    }
    if (p.device === 'gpu') issue('device', 'only the MNIST training runs on a GPU: use device "auto" or "cpu" for the escape experiment');
    if (p.dataset === 'custom') {
      if (!p.inputs) return issue('inputs', 'the custom data set needs its points');
      const d = p.inputs[0].length;
      if (d === 0) return issue('inputs', 'points need at least one coordinate');
      const bad = p.inputs.findIndex((r) => r.length !== d);
      if (bad >= 0) return issue('inputs', `point ${bad} has ${p.inputs[bad].length} coordinates, point 0 has ${d}`);
    }
    const n = pointCount(p);
    if (p.gradient === 'alternating' && (p.dataset === 'gaussian' || p.dataset === 'rank-one') && p.outputDim !== 1) issue('outputDim', 'alternating gradients have one output (d_out = 1)');
    if (p.gradient === 'cross-entropy' && p.outputDim < 2) issue('outputDim', 'cross-entropy needs at least 2 classes');
    if (p.gradient === 'mse' && p.dataset === 'custom') checkRows(p.targets, 'targets', n, issue);
    if (p.gradient === 'direct') checkRows(p.gradientMatrix, 'gradientMatrix', n, issue);
    if (p.gradient === 'cross-entropy' && p.dataset === 'custom') {
      if (!p.labels || p.labels.length !== n) issue('labels', `needs one label per point (${n})`);
      else if (p.labels.some((c) => c >= p.outputDim)) issue('labels', `labels must be below the ${p.outputDim} classes (outputDim)`);
    }
  }, crossFieldRules);

function checkRows(rows: number[][] | null, field: string, n: number, issue: (path: string, message: string) => void): void {
  if (!rows) return issue(field, `needs one row per point (${n})`);
  if (rows.length !== n) return issue(field, `has ${rows.length} rows, the data set has ${n} points`);
  const d = rows[0].length;
  if (d === 0) return issue(field, 'rows need at least one entry');
  const bad = rows.findIndex((r) => r.length !== d);
  if (bad >= 0) issue(field, `row ${bad} has ${rows[bad].length} entries, row 0 has ${d}`);
}

export type ReluEscapeParams = z.output<typeof reluEscapeParams>;

export function pointCount(p: ReluEscapeParams): number {
  return p.dataset === 'custom' && p.inputs ? p.inputs.length : p.points;
}

/** Hidden widths n_1 … n_{L−1}. */
export function hiddenWidths(p: ReluEscapeParams): number[] {
  return p.widths ?? Array.from({ length: p.depth - 1 }, () => p.hiddenWidth);
}

/** Example 1 exactly: the circle with N = 8 and alternating gradients, where √2 − 1 and ½ apply. */
export function isCircleExample(p: ReluEscapeParams): boolean {
  return p.experiment === 'escape' && p.dataset === 'circle' && p.points === 8 && p.gradient === 'alternating';
}
