// The API's implementation, shared by every host (Electron IPC, the serve host, the CLI). It owns
// the open project and the live event stream; every run starts, is stored and is analysed through
// its RunPipeline (run-pipeline.ts). Hosts only carry messages.
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import {
  api,
  events as eventSchemas,
  type EventName,
  type EventPayload,
  type MethodOf,
  type Namespace,
  type Output,
  type ParsedInput,
  type ClaimsOverview,
  type Run,
  type RunStatus,
} from '../contract';
import { ProjectStore } from './store/project-store';
import { diskFullError, isDiskFull } from './store/project-file';
import { defaultPoolSize } from './run-pool';
import { LiveFeed, StatusBatch } from './live-feed';
import { RecentProjects } from './recent';
import { familyCatalog } from './family-catalog';
import { checkProjectFamilies, restoreFamily, runSourceOf, storedFamilyEntries } from './family-provenance';
import { loadExamples } from './examples';
import { judgeClaims, loadClaimCatalog } from './claims';
import { claimNumbers, claimsReport } from './claims-report';
import { RunPipeline } from './run-pipeline';
import { downsample } from '../../workers/numeric/downsample';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { seriesToCsv } from './csv-export';
import { prototypeKeyIssues } from './prototype-keys';
import { importRuns } from './run-import';
import { listArtifacts, removeArtifacts, runArtifactsDir } from './artifacts';
import { RunLogFolder, loggedFamilyId, loggedFamilyInfo, projectRunsDir, type IngestContext, type IngestReport } from './run-logs';
import { writeSidecars } from './sidecars';
import { ClusterService, cliCommandOf } from './slurm/cluster-service';
import type { GpuProbe } from '../../workers/compute/select';

export interface HostDialogs {
  pickProjectPath(mode: 'open' | 'save'): Promise<string | null>;
  saveFile(suggestedName: string, data: Buffer): Promise<string | null>;
}

export interface ServiceOptions {
  appVersion: string;
  host: 'electron' | 'serve' | 'cli';
  workerFile: string;
  examplesDir: string;
  poolSize?: number;
  recent?: RecentProjects;
  dialogs?: HostDialogs;
  /** The CLI has no window to feed. */
  liveEvents?: boolean;
  /** Folders of script and code families (--family-path), besides the user's and the project's. */
  familyPaths?: string[];
}

type Handlers = {
  [N in Namespace]: { [M in MethodOf<N>]: (input: ParsedInput<N, M>) => Promise<Output<N, M>> | Output<N, M> };
};

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Below this many stored points a thread hop costs more than the downsampling itself. */
const inlineDownsamplePoints = 200_000;
/** A window's host reads new lines of run logs (saddle_lab.init) this often. */
const runLogPollMs = 500;

export class SaddleService {
  private store: ProjectStore | null = null;
  /** Probed once per app session: opening an adapter takes a while. */
  private gpuProbe: Promise<GpuProbe> | null = null;
  private readonly live: LiveFeed;
  private readonly statuses = new StatusBatch((changes) => this.emit('run.statuses', { changes }));
  private readonly listeners = new Set<EventListener>();
  private readonly recent: RecentProjects;
  /** Every run starts, is stored and is analysed through it. */
  readonly pipeline: RunPipeline;
  private readonly cluster: ClusterService;
  /** The open project's run-log folder (<project>.runs/), read on open and, with a window, polled. */
  private runLogs: RunLogFolder | null = null;
  private runLogTimer: NodeJS.Timeout | null = null;
  readonly handlers: Handlers;

