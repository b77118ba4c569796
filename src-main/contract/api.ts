// The one API of Saddle Lab: every request, reply and event, as zod schemas. The Electron bridge,
// the serve host and the CLI all speak it; each side validates what arrives.
import { z } from 'zod';
import { analysisResult, familyCheck, familyInfo, familyProblem, runSource, runSummary, theorySeries } from './family-meta';
import { experimentSpec, fieldIssue, sweepAxis } from './spec';
import { slurmAvailability, slurmJobInfo, slurmOptions } from './slurm';
import { claimId, claimsOverview, claimsReportFormat } from './claims';
import { runMedia, runOriginKind } from './run-log';

const id = z.number().int().positive();
const path = z.string().min(1).max(4096);

/**
 * 'submitted': sent to a Slurm cluster; it comes back into the project on collect. 'crashed': a run
 * logged from outside (saddle_lab.init) whose process ended without finish(); its points are kept.
 */
export const runStatus = z.enum(['queued', 'submitted', 'running', 'done', 'failed', 'diverged', 'cancelled', 'crashed']);
export type RunStatus = z.infer<typeof runStatus>;
export const finishedStatuses: readonly RunStatus[] = ['done', 'failed', 'diverged', 'cancelled', 'crashed'];

export const projectInfo = z.object({
  path: z.string(),
  name: z.string(),
  schemaVersion: z.number().int(),
  createdAtMs: z.number(),
  appVersion: z.string(),
  experimentCount: z.number().int(),
  runCount: z.number().int(),
});
export type ProjectInfo = z.infer<typeof projectInfo>;

export const experiment = z.object({
  id,
  name: z.string(),
  family: z.string(),
  params: z.record(z.string(), z.unknown()),
  sweep: z.record(z.string(), sweepAxis),
  seeds: z.array(z.number().int()),
  notes: z.string(),
  tags: z.array(z.string()),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
});
export type Experiment = z.infer<typeof experiment>;

export const run = z.object({
  id,
  experimentId: id,
  params: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  status: runStatus,
  progress: z.number(),
  queuedAtMs: z.number(),
  startedAtMs: z.number().nullable(),
  finishedAtMs: z.number().nullable(),
  error: z.string().nullable(),
  device: z.string().nullable(),
  appVersion: z.string(),
  tags: z.array(z.string()),
  notes: z.string(),
  summary: runSummary.nullable(),
});
export type Run = z.infer<typeof run>;

/** Where a run made outside the pool came from: a run log (saddle_lab.init), an MLflow run, a CSV file. */
export const runOrigin = z.object({
  runId: id,
  kind: runOriginKind,
  /** The run log's file name in <project>.runs/, or the imported path. */
  source: z.string(),
  /** The run's name where it came from (wandb's run name, MLflow's runName, the CSV file's name). */
  name: z.string(),
  importedAtMs: z.number(),
});
export type RunOrigin = z.infer<typeof runOrigin>;

export const importResult = z.object({
  experimentIds: z.array(id),
  runIds: z.array(id),
  /** What could not be brought in, each named with its file and the reason. */
  problems: z.array(z.string()),
});
export type ImportResult = z.infer<typeof importResult>;

/**
 * Values that cross as a Float64Array: as bytes in a binary frame over the serve host's WebSocket
 * (docs/serve-host.md), by structured clone over Electron IPC. NaN, ±Infinity and -0 arrive as sent.
 */
const float64Values = z.custom<Float64Array>((value) => value instanceof Float64Array, { message: 'expected a Float64Array' });

export const seriesData = z.object({
  metric: z.string(),
  x: float64Values,
  y: float64Values,
  /** Points stored; x/y may hold fewer after downsampling for display. */
  totalPoints: z.number().int(),
  /**
   * Asked with `alsoLogX`: the reduction for a logarithmic x axis (buckets even in log x). Absent
   * where it equals x/y: a series of at most `maxPoints` points is sent whole for both axes.
   */
  logX: z.object({ x: float64Values, y: float64Values }).optional(),
});
export type SeriesData = z.infer<typeof seriesData>;

