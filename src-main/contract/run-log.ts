// The run log a process writes through saddle_lab.init/log (python/saddle_lab.py): one JSON object
// per line, appended, in `<project>.runs/`. Documented in docs/logging.md.
import { z } from 'zod';

/** A logged value: a number, or the name of a non-finite one (JSON has no NaN or Infinity). */
export const loggedValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

const jsonObject = z.record(z.string(), z.unknown());
const mediaKey = z.string().min(1).max(200);
export const mostHistogramBins = 512;
/** The line types that carry one media value: a bad one fails only its key (stored as a problem). */
export const mediaLineTypes: readonly string[] = ['text', 'image', 'histogram'];

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
  // Media (docs/logging.md): each at the step of its log call, under the key it was logged with.
  z.object({ type: z.literal('text'), step: z.number().finite(), key: mediaKey, text: z.string().max(100_000) }),
  z.object({
    type: z.literal('image'),
    step: z.number().finite(),
    key: mediaKey,
    /** The PNG's path in the run's folder (run.dir), '/'-separated: media/<key>/<step>.png. */
    path: z.string().min(1).max(4096),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
    caption: z.string().max(10_000).optional(),
  }),
  z
    .object({
      type: z.literal('histogram'),
      step: z.number().finite(),
      key: mediaKey,
      /** counts[i] values fell in [edges[i], edges[i+1]) (the last bin includes its right edge). */
      counts: z.array(z.number().finite().nonnegative()).min(1).max(mostHistogramBins),
      edges: z.array(z.number().finite()).min(2).max(mostHistogramBins + 1),
    })
    .superRefine((line, ctx) => {
      if (line.edges.length !== line.counts.length + 1) ctx.addIssue({ code: 'custom', path: ['edges'], message: `must be one more than counts (${line.counts.length + 1}), got ${line.edges.length}` });
      const at = line.edges.findIndex((edge, i) => i > 0 && !(edge > line.edges[i - 1]));
      if (at > 0) ctx.addIssue({ code: 'custom', path: ['edges', at], message: `edges must increase: ${line.edges[at]} after ${line.edges[at - 1]}` });
    }),
  /** A media value the helper refused (a missing image file, NaN counts): only its key of the call failed. */
  z.object({ type: z.literal('problem'), step: z.number().finite(), key: mediaKey, message: z.string().max(10_000) }),
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

export type MediaLine = Extract<RunLogLine, { type: 'text' | 'image' | 'histogram' | 'problem' }>;

/** What a run logged besides numbers (runs.media): text, images (files in its folder), histograms, refused values. */
export const runMedia = z.object({
  runId: z.number().int().positive(),
  texts: z.array(z.object({ key: z.string(), step: z.number(), text: z.string() })),
  images: z.array(z.object({ key: z.string(), step: z.number(), path: z.string(), bytes: z.number().int(), sha256: z.string(), caption: z.string().nullable() })),
  /** One per key, steps ascending; edges[i] and counts[i] belong to steps[i]. */
  histograms: z.array(z.object({ key: z.string(), steps: z.array(z.number()), edges: z.array(z.array(z.number())), counts: z.array(z.array(z.number())) })),
  problems: z.array(z.object({ key: z.string(), step: z.number(), message: z.string() })),
});
export type RunMedia = z.infer<typeof runMedia>;
