// Parameters of the mode-flow family. The defaults reproduce Fig. 1 of paper 000; the generated
// form reads descriptions, units, bounds and defaults from z.toJSONSchema of this schema.
import { z } from 'zod';
import { crossFieldRules } from '../../family';
import { barrier } from './barrier';

/**
 * Largest plateau length, in active-basin time constants, that a float64 time axis resolves:
 * beyond ~1e14 the transition is narrower than the step the time resolution allows.
 */
const MAX_PLATEAU_RATIO = 1e12;

export const modeFlowParams = z
  .object({
    depth: z
      .number()
      .int()
      .min(1)
      .max(12)
      .default(3)
      .describe('Depth L (number of layers, dimensionless). L = 1: linear regression; L = 2: logistic (Saxe) escape, log(1/ε); L ≥ 3: polynomial escape, ε^−(L−2).'),
    targets: z
      .array(z.number().positive().max(1000))
      .min(1)
      .max(64)
      .default([1, 0.5, 0.25, 0.1])
      .describe('Target singular values σᵢ* (same units as the target matrix), one per mode: 1 to 64 positive values.'),
    initScale: z
      .number()
      .min(1e-6)
      .max(10)
      .default(0.04)
      .describe('Initialization scale ε (per-layer singular value, dimensionless): balanced init W_ℓW_ℓᵀ = ε²I gives σᵢ(0) = ε^L on every mode.'),
    initialValues: z
      .array(z.number().min(1e-100).max(1e6))
      .min(1)
      .max(64)
      .optional()
      .describe('Explicit initial singular values σᵢ(0) (units of σ*), one per target; when given, initScale is ignored.'),
    design: z
      .array(z.array(z.number().finite('design entries must be finite numbers').min(-1e6).max(1e6)).min(1).max(64))
      .min(1)
      .max(64)
      .optional()
      .describe(
        'A design matrix A (rows of one entry per target, dimensionless): the loss becomes ½‖Aσ − y‖² with y = Aσ*, the modes couple, and with ' +
          'fewer rows than targets the zero-loss set is not a point (paper 000 §3.3: the flow picks the Bregman minimizer). Absent: the decoupled channels.',
      ),
    activation: z
      .enum(['linear', 'tanh'])
      .default('linear')
      .describe(
        '"linear": the deep linear network channels (2); "tanh": each target learned by a scalar tanh chain f = w_L tanh(w_{L−1} ⋯ tanh(w₁)), ' +
          'every w_l(0) = ε, gradient flow on ½(f − σ*)² (paper 000 §4.4: the escape law of smooth nonlinear networks).',
      ),
    unitLayers: z
      .number()
      .int()
      .min(0)
      .max(11)
      .default(0)
      .describe(
        'Tanh chains only: how many of the top layers start at w = 1 instead of ε (count). The other r = L − unitLayers layers are the ' +
          'bottleneck-scale layers of paper 000 §4.4, whose escape time is Θ(ε^−(r−2)); r must be at least 2.',
      ),
    horizonMode: z
      .enum(['converged', 'time'])
      .default('converged')
      .describe('When the run ends: "converged" once every mode is within the tolerance of its target, "time" at t = horizonTime.'),
    horizonTime: z
      .number()
      .positive()
      .max(1e15)
      .default(100)
      .describe('End time t (gradient-flow time units) when horizonMode is "time"; unused otherwise.'),
    tolerance: z
      .number()
      .min(1e-12)
      .max(0.25)
      .default(1e-3)
      .describe('Relative tolerance δ (dimensionless): a mode has converged when |σᵢ − σᵢ*| ≤ δ·σᵢ*. Also the δ of the two-phase time, eq. (9).'),
    rtol: z
      .number()
      .min(1e-13)
      .max(1e-4)
      .default(1e-10)
      .describe('Relative tolerance of the DOP853 integrator (dimensionless), applied to b = β_L(σ) on the plateau and to log|b − b*| in the active basin.'),
    samples: z
      .number()
      .int()
      .min(50)
      .max(100_000)
      .default(400)
      .describe('Points recorded per metric (count), spread uniformly in arclength of the normalized curves so transitions are resolved.'),
  })
  .superRefine((p, ctx) => {
    if (p.initialValues && p.initialValues.length !== p.targets.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['initialValues'],
        message: `needs one value per target: ${p.targets.length} targets, ${p.initialValues.length} initial values`,
      });
      return;
    }
    if (p.design && p.activation === 'tanh') {
      ctx.addIssue({ code: 'custom', path: ['activation'], message: 'a design matrix couples linear channels only: use activation "linear" with design' });
      return;
    }
    if (p.unitLayers > 0 && p.activation !== 'tanh') {
      ctx.addIssue({ code: 'custom', path: ['unitLayers'], message: 'only tanh chains have layers at scale 1: use activation "tanh" or unitLayers 0' });
      return;
    }
    if (p.depth - p.unitLayers < 2 && p.unitLayers > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['unitLayers'],
        message: `leaves r = ${p.depth - p.unitLayers} layer(s) at scale ε of ${p.depth}; the escape law needs r ≥ 2 (at most ${Math.max(0, p.depth - 2)} unit layers)`,
      });
      return;
    }
    const rowLength = p.design?.findIndex((row) => row.length !== p.targets.length) ?? -1;
    if (p.design && rowLength >= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['design', rowLength],
        message: `needs one entry per target: ${p.targets.length} targets, ${p.design[rowLength].length} entries`,
      });
      return;
    }
    const initial = initialSigmas(p);
    p.targets.forEach((target, i) => {
      // Dead-zone time (6) over the active-basin time constant 1/(L σ*^{2−2/L}) of eq. (8).
      const plateau = ((barrier(p.depth, target / 2) - barrier(p.depth, initial[i])) / target) * p.depth * target ** (2 - 2 / p.depth);
      // A non-finite plateau comes from a value its own bound already rejects.
      if (plateau > MAX_PLATEAU_RATIO && Number.isFinite(plateau)) {
        ctx.addIssue({
          code: 'custom',
          path: [p.initialValues ? 'initialValues' : 'initScale'],
          message:
            `mode ${i} (σ* = ${target}) would sit on its plateau for ${plateau.toExponential(1)} transition times; a float64 ` +
            `time axis resolves at most ${MAX_PLATEAU_RATIO.toExponential(0)}: use a larger initial scale or a smaller depth`,
        });
      }
    });
  }, crossFieldRules);

export type ModeFlowParams = z.output<typeof modeFlowParams>;

/** σᵢ(0): the explicit values, or ε^L on every mode. */
export function initialSigmas(p: ModeFlowParams): number[] {
  return p.initialValues ?? p.targets.map(() => p.initScale ** p.depth);
}

/** The bottleneck mode argmin σᵢ* (paper 000, Prop. 4); ties go to the smaller σᵢ(0), the later escape. */
export function bottleneckMode(targets: readonly number[], initial: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < targets.length; i++) {
    if (targets[i] < targets[best] || (targets[i] === targets[best] && initial[i] < initial[best])) best = i;
  }
  return best;
}
