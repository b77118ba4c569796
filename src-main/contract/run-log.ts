// The run log a process writes through saddle_lab.init/log (python/saddle_lab.py): one JSON object
// per line, appended, in `<project>.runs/`. Documented in docs/logging.md.
import { z } from 'zod';

/** A logged value: a number, or the name of a non-finite one (JSON has no NaN or Infinity). */
export const loggedValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const jsonObject = z.record(z.string(), z.unknown());

export const runLogLine = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    format: z.literal(1),
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    group: z.string().max(200).nullable().default(null),
    /** A Saddle Lab family whose metrics the script logs: its charts and theory overlays apply. */
    family: z.string().max(200).nullable().default(null),
    config: jsonObject.default({}),
    tags: z.array(z.string().max(100)).max(100).default([]),
    notes: z.string().max(100_000).default(''),
    pid: z.number().int().positive(),
    host: z.string(),
    startedAtMs: z.number().int().nonnegative(),
    argv: z.array(z.string()).default([]),
  }),
  z.object({
    type: z.literal('log'),
    step: z.number().finite(),
    /** Seconds since init. */
    wall: z.number().finite().optional(),
    values: z.record(z.string().min(1).max(200), loggedValue),
  }),
  z.object({ type: z.literal('config'), values: jsonObject }),
  z.object({
    type: z.literal('summary'),
    values: jsonObject,
    /** Summary values that were NaN or ±Infinity, by name: they end the run as diverged. */
    nonFinite: z.record(z.string(), z.enum(['NaN', 'Infinity', '-Infinity'])).optional(),
  }),
  z.object({
    type: z.literal('finish'),
    exitCode: z.number().int(),
    finishedAtMs: z.number().int().nonnegative(),
    message: z.string().optional(),
  }),
]);
export type RunLogLine = z.infer<typeof runLogLine>;

/** Where a run made outside the pool came from (table runOrigins). */
export const runOriginKind = z.enum(['run-log', 'mlflow', 'csv']);
export type RunOriginKind = z.infer<typeof runOriginKind>;
