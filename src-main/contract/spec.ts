// Experiment spec files: what the CLI runs and what "export experiment" writes. Scripts depend on
// these names; keep them stable.
import { z } from 'zod';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const sweepAxis = z.union([
  z.array(z.unknown()).min(1, 'a sweep list needs at least one value'),
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

/** A field-level problem, with the dotted path a form or CLI can name. */
export const fieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssue>;