export const analysisRecord = z.object({
  experimentId: id,
  computedAtMs: z.number(),
  result: analysisResult,
});
export type AnalysisRecord = z.infer<typeof analysisRecord>;

export const dashboard = z.object({
  id,
  experimentId: id.nullable(),
  name: z.string(),
  layout: z.record(z.string(), z.unknown()),
  updatedAtMs: z.number(),
});
export type Dashboard = z.infer<typeof dashboard>;

/** The standard PDF fonts: a figure's text stays text (searchable, restylable) in every format. */
export const figureFontFamily = z.enum(['Helvetica', 'Times', 'Courier']);
export type FigureFontFamily = z.infer<typeof figureFontFamily>;

/** Physical size and fonts of an exported figure (e.g. a journal's single or double column). */
export const figureSettings = z.object({
  widthIn: z.number().min(0.5).max(20),
  heightIn: z.number().min(0.5).max(20),
  fontFamily: figureFontFamily,
  fontSizePt: z.number().min(4).max(36),
  /** Raster exports only: pixels per inch. */
  dpi: z.number().int().min(72).max(2400),
});
export type FigureSettings = z.infer<typeof figureSettings>;

export const figurePreset = figureSettings.extend({ id, name: z.string().min(1).max(100), updatedAtMs: z.number() });
export type FigurePreset = z.infer<typeof figurePreset>;

export const appInfo = z.object({
  version: z.string(),
  host: z.enum(['electron', 'serve', 'cli']),
  platform: z.string(),
  poolSize: z.number().int(),
});

