// The manifest of a script family (`saddle-family.json`, docs/script-families.md): a command run
// once per run, its parameters as JSON Schema (the same generated form as the built-ins), its
// metrics and default charts. Read in the main process (catalog) and in the pool worker (runs).
import { z } from 'zod';
import { chartSpec, formulaSpec, metricSpec, referenceSpec } from './family-meta';
import { familyIdPattern, familyIdRule } from './family-files';

export { manifestFileName } from './family-files';

/** Family ids name folders, env vars and project rows: kept plain. */
export const familyId = z.string().regex(familyIdPattern, familyIdRule);

const jsonSchemaType = z.enum(['number', 'integer', 'string', 'boolean', 'array']);

/** One parameter: a JSON Schema with a default (the form starts from it), plus `unit`. */
const paramSchema = z
  .object({
    type: jsonSchemaType.optional(),
    enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
    default: z.unknown().refine((value) => value !== undefined, 'every parameter needs a default'),
    description: z.string().optional(),
    unit: z.string().optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    exclusiveMinimum: z.number().optional(),
    exclusiveMaximum: z.number().optional(),
    items: z.record(z.string(), z.unknown()).optional(),
    minItems: z.number().int().min(0).optional(),
    maxItems: z.number().int().min(0).optional(),
    /**
     * Passed to the command as a command-line flag too (an argparse script runs unchanged): `store`
     * appends `--option value` (an array: `--option v1 v2 …`), `store_true` appends `--option` when
     * the value is true, `store_false` when it is false. Written by `saddle-lab family init`.
     */
    argparse: z
      .object({ option: z.string().regex(/^--?[A-Za-z0-9][\w.-]*$/, 'must be a flag such as --lr'), action: z.enum(['store', 'store_true', 'store_false']).default('store') })
      .strict()
      .optional(),
  })
  .loose()
  .refine((p) => p.type !== undefined || p.enum !== undefined, 'needs a "type" or an "enum"');

const paramsSchema = z
  .object({
    type: z.literal('object'),
    properties: z.record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'parameter names must be identifiers (letters, digits, _), or dotted identifiers for nested parameters (optim.lr)'),
      paramSchema,
    ),
    additionalProperties: z.literal(false).default(false),
  })
  .loose();

const bound = z.union([z.number(), z.string().min(1).max(2000)]);

/**
 * A closed-form overlay, an expression of the run's parameters (workers/script-family/theory.ts):
 * "line" draws y(x) over x.from … x.to; "hline" / "vline" draw the level(s) / position(s) the
 * expression gives (a number or a list, e.g. `map(f(v) = v / 2, targets)`).
 */
export const theoryExpressionSpec = z
  .object({
    id: z.string().min(1),
    label: z.string().min(1),
    kind: z.enum(['line', 'hline', 'vline']),
    expression: z.string().min(1).max(2000),
    x: z
      .object({ from: bound, to: bound, points: z.number().int().min(2).max(10_000).default(200), log: z.boolean().default(false) })
      .strict()
      .optional(),
    /** The mode or series it belongs to, so its colour matches the data. */
    index: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((t) => t.kind !== 'line' || t.x !== undefined, { message: 'a "line" overlay needs "x": { "from", "to" }', path: ['x'] });
export type TheoryExpressionSpec = z.output<typeof theoryExpressionSpec>;

export const scriptFamilyManifest = z
  .object({
    $schema: z.string().optional(),
    id: familyId,
    title: z.string().min(1).max(200),
    summary: z.string().max(5000).default(''),
    /** argv, no shell: the program (looked up on PATH) and its arguments; run in a copy of the family folder. */
    command: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((c) => (typeof c === 'string' ? c.trim().split(/\s+/) : c)),
    params: paramsSchema,
    metrics: z.array(metricSpec).min(1, 'declare at least one metric'),
    charts: z.array(chartSpec).default([]),
    theory: z.array(theoryExpressionSpec).default([]),
    references: z.array(referenceSpec).default([]),
    formulas: z.array(formulaSpec).default([]),
    /** Per-run limits; a run past them fails with a message saying which. */
    limits: z
      .object({
        timeoutSeconds: z.number().positive().max(7 * 24 * 3600).optional(),
        memoryMb: z.number().int().min(16).max(1_048_576).optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((m, ctx) => {
    const metrics = new Set(m.metrics.map((metric) => metric.name));
    const theory = new Set(m.theory.map((t) => t.id));
    m.charts.forEach((chart, i) => {
      chart.theory.forEach((id, j) => {
        if (!theory.has(id)) ctx.addIssue({ code: 'custom', path: ['charts', i, 'theory', j], message: `"${id}" is not a declared theory overlay` });
      });
    });
    m.charts.forEach((chart, i) => {
      chart.series.forEach((name, j) => {
        if (!metrics.has(name)) ctx.addIssue({ code: 'custom', path: ['charts', i, 'series', j], message: `"${name}" is not a declared metric` });
      });
    });
  });
export type ScriptFamilyManifest = z.output<typeof scriptFamilyManifest>;