  constructor(private readonly options: ServiceOptions) {
    this.recent = options.recent ?? new RecentProjects();
    this.live = new LiveFeed((points) => this.emit('run.points', points));
    this.pipeline = new RunPipeline({
      workerFile: options.workerFile,
      poolSize: options.poolSize,
      // The Python helper ships in <app>/python, two levels up from the worker like the CLI.
      registry: { familyPaths: options.familyPaths, sdkDir: join(dirname(options.workerFile), '..', '..', 'python') },
      store: () => this.store,
      analyzeWhenDone: true,
      listener: {
        status: (change) => {
          // A run's last points reach the windows before its end does.
          if (change.status !== 'queued' && change.status !== 'running') this.live.flush();
          this.statuses.push(change);
        },
        points: options.liveEvents === false ? undefined : (chunk) => this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y),
        analyses: (change) => this.emit('analyses.changed', change),
      },
    });
    this.cluster = new ClusterService({
      appVersion: options.appVersion,
      store: () => this.requireStore(),
      // The worker lives in <app>/dist/main, next to the CLI's bin/ two levels up.
      cli: cliCommandOf(join(dirname(options.workerFile), '..', '..')),
      pipeline: () => this.pipeline,
      changed: (runIds) => {
        for (const run of runIds.map((id) => this.requireStore().getRun(id))) this.emitStatus(run.id, run.status, run.progress, null, run.error, run.summary);
      },
    });
    this.handlers = this.createHandlers();
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates the request, runs it, and validates the reply: the one entry point of every host. */
  async dispatch(ns: unknown, method: unknown, input: unknown): Promise<unknown> {
    const { definition, handler } = lookUpMethod(this.handlers, ns, method);
    const reserved = prototypeKeyIssues(input);
    if (reserved.length > 0) throw new ExpectedError(`invalid request to ${ns}.${method}: ${describeIssues(reserved)}`, reserved);
    const parsed = definition.input.safeParse(input ?? {});
    if (!parsed.success) {
      // An input of the wrong kind altogether (a string for an object) is named as the input.
      const issues = issuesFromZod(parsed.error).map((issue) => (issue.path ? issue : { ...issue, path: 'input' }));
      throw new ExpectedError(`invalid request to ${ns}.${method}: ${describeIssues(issues)}`, issues);
    }
    await this.pipeline.familiesLoaded;
    // Whatever a window has been told is in the file before a handler reads it.
    if (this.store) this.pipeline.flushWrites();
    let output: unknown;
    try {
      output = await handler(parsed.data);
    } catch (error) {
      // A full disk is the user's to fix, not a bug: said plainly, without a stack.
      throw isDiskFull(error) && this.store ? diskFullError(this.store.path, error) : error;
    }
    return definition.output.parse(output);
  }

  /** Why the open project's run writes stopped (a full disk), for a host to report; null while they succeed. */
  get projectWriteFailure(): Error | null {
    return this.pipeline.writeFailure;
  }

  get project(): ProjectStore | null {
    return this.store;
  }

  /** Starts the pool's first thread now, so its start-up overlaps the host's own (the CLI's `run`). */
  warmUp(): void {
    this.pipeline.requireScheduler();
  }

  /** Resolves when every run of the experiment has finished and its analyses are stored. */
  waitForExperiment(experimentId: number): Promise<void> {
    return this.pipeline.waitForExperiment(experimentId);
  }

  async close(): Promise<void> {
    await this.closeProject();
    await this.pipeline.close();
    this.live.dispose();
    this.statuses.dispose();
  }