/** Whether a WebGPU adapter can be opened on this machine (probed once, in a worker thread). */
export const gpuProbe = z.discriminatedUnion('available', [
  z.object({ available: z.literal(true), adapterName: z.string(), software: z.boolean() }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);

const experimentPatch = z
  .object({
    name: z.string().min(1).max(200),
    params: z.record(z.string(), z.unknown()),
    sweep: z.record(z.string(), sweepAxis),
    seeds: z.array(z.number().int().min(0)).min(1).max(1000),
    notes: z.string().max(100_000),
    tags: z.array(z.string().max(100)).max(100),
  })
  .partial()
  .strict();

const validation = z.object({ ok: z.boolean(), runCount: z.number().int(), issues: z.array(fieldIssue) });

const sidecarFile = z
  .object({ suffix: z.string().regex(/^\.[A-Za-z0-9._-]{1,40}$/), data: z.string(), encoding: z.enum(['utf8', 'base64']) })
  .strict();

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}
const none = z.object({}).strict().default({});
const ok = z.object({ ok: z.literal(true) });

/** Namespaces → methods → input and output schemas. */
export const api = {
  app: {
    info: method(none, appInfo),
    gpu: method(none, gpuProbe),
  },
  projects: {
    new: method(z.object({ path }).strict(), projectInfo),
    /** `readOnly`: no lock and no writes, for reading a project another process has open. */
    open: method(z.object({ path, readOnly: z.boolean().optional() }).strict(), projectInfo),
    /** An existing file at `path` is refused (issue on `overwrite`) unless `overwrite` is true. */
    saveAs: method(z.object({ path, overwrite: z.boolean().optional() }).strict(), projectInfo),
    close: method(none, ok),
    current: method(none, projectInfo.nullable()),
    recent: method(none, z.array(z.object({ path: z.string(), openedAtMs: z.number(), exists: z.boolean() }))),
  },
  experiments: {
    list: method(none, z.array(experiment)),
    create: method(z.object({ spec: z.unknown() }).strict(), experiment),
    validate: method(z.object({ spec: z.unknown() }).strict(), validation),
    update: method(z.object({ id, patch: experimentPatch }).strict(), experiment),
    duplicate: method(z.object({ id }).strict(), experiment),
    delete: method(z.object({ id }).strict(), ok),
    exportSpec: method(z.object({ id }).strict(), experimentSpec),
    examples: method(
      none,
      z.array(z.object({ file: z.string(), spec: experimentSpec, quick: experimentSpec.nullable(), expectedSeconds: z.number().positive().nullable() })),
    ),
  },
  runs: {
    start: method(z.object({ experimentId: id }).strict(), z.object({ runIds: z.array(id) })),
    /** Extra runs at chosen parameter points (e.g. refining a sweep near a boundary), for every seed of the experiment. */
    startPoints: method(
      z.object({ experimentId: id, points: z.array(z.record(z.string(), z.unknown())).min(1).max(500) }).strict(),
      z.object({ runIds: z.array(id) }),
    ),
    cancel: method(
      z.object({ runIds: z.array(id).optional(), experimentId: id.optional() }).strict(),
      z.object({ cancelled: z.number().int() }),
    ),
    list: method(z.object({ experimentId: id.optional() }).strict().default({}), z.array(run)),
    series: method(
      z
        .object({
          runIds: z.array(id).min(1).max(500),
          metrics: z.array(z.string()).optional(),
          maxPoints: z.number().int().min(2).max(1_000_000).default(2000),
          logX: z.boolean().default(false),
          /** Both reductions in one reply (x/y linear, `logX` for a log axis): a window toggles its axis without asking again. */
          alsoLogX: z.boolean().default(false),
        })
        .strict()
        .refine((input) => !(input.logX && input.alsoLogX), { path: ['alsoLogX'], message: 'alsoLogX adds the log-x reduction to the linear one: leave logX false' }),
      z.array(z.object({ runId: id, series: z.array(seriesData) })),
    ),
    /** Closed-form overlays stored with finished runs, many runs per call (a sweep's panel asks once). */
    theory: method(z.object({ runIds: z.array(id).min(1).max(500) }).strict(), z.array(z.object({ runId: id, theory: z.array(theorySeries) }))),
    update: method(
      z.object({ id, tags: z.array(z.string().max(100)).max(100).optional(), notes: z.string().max(100_000).optional() }).strict(),
      run,
    ),
    /** What produced a run of a script or code family (stored copy, stderr); null for a built-in. */
    source: method(z.object({ runId: id }).strict(), runSource.nullable()),
    delete: method(z.object({ runIds: z.array(id).min(1) }).strict(), ok),
    /** The run's kept folder (SADDLE_ARTIFACTS_DIR, or a logged run's run.dir) and its files with size and SHA-256. */
    artifacts: method(
      z.object({ runId: id }).strict(),
      z.object({ runId: id, dir: z.string(), files: z.array(z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string() })) }),
    ),
    /** The real path of one listed file of the run's folder; refuses a path out of it (`..`, absolute, a symlink out). */
    artifactFile: method(z.object({ runId: id, path: z.string().min(1).max(4096) }).strict(), z.object({ file: z.string() })),
    /** Opens a listed file with the system's application, or shows it in its folder (`reveal`); desktop only. */
    openArtifact: method(z.object({ runId: id, path: z.string().min(1).max(4096), reveal: z.boolean().default(false) }).strict(), ok),
    /** A listed file's bytes (base64), for the desktop app to show an image it cannot link to; at most 16 MiB. */
    artifactData: method(z.object({ runId: id, path: z.string().min(1).max(4096) }).strict(), z.object({ base64: z.string() })),
    /** What a logged run logged besides numbers: text, images (files of its folder), histograms per step, refused values. */
    media: method(z.object({ runId: id }).strict(), runMedia),
    /** Where runs made outside the pool came from; runs of the pool have none (left out of the reply). */
    origins: method(z.object({ runIds: z.array(id).max(100_000) }).strict(), z.array(runOrigin)),
    /**
     * Brings runs made elsewhere into the open project (docs/logging.md): an MLflow `mlruns` folder,
     * a CSV of (step, metric…) columns, a folder of run logs or one run log. `kind` 'auto' tells by
     * what the path holds. Each run keeps its parameters and is marked with its origin.
     */
    import: method(
      z.object({ path, kind: z.enum(['auto', 'mlflow', 'csv', 'run-logs']).default('auto'), experimentName: z.string().min(1).max(200).optional() }).strict(),
      importResult,
    ),
  },
  families: {
    list: method(none, z.array(familyInfo)),
    /** Family folders and modules that failed to load, each with its reason. */
    problems: method(none, z.array(familyProblem)),
    /** The open project's script and code families against what is installed: same, changed or missing. */
    check: method(none, z.array(familyCheck)),
    /** Writes the project's stored copy of a family into <project>.families/ (the user agreed to run it). */
    restore: method(z.object({ familyId: z.string().min(1) }).strict(), z.object({ location: z.string() })),
    /** Reads the family folders again (after adding or editing a family's manifest or module). */
    reload: method(none, ok),
    /** Lets the open project's own families folder load its code and run (asked in the UI; for this session). */
    trustProject: method(none, ok),
  },
  /** Sweeps on a Slurm cluster (docs/slurm.md): the host must be able to run sbatch (status tells). */
  slurm: {
    status: method(none, slurmAvailability),
    submit: method(
      z.object({
        experimentId: id,
        options: slurmOptions.default({ cpusPerTask: 1, runsPerTask: 1, sbatchArgs: [] }),
        /** Submit even where runs of the project already stand for some of the points (otherwise refused, issue path 'again'). */
        again: z.boolean().default(false),
      }).strict(),
      z.object({ jobId: z.string(), runIds: z.array(id), folder: z.string() }),
    ),
    /** Merges ended tasks' runs into the project, marks what Slurm killed, updates live progress. */
    collect: method(none, z.object({ finishedRunIds: z.array(id), jobs: z.array(slurmJobInfo) })),
    /** scancel on one job, or on every live job of the project. */
    cancel: method(z.object({ jobId: z.string().regex(/^\d+$/, 'must be a Slurm job id').optional() }).strict().default({}), z.object({ cancelled: z.array(z.string()) })),
    jobs: method(z.object({ experimentId: id.optional() }).strict().default({}), z.array(slurmJobInfo)),
  },
  /** Native file dialogs; only the Electron host offers them (app.info().host tells). */
  dialogs: {
    pickProjectPath: method(
      z.object({ mode: z.enum(['open', 'save']) }).strict(),
      z.object({ path: z.string().nullable() }),
    ),
  },
  analyses: {
    list: method(z.object({ experimentId: id }).strict(), z.array(analysisRecord)),
    compute: method(z.object({ experimentId: id }).strict(), z.array(analysisRecord)),
  },
  dashboards: {
    list: method(z.object({ experimentId: id.nullable().optional() }).strict().default({}), z.array(dashboard)),
    save: method(
      z.object({ id: id.optional(), experimentId: id.nullable(), name: z.string().min(1).max(200), layout: z.record(z.string(), z.unknown()) }).strict(),
      dashboard,
    ),
    delete: method(z.object({ id }).strict(), ok),
  },
  exports: {
    csv: method(
      z.object({ runIds: z.array(id).min(1), metrics: z.array(z.string()).optional(), maxPoints: z.number().int().min(2).optional() }).strict(),
      z.object({ filename: z.string(), content: z.string() }),
    ),
    /** Named figure sizes saved in the project; saving an existing name replaces that preset. */
    listPresets: method(none, z.array(figurePreset)),
    savePreset: method(figureSettings.extend({ name: z.string().trim().min(1).max(100) }).strict(), figurePreset),
    deletePreset: method(z.object({ id }).strict(), ok),
    /** Electron: asks where to save with a dialog and writes the file. Serve: not offered (the page downloads). */
    saveFile: method(
      z
        .object({
          suggestedName: z.string().min(1).max(255),
          data: z.string(),
          encoding: z.enum(['utf8', 'base64']),
          /** Files written next to the chosen one: its name with the extension replaced by `suffix`. */
          sidecars: z.array(sidecarFile).max(8).default([]),
        })
        .strict(),
      z.object({ path: z.string().nullable() }),
    ),
  },
  /** The papers' claims (examples/claims/) and their verdicts, judged from the open project's stored analyses. */
  claims: {
    /** The catalog and every claim's status; with no project open every desktop claim is not-run. */
    list: method(none, claimsOverview),
    /** Creates an experiment from each example the claim names (its quick variant where it has one, or full) and starts its runs. */
    reproduce: method(
      z.object({ claimId, variant: z.enum(['quick', 'full']).default('quick') }).strict(),
      z.object({ experimentIds: z.array(id) }),
    ),
    /** Every claim with its verdict, Saddle Lab's and the paper's numbers and the tolerance, with the app version and date. */
    report: method(z.object({ format: claimsReportFormat }).strict(), z.object({ filename: z.string(), content: z.string() })),
  },
} as const;

