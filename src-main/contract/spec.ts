// Experiment spec files: what the CLI runs and what "export experiment" writes. Scripts depend on
// these names; keep them stable.
import { z } from 'zod';

/** The most values of one sweep list: the most runs of one experiment (maxRunsPerExperiment). */
const maxSweepValues = 100_000;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const sweepAxis = z.union([
  z.array(z.unknown()).min(1, 'a sweep list needs at least one value').max(maxSweepValues, `a sweep list holds at most ${maxSweepValues} values (the most runs of one experiment)`),
  z.object({ linspace: z.tuple([finite, finite, z.number().int().min(1).max(10_000)]) }).strict(),
  z
    .object({ logspace: z.tuple([finite, finite, z.number().int().min(1).max(10_000)]) })
    .strict()
    .describe('decades: [a, b, n] gives n values from 10^a to 10^b'),
]);
export type SweepAxis = z.infer<typeof sweepAxis>;

export const experimentSpec = z
  .object({
    family: z.string().min(1),
    name: z.string().min(1).max(200).default('Untitled experiment'),
    params: z.record(z.string(), z.unknown()).default({}),
    sweep: z.record(z.string(), sweepAxis).default({}),
    seeds: z.array(z.number().int().min(0)).min(1).max(1000).default([0]),
    notes: z.string().max(100_000).default(''),
    tags: z.array(z.string().max(100)).max(100).default([]),
  })
  .strict();
export type ExperimentSpec = z.output<typeof experimentSpec>;
export type ExperimentSpecInput = z.input<typeof experimentSpec>;

/** What a variant of an example changes: params and sweep axes key by key, the seeds whole. */
const variantOverrides = z
  .object({
    params: z.record(z.string(), z.unknown()),
    sweep: z.record(z.string(), sweepAxis),
    seeds: z.array(z.number().int().min(0)).min(1).max(1000),
    notes: z.string().max(100_000),
  })
  .partial()
  .strict();

/**
 * A shipped example (`examples/*.json`): an experiment spec, how long the full one takes, and a
 * quick variant (a smaller sweep, fewer steps) that checks the same behaviour in seconds: the
 * tests and a first look use it, `npm run repro` runs the full one.
 */
export const exampleFile = experimentSpec.extend({
  expectedSeconds: z
    .number()
    .positive()
    .optional()
    .describe('wall time of the full example through the CLI on a 2-core machine (default pool), measured'),
  quick: variantOverrides.optional(),
});
export type ExampleFile = z.output<typeof exampleFile>;

/** The example as a plain experiment spec, or its quick variant (null when it has none). */
export function exampleSpec(example: ExampleFile, variant?: 'full'): ExperimentSpec;
export function exampleSpec(example: ExampleFile, variant: 'full' | 'quick'): ExperimentSpec | null;
export function exampleSpec(example: ExampleFile, variant: 'full' | 'quick' = 'full'): ExperimentSpec | null {
  const { expectedSeconds: _seconds, quick, ...spec } = example;
  if (variant === 'full') return spec;
  if (!quick) return null;
  return {
    ...spec,
    name: `${spec.name} (quick)`,
    params: { ...spec.params, ...quick.params },
    sweep: { ...spec.sweep, ...quick.sweep },
    seeds: quick.seeds ?? spec.seeds,
    notes: quick.notes ? `${quick.notes}\n\n${spec.notes}` : spec.notes,
  };
}

/** A field-level problem, with the dotted path a form or CLI can name. */
export const fieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssue>;