  private emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    // Status changes wait for the end of the tick, but never behind a later event: order is kept.
    if (event !== 'run.statuses') this.statuses.flush();
    if (event === 'run.points' && this.options.liveEvents === false) return;
    // Checked for its listeners; with none (the CLI's --json) there is no one to protect.
    if (this.listeners.size === 0) return;
    const checked = eventSchemas[event].parse(payload) as EventPayload<E>;
    for (const listener of this.listeners) listener(event, checked);
  }

  private requireStore(): ProjectStore {
    if (!this.store) throw new ExpectedError('no project is open: create or open a project first');
    return this.store;
  }

  private async setProject(store: ProjectStore | null): Promise<void> {
    await this.closeProject();
    this.store = store;
    if (store) {
      this.recent.touch(store.path);
      // A window shows Slurm jobs as they go; the CLI collects when asked.
      if (this.options.host !== 'cli' && !store.readOnly) this.cluster.watch();
    }
    await this.pipeline.loadFamilies(store?.path ?? null);
    if (store) this.followRunLogs(store);
    this.emit('project.changed', store ? store.info() : null);
  }

  /** Brings in the project's run logs now and, where a window shows the project, as they grow. */
  private followRunLogs(store: ProjectStore): void {
    this.runLogs = new RunLogFolder(this.ingestContext(store), projectRunsDir(store.path));
    this.applyIngest(this.runLogs.poll());
    if (this.options.host === 'cli') return;
    this.runLogTimer = setInterval(() => {
      try {
        if (this.runLogs) this.applyIngest(this.runLogs.poll());
      } catch (error) {
        console.error(`reading run logs failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, runLogPollMs);
    this.runLogTimer.unref();
  }

  private ingestContext(store: ProjectStore): IngestContext {
    return {
      store,
      findFamily: (id) => this.pipeline.families.find(id)?.family,
      hostName: hostname(),
      isAlive: (pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (error) {
          // EPERM: alive, but another user's.
          return (error as NodeJS.ErrnoException).code === 'EPERM';
        }
      },
    };
  }

  /** The runs' kept folders (core/artifacts.ts), in the order given. */
  private artifactFolders(store: ProjectStore, runIds: readonly number[]): string[] {
    const origins = store.origins.ofRuns(runIds);
    return runIds.map((runId) => runArtifactsDir(store.path, runId, origins.get(runId)));
  }

  /** Tells the windows what a read of run logs or an import brought in. */
  private applyIngest(report: IngestReport): void {
    for (const problem of report.problems) console.error(`run log: ${problem}`);
    if (report.listsChanged) this.emit('experiments.changed', {});
    if (this.options.liveEvents !== false) for (const chunk of report.chunks) this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y);
    this.live.flush();
    for (const run of report.runs) this.emitStatus(run.runId, run.status, run.status === 'running' ? 0 : 1, null, run.error, run.summary);
  }

  /** A change the pipeline did not make (a Slurm collect, a run log), announced with the run's experiment. */
  private emitStatus(runId: number, status: RunStatus, progress: number, etaMs: number | null, error: string | null, summary: Run['summary'] = null): void {
    if (!this.store) return;
    this.statuses.push({ runId, experimentId: this.store.getRun(runId).experimentId, status, progress, etaMs, error, summary });
  }

  private async closeProject(): Promise<void> {
    if (this.runLogTimer) clearInterval(this.runLogTimer);
    this.runLogTimer = null;
    this.runLogs = null;
    if (!this.store) return;
    await this.cluster.idle();
    await this.pipeline.closeProject();
    // Runs cancelled by the close are announced before the project goes away.
    this.statuses.flush();
    this.store.close();
    this.store = null;
  }

  private createHandlers(): Handlers {
    const o = this.options;
    return {
      app: {
        info: () => ({ version: o.appVersion, host: o.host, platform: process.platform, poolSize: this.pipeline.poolSize ?? o.poolSize ?? defaultPoolSize() }),
        gpu: () => {
          // A probe that failed outright is not kept: the next call tries again.
          this.gpuProbe ??= this.pipeline.requireScheduler().probeGpu().catch((error: unknown) => {
            this.gpuProbe = null;
            throw error;
          });
          return this.gpuProbe;
        },
      },
      projects: {
        new: async ({ path }) => {
          const store = ProjectStore.create(path, o.appVersion);
          await this.setProject(store);
          return store.info();
        },
        open: async ({ path, readOnly }) => {
          const store = ProjectStore.open(path, o.appVersion, { readOnly });
          await this.setProject(store);
          return store.info();
        },
        saveAs: async ({ path }) => {
          const current = this.requireStore();
          this.pipeline.flushWrites();
          if (this.pipeline.hasActiveRuns()) throw new ExpectedError('wait for the running experiments to finish (or cancel them) before "Save as"');
          const copy = current.saveAs(path);
          await this.setProject(copy);
          return copy.info();
        },
        close: async () => {
          await this.setProject(null);
          return { ok: true as const };
        },
        current: () => this.store?.info() ?? null,
        recent: () => this.recent.list(),
      },
      experiments: {
        list: () => this.requireStore().listExperiments(),
        create: ({ spec }) => {
          const valid = this.pipeline.requireValid(spec);
          const experiment = this.requireStore().insertExperiment(valid);
          this.emit('experiments.changed', {});
          return experiment;
        },
        validate: ({ spec }) => {
          const { ok, runCount, issues } = this.pipeline.validate(spec);
          return { ok, runCount, issues };
        },
        update: ({ id, patch }) => {
          const store = this.requireStore();
          const current = store.getExperiment(id);
          this.pipeline.requireValid({ family: current.family, name: current.name, params: current.params, sweep: current.sweep, seeds: current.seeds, ...patch, notes: patch.notes ?? current.notes, tags: patch.tags ?? current.tags });
          const updated = store.updateExperiment(id, patch);
          this.emit('experiments.changed', {});
          return updated;
        },
        duplicate: ({ id }) => {
          const store = this.requireStore();
          const e = store.getExperiment(id);
          const copy = store.insertExperiment({ family: e.family, name: `${e.name} (copy)`, params: e.params, sweep: e.sweep, seeds: e.seeds, notes: e.notes, tags: e.tags });
          this.emit('experiments.changed', {});
          return copy;
        },
        delete: ({ id }) => {
          const store = this.requireStore();
          const active = store.listRuns(id).filter((r) => this.pipeline.isActive(r.id));
          if (active.length > 0) throw new ExpectedError('this experiment has runs in progress: cancel them first');
          // Deleting would forget a job Slurm is still running.
          if (store.slurm.listJobs(id).some((job) => job.endedAtMs === null)) throw new ExpectedError('this experiment has a live Slurm job: cancel it and collect first');
          const folders = this.artifactFolders(store, store.listRuns(id).map((r) => r.id));
          store.deleteExperiment(id);
          removeArtifacts(folders);
          this.emit('experiments.changed', {});
          return { ok: true as const };
        },
        exportSpec: ({ id }) => {
          const e = this.requireStore().getExperiment(id);
          return { family: e.family, name: e.name, params: e.params, sweep: e.sweep, seeds: e.seeds, notes: e.notes, tags: e.tags };
        },
        examples: () => loadExamples(o.examplesDir),
      },
      runs: {
        start: ({ experimentId }) => this.pipeline.startExperiment(experimentId),
        startPoints: ({ experimentId, points }) => this.pipeline.startPoints(experimentId, points),
        cancel: ({ runIds, experimentId }) => ({ cancelled: this.pipeline.cancel(runIds, experimentId) }),
        list: ({ experimentId }) => this.requireStore().listRuns(experimentId),
        series: ({ runIds, metrics, maxPoints, logX, alsoLogX }) => this.readSeries(runIds, metrics, maxPoints, logX, alsoLogX),
        theory: ({ runIds }) => {
          const store = this.requireStore();
          return runIds.map((runId) => ({ runId, theory: store.getTheory(runId) }));
        },
        update: ({ id, tags, notes }) => this.requireStore().updateRunMeta(id, { tags, notes }),
        source: ({ runId }) => runSourceOf(this.requireStore(), this.pipeline.families, runId),
        artifacts: ({ runId }) => {
          const store = this.requireStore();
          store.getRun(runId);
          const [dir] = this.artifactFolders(store, [runId]);
          return { runId, dir, files: listArtifacts(dir) };
        },
        origins: ({ runIds }) => [...this.requireStore().origins.ofRuns(runIds).values()].map(({ runId, kind, source, name, importedAtMs }) => ({ runId, kind, source, name, importedAtMs })),
        import: ({ path, kind, experimentName }) => {
          const store = this.requireStore();
          const { report, ...result } = importRuns(this.ingestContext(store), path, kind, experimentName);
          this.applyIngest(report);
          return result;
        },
        delete: ({ runIds }) => {
          if (runIds.some((id) => this.pipeline.isActive(id))) throw new ExpectedError('some of these runs are in progress: cancel them first');
          if (runIds.some((id) => this.requireStore().getRun(id).status === 'submitted')) throw new ExpectedError('some of these runs are on Slurm: cancel the job and collect first');
          const store = this.requireStore();
          const folders = this.artifactFolders(store, runIds);
          store.deleteRuns(runIds);
          removeArtifacts(folders);
          return { ok: true as const };
        },
      },
      families: {
        list: () => {
          const families = this.pipeline.families;
          const catalog = familyCatalog([...families.list(), ...(this.store ? storedFamilyEntries(this.store, families) : [])]);
          const logged = this.store?.listFamilyMetrics(loggedFamilyId) ?? [];
          return logged.length > 0 ? [...catalog, loggedFamilyInfo(logged)] : catalog;
        },
        problems: () => [...this.pipeline.families.errors()],
        check: () => checkProjectFamilies(this.requireStore(), this.pipeline.families),
        restore: async ({ familyId }) => {
          const store = this.requireStore();
          const location = restoreFamily(store, familyId);
          // Only what was restored is trusted: the project's other families stay as they were.
          await this.pipeline.trustRestored(location, store.path);
          return { location };
        },
        reload: async () => {
          await this.pipeline.loadFamilies(this.store?.path ?? null);
          return { ok: true as const };
        },
        trustProject: async () => {
          await this.pipeline.trustProject(this.requireStore().path);
          return { ok: true as const };
        },
      },
      slurm: {
        status: () => this.cluster.status(),
        submit: ({ experimentId, options, again }) => this.cluster.submit(experimentId, options, again),
        collect: () => this.cluster.collect(),
        cancel: ({ jobId }) => this.cluster.cancel(jobId),
        jobs: ({ experimentId }) => this.cluster.jobs(experimentId),
      },
      dialogs: {
        pickProjectPath: async ({ mode }) => {
          if (!o.dialogs) throw new ExpectedError('file dialogs are only available in the desktop app: type a path instead');
          return { path: await o.dialogs.pickProjectPath(mode) };
        },
      },
      analyses: {
        list: ({ experimentId }) => this.requireStore().listAnalyses(experimentId),
        compute: ({ experimentId }) => this.pipeline.analyze(experimentId),
      },
      dashboards: {
        list: ({ experimentId }) => this.requireStore().listDashboards(experimentId ?? undefined),
        save: (input) => this.requireStore().saveDashboard(input),
        delete: ({ id }) => {
          this.requireStore().deleteDashboard(id);
          return { ok: true as const };
        },
      },
      exports: {
        csv: ({ runIds, metrics, maxPoints }) => {
          const store = this.requireStore();
          this.pipeline.flushWrites();
          const runs = runIds.map((id) => store.getRun(id));
          return seriesToCsv(runs, (runId) => store.readSeries(runId, metrics), maxPoints, store.info().name);
        },
        saveFile: async ({ suggestedName, data, encoding, sidecars }) => {
          if (!o.dialogs) throw new ExpectedError('saving through a dialog is only available in the desktop app');
          const saved = await o.dialogs.saveFile(suggestedName, Buffer.from(data, encoding));
          if (saved !== null) await writeSidecars(saved, sidecars);
          return { path: saved };
        },
        listPresets: () => this.requireStore().listFigurePresets(),
        savePreset: (input) => this.requireStore().saveFigurePreset(input),
        deletePreset: ({ id }) => {
          this.requireStore().deleteFigurePreset(id);
          return { ok: true as const };
        },
      },
      claims: {
        list: () => this.claimsOverview(),
        reproduce: ({ claimId, variant }) => this.reproduceClaim(claimId, variant),
        report: ({ format }) => {
          const { papers, claims } = this.claimsOverview();
          const source = this.store ? `the stored analyses of ${this.store.path}` : 'no project: none open, nothing run';
          return claimsReport(papers, claims, { format, appVersion: o.appVersion, date: new Date(), source });
        },
      },
    };
  }

  /** The claims catalog, read afresh (examples/claims/), judged from every experiment's stored analyses. */
  private claimsOverview(): ClaimsOverview {
    const catalog = loadClaimCatalog(join(this.options.examplesDir, 'claims'));
    const store = this.store;
    const experiments = store
      ? store.listExperiments().map((e) => ({ experimentId: e.id, experimentName: e.name, records: store.listAnalyses(e.id) }))
      : [];
    const claims = judgeClaims(catalog, experiments).map((status) => ({ ...status, numbers: claimNumbers(status) }));
    return { papers: catalog.map(({ claims: _claims, ...paper }) => paper), claims };
  }

  /** An experiment from each example the claim names, named after the claim, with its runs started. */
  private reproduceClaim(claimId: string, variant: 'quick' | 'full'): { experimentIds: number[] } {
    const store = this.requireStore();
    const status = this.claimsOverview().claims.find((c) => c.claim.id === claimId);
    if (!status) throw new ExpectedError(`no claim ${claimId} in the catalog`, [{ path: 'claimId', message: 'unknown claim' }]);
    if (status.claim.notHere !== null) throw new ExpectedError(`claim ${claimId} is not reproducible here: ${status.claim.notHere}`, [{ path: 'claimId', message: 'not reproducible here' }]);
    const examples = loadExamples(this.options.examplesDir);
    const specs = status.claim.examples.map((name) => {
      const example = examples.find((e) => e.file === `${name}.json`);
      if (!example) throw new ExpectedError(`claim ${claimId} names example ${name}, which is not among the examples (examples/${name}.json)`);
      // An example without a quick variant is small already (examples over a minute must have one).
      const spec = variant === 'quick' ? (example.quick ?? example.spec) : example.spec;
      return this.pipeline.requireValid({ ...spec, name: `${claimId} · ${spec.name}` });
    });
    const experimentIds = specs.map((spec) => store.insertExperiment(spec).id);
    this.emit('experiments.changed', {});
    for (const experimentId of experimentIds) this.pipeline.startExperiment(experimentId);
    return { experimentIds };
  }

  /**
   * Stored series reduced for display: small reads inline, large ones in the pool's view thread.
   * With `alsoLogX`, series longer than `maxPoints` are reduced for a log x axis too.
   */
  private async readSeries(runIds: number[], metrics: string[] | undefined, maxPoints: number, logX: boolean, alsoLogX: boolean) {
    const store = this.requireStore();
    this.pipeline.flushWrites();
    const read = runIds.flatMap((runId) => store.readSeries(runId, metrics).map((series) => ({ runId, ...series })));
    const lengths = read.map((s) => s.x.length);
    const longer = alsoLogX ? read.filter((s) => s.x.length > maxPoints) : [];
    const totalPoints = lengths.reduce((sum, n) => sum + n, 0);
    let reduced: { x: Float64Array; y: Float64Array }[];
    let logReducedList: { x: Float64Array; y: Float64Array }[];
    if (totalPoints <= inlineDownsamplePoints) {
      reduced = read.map(({ x, y }) => downsample(x, y, maxPoints, { logX }));
      logReducedList = longer.map(({ x, y }) => downsample(x, y, maxPoints, { logX: true }));
    } else {
      // One task makes both reductions from the arrays it is given (transferred, not copied).
      const both = await this.pipeline.requireScheduler().downsample({ series: read.map(({ x, y }) => ({ x, y })), maxPoints, logX, alsoLogX });
      reduced = both.slice(0, read.length);
      logReducedList = both.slice(read.length);
    }
    const logReduced = new Map(logReducedList.map((xy, i) => [longer[i], xy]));
    return runIds.map((runId) => ({
      runId,
      series: read.flatMap((s, i) => {
        if (s.runId !== runId) return [];
        const log = logReduced.get(s);
        return [{ metric: s.metric, x: Array.from(reduced[i].x), y: Array.from(reduced[i].y), totalPoints: lengths[i], ...(log ? { logX: { x: Array.from(log.x), y: Array.from(log.y) } } : {}) }];
      }),
    }));
  }
}

type MethodEntry = { definition: { input: z.ZodType; output: z.ZodType }; handler: (input: unknown) => unknown };

/**
 * The schema and handler of `ns.method`, found among own properties only: through the prototype
 * chain `__proto__.toString` or `app.constructor` would reach a function that is no handler.
 */
function lookUpMethod(handlers: Handlers, ns: unknown, method: unknown): MethodEntry {
  if (typeof ns !== 'string') throw new ExpectedError(`malformed request: ns must be a string, got ${describeType(ns)}`, [{ path: 'ns', message: 'must be a string' }]);
  if (typeof method !== 'string') throw new ExpectedError(`malformed request: method must be a string, got ${describeType(method)}`, [{ path: 'method', message: 'must be a string' }]);
  const definitions = ownEntry<Record<string, MethodEntry['definition']>>(api, ns);
  if (!definitions) throw new ExpectedError(`unknown API method "${ns}.${method}": no namespace "${ns}"`, [{ path: 'ns', message: `unknown namespace (known: ${Object.keys(api).join(', ')})` }]);
  const definition = ownEntry<MethodEntry['definition']>(definitions, method);
  const handler = ownEntry<MethodEntry['handler']>(ownEntry(handlers, ns), method);
  if (!definition || !handler) throw new ExpectedError(`unknown API method "${ns}.${method}"`, [{ path: 'method', message: `unknown method of ${ns} (known: ${Object.keys(definitions).join(', ')})` }]);
  return { definition, handler };
}

function ownEntry<T>(object: unknown, key: string): T | undefined {
  return typeof object === 'object' && object !== null && Object.hasOwn(object, key) ? ((object as Record<string, unknown>)[key] as T) : undefined;
}

function describeType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