export type Api = typeof api;
export type Namespace = keyof Api;
export type MethodOf<N extends Namespace> = keyof Api[N] & string;
type Def<N extends Namespace, M extends MethodOf<N>> = Api[N][M] extends { input: infer I; output: infer O } ? { input: I; output: O } : never;
export type Input<N extends Namespace, M extends MethodOf<N>> = Def<N, M>['input'] extends z.ZodType ? z.input<Def<N, M>['input']> : never;
export type ParsedInput<N extends Namespace, M extends MethodOf<N>> = Def<N, M>['input'] extends z.ZodType ? z.output<Def<N, M>['input']> : never;
export type Output<N extends Namespace, M extends MethodOf<N>> = Def<N, M>['output'] extends z.ZodType ? z.output<Def<N, M>['output']> : never;

/** The typed proxy the renderer sees as `window.saddle` (or over WebSocket). */
export type SaddleApi = {
  [N in Namespace]: { [M in MethodOf<N>]: (input?: Input<N, M>) => Promise<Output<N, M>> };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** One run's status as it changed: progress and ETA while it runs, error and summary once it ends. */
export const runStatusChange = z.object({
  runId: id,
  experimentId: id,
  status: runStatus,
  progress: z.number(),
  etaMs: z.number().nullable(),
  error: z.string().nullable(),
  summary: runSummary.nullable(),
});
export type RunStatusChange = z.output<typeof runStatusChange>;

export const events = {
  /** The status changes of one tick of the host, in order: a fast sweep ends many runs at once. */
  'run.statuses': z.object({ changes: z.array(runStatusChange) }),
  'run.points': z.object({
    runId: id,
    metric: z.string(),
    x: z.array(z.number()),
    y: z.array(z.number()),
  }),
  'project.changed': projectInfo.nullable(),
  'experiments.changed': z.object({}),
  /**
   * An experiment's analyses, pushed as they go: 'computing' when its last run has ended (or a
   * recompute began), then 'stored' with every stored record, or 'failed' with the reason.
   */
  'analyses.changed': z.discriminatedUnion('state', [
    z.object({ experimentId: id, state: z.literal('computing') }),
    z.object({ experimentId: id, state: z.literal('stored'), records: z.array(analysisRecord) }),
    z.object({ experimentId: id, state: z.literal('failed'), error: z.string() }),
  ]),
  /** A menu command from the native shell, e.g. 'project.new' or 'export.panel'. */
  'menu.command': z.object({ command: z.string(), path: z.string().optional() }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

/** Error kinds shared by every transport: cancellation, expected (shown to the user), bug. */
export const apiError = z.object({
  kind: z.enum(['cancelled', 'expected', 'bug']),
  message: z.string(),
  issues: z.array(fieldIssue).default([]),
});
export type ApiErrorShape = z.infer<typeof apiError>;
