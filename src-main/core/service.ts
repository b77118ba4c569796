// The API's implementation, shared by every host (Electron IPC, the serve host, the CLI). It owns
// the open project, the scheduler and the live event stream; hosts only carry messages.
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
import { Scheduler, type FinishedOutcome } from './scheduler';
import { defaultPoolSize } from './run-pool';
import { RunWriter } from './chunk-writer';
import { LiveFeed, StatusBatch } from './live-feed';
import { RecentProjects } from './recent';
import { familyCatalog } from './family-catalog';
import { FamilyRegistry, projectFamiliesDir } from './family-registry';
import { checkProjectFamilies, recordRunSource, restoreFamily, runSourceOf, storedFamilyEntries } from './family-provenance';
import { loadExamples } from './examples';
import { judgeClaims, loadClaimCatalog } from './claims';
import { claimNumbers, claimsReport } from './claims-report';
import { planRuns, parsePoint } from './run-plan';
import { requireValidSpec, validateSpec } from './spec-validation';
import { downsample } from '../../workers/numeric/downsample';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import { seriesToCsv } from './csv-export';
import { prototypeKeyIssues } from './prototype-keys';
import { importRuns } from './run-import';
import { RunLogFolder, loggedFamilyId, loggedFamilyInfo, projectRunsDir, type IngestContext, type IngestReport } from './run-logs';
import { writeSidecars } from './sidecars';
import { ClusterService, cliCommandOf } from './slurm/cluster-service';
import { describeDevice } from './device-label';
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
/** A window hears of a run's progress at most this often. */
const progressIntervalMs = 100;
/** Progress reaches the project file in one transaction this often, not once per report. */
const progressWriteMs = 1000;
/** A window's host reads new lines of run logs (saddle_lab.init) this often. */
const runLogPollMs = 500;

export class SaddleService {
  private store: ProjectStore | null = null;
  private scheduler: Scheduler | null = null;
  /** Probed once per app session: opening an adapter takes a while. */
  private gpuProbe: Promise<GpuProbe> | null = null;
  /** Writes of runs in progress, committed together; flushed before any handler reads. */
  private readonly writer = new RunWriter(() => this.requireStore());
  private readonly live: LiveFeed;
  private readonly statuses = new StatusBatch((changes) => this.emit('run.statuses', { changes }));
  private readonly listeners = new Set<EventListener>();
  private readonly recent: RecentProjects;
  /** Runs not yet finished, per experiment; when a set empties the sweep's analyses run. */
  private readonly outstanding = new Map<number, Set<number>>();
  private readonly idleWaiters = new Map<number, (() => void)[]>();
  private readonly lastProgressMs = new Map<number, number>();
  /** Progress not yet written to the project file, per run. */
  private readonly unsavedProgress = new Map<number, number>();
  private progressTimer: NodeJS.Timeout | null = null;
  private readonly experimentOfRun = new Map<number, number>();
  private readonly cluster: ClusterService;
  /** The open project's run-log folder (<project>.runs/), read on open and, with a window, polled. */
  private runLogs: RunLogFolder | null = null;
  private runLogTimer: NodeJS.Timeout | null = null;
  readonly families: FamilyRegistry;
  /** Every handler waits for the user's families to be loaded (code families are imported, asynchronously). */
  private familiesLoaded: Promise<void>;
  /** Projects whose own families folder the user trusted in this session (its code may load and run). */
  private readonly trustedProjects = new Set<string>();
  /** Families the user restored from a project's stored copy in this session: trusted one by one, where they were written. */
  private readonly restoredFamilies = new Set<string>();
  readonly handlers: Handlers;

  constructor(private readonly options: ServiceOptions) {
    this.recent = options.recent ?? new RecentProjects();
    this.live = new LiveFeed((points) => this.emit('run.points', points));
    this.cluster = new ClusterService({
      appVersion: options.appVersion,
      store: () => this.requireStore(),
      // The worker lives in <app>/dist/main, next to the CLI's bin/ two levels up.
      cli: cliCommandOf(join(dirname(options.workerFile), '..', '..')),
      families: () => this.families,
      analyze: (experimentId) => this.computeAnalyses(experimentId),
      changed: (runIds) => {
        for (const run of runIds.map((id) => this.requireStore().getRun(id))) this.emitStatus(run.id, run.status, run.progress, null, run.error, run.summary);
      },
    });
    // The Python helper ships in <app>/python, two levels up from the worker like the CLI.
    this.families = new FamilyRegistry({ familyPaths: options.familyPaths, sdkDir: join(dirname(options.workerFile), '..', '..', 'python') });
    this.familiesLoaded = this.families.load(null);
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
    await this.familiesLoaded;
    // Whatever a window has been told is in the file before a handler reads it.
    if (this.store) this.writer.flush();
    return definition.output.parse(await handler(parsed.data));
  }

  get project(): ProjectStore | null {
    return this.store;
  }

  /** Starts the pool's first thread now, so its start-up overlaps the host's own (the CLI's `run`). */
  warmUp(): void {
    this.requireScheduler();
  }

  /** Resolves when every run of the experiment has finished and its analyses are stored. */
  waitForExperiment(experimentId: number): Promise<void> {
    if (!this.outstanding.has(experimentId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.idleWaiters.get(experimentId) ?? [];
      waiters.push(resolve);
      this.idleWaiters.set(experimentId, waiters);
    });
  }

  async close(): Promise<void> {
    await this.closeProject();
    await this.scheduler?.close();
    this.scheduler = null;
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

  private requireScheduler(): Scheduler {
    this.scheduler ??= new Scheduler(
      { workerFile: this.options.workerFile, poolSize: this.options.poolSize },
      {
        onStarted: (runId, atMs) => this.onRunStarted(runId, atMs),
        onChunk: (chunk) => {
          this.writer.chunk(chunk);
          if (this.options.liveEvents !== false) this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y);
        },
        onProgress: (runId, fraction, etaMs) => this.onRunProgress(runId, fraction, etaMs),
        onDevice: (runId, used) => {
          if (this.store) this.writer.device(runId, describeDevice(used));
        },
        onFinished: (runId, outcome) => this.onRunFinished(runId, outcome),
        onLog: (runId, text) => this.store?.familySources.setStderr(runId, text),
      },
    );
    return this.scheduler;
  }

  private async setProject(store: ProjectStore | null): Promise<void> {
    await this.closeProject();
    this.store = store;
    if (store) {
      this.recent.touch(store.path);
      // A window shows Slurm jobs as they go; the CLI collects when asked.
      if (this.options.host !== 'cli' && !store.readOnly) this.cluster.watch();
    }
    await this.reloadFamilies();
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
      findFamily: (id) => this.families.find(id)?.family,
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

  /** Tells the windows what a read of run logs or an import brought in. */
  private applyIngest(report: IngestReport): void {
    for (const problem of report.problems) console.error(`run log: ${problem}`);
    if (report.listsChanged) this.emit('experiments.changed', {});
    if (this.options.liveEvents !== false) for (const chunk of report.chunks) this.live.push(chunk.runId, chunk.metric, chunk.x, chunk.y);
    this.live.flush();
    for (const run of report.runs) this.emitStatus(run.runId, run.status, run.status === 'running' ? 0 : 1, null, run.error, run.summary);
  }

  private async reloadFamilies(): Promise<void> {
    const path = this.store?.path ?? null;
    const projectTrusted = path !== null && this.trustedProjects.has(path);
    this.familiesLoaded = this.families.load(path, (location) => projectTrusted || this.restoredFamilies.has(location));
    await this.familiesLoaded;
  }

  private async closeProject(): Promise<void> {
    if (this.runLogTimer) clearInterval(this.runLogTimer);
    this.runLogTimer = null;
    this.runLogs = null;
    if (!this.store) return;
    await this.cluster.idle();
    const running = [...this.experimentOfRun.keys()];
    if (running.length > 0 && this.scheduler) {
      this.scheduler.cancel(running);
      await Promise.all([...this.outstanding.keys()].map((id) => this.waitForExperiment(id)));
    }
    this.writer.flush();
    this.saveProgress();
    // Runs cancelled by the close are announced before the project goes away.
    this.statuses.flush();
    this.store.close();
    this.store = null;
  }

  private onRunStarted(runId: number, atMs: number): void {
    if (!this.store) return;
    // The device is recorded when the worker reports it (onDevice), not guessed here.
    this.writer.started(runId, atMs);
    this.emitStatus(runId, 'running', 0, null, null);
  }

  private onRunProgress(runId: number, fraction: number, etaMs: number | null): void {
    const now = Date.now();
    if (now - (this.lastProgressMs.get(runId) ?? 0) < progressIntervalMs) return;
    this.lastProgressMs.set(runId, now);
    this.unsavedProgress.set(runId, fraction);
    this.progressTimer ??= setTimeout(() => this.saveProgress(), progressWriteMs);
    this.emitStatus(runId, 'running', fraction, etaMs, null);
  }

  /** Writes the progress gathered since the last write, in one transaction. */
  private saveProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (this.unsavedProgress.size > 0 && this.store) {
      // After the pending starts: a start written later would reset the progress to 0.
      this.writer.flush();
      this.store.setRunsProgress(this.unsavedProgress);
    }
    this.unsavedProgress.clear();
  }

  private onRunFinished(runId: number, outcome: FinishedOutcome): void {
    const experimentId = this.experimentOfRun.get(runId);
    this.lastProgressMs.delete(runId);
    this.unsavedProgress.delete(runId);
    try {
      if (!this.store) return;
      this.live.flush();
      this.writer.finished(runId, {
        status: outcome.status,
        error: outcome.status === 'done' ? null : outcome.error,
        summary: outcome.summary,
        theory: outcome.theory,
        finishedAtMs: Date.now(),
      });
      this.emitStatus(runId, outcome.status, outcome.status === 'done' ? 1 : 0, null, outcome.status === 'done' ? null : outcome.error, outcome.summary);
    } finally {
      // Whatever storing or announcing the end did, the run no longer holds its sweep open.
      this.experimentOfRun.delete(runId);
      const open = experimentId === undefined ? undefined : this.outstanding.get(experimentId);
      open?.delete(runId);
      if (experimentId !== undefined && open?.size === 0) void this.finishExperiment(experimentId);
    }
  }

  private async finishExperiment(experimentId: number): Promise<void> {
    try {
      if (this.store) await this.computeAnalyses(experimentId);
    } catch (error) {
      // The runs are stored; a failing analysis must not take the host down. It is reported, and
      // analyses.compute can be run again.
      console.error(`analyses of experiment ${experimentId} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.outstanding.delete(experimentId);
      for (const resolve of this.idleWaiters.get(experimentId) ?? []) resolve();
      this.idleWaiters.delete(experimentId);
    }
  }

  /** Computes and stores an experiment's analyses, telling the windows when it starts, and the records or the error when it ends. */
  private async computeAnalyses(experimentId: number) {
    const store = this.requireStore();
    this.writer.flush();
    const experiment = store.getExperiment(experimentId);
    this.emit('analyses.changed', { experimentId, state: 'computing' });
    try {
      const runs = store.listRuns(experimentId).map((r) => ({ runId: r.id, params: r.params, seed: r.seed, status: r.status, summary: r.summary }));
      const results = await this.requireScheduler().analyze({ family: experiment.family, source: this.families.find(experiment.family)?.source ?? undefined, runs });
      if (this.store !== store) return [];
      store.saveAnalyses(experimentId, results);
      // The records travel with the event: a window busy with a sweep's data gets them without a round trip.
      const records = store.listAnalyses(experimentId);
      this.emit('analyses.changed', { experimentId, state: 'stored', records });
      return records;
    } catch (error) {
      if (this.store === store) this.emit('analyses.changed', { experimentId, state: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  /** A run in flight here is known by experiment without a store read: this is called for every progress report. */
  private emitStatus(runId: number, status: RunStatus, progress: number, etaMs: number | null, error: string | null, summary: Run['summary'] = null): void {
    if (!this.store) return;
    const experimentId = this.experimentOfRun.get(runId) ?? this.store.getRun(runId).experimentId;
    this.statuses.push({ runId, experimentId, status, progress, etaMs, error, summary });
  }

  private createHandlers(): Handlers {
    const o = this.options;
    return {
      app: {
        info: () => ({ version: o.appVersion, host: o.host, platform: process.platform, poolSize: this.scheduler?.poolSize ?? o.poolSize ?? defaultPoolSize() }),
        gpu: () => {
          // A probe that failed outright is not kept: the next call tries again.
          this.gpuProbe ??= this.requireScheduler().probeGpu().catch((error: unknown) => {
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
          this.writer.flush();
          if (this.experimentOfRun.size > 0) throw new ExpectedError('wait for the running experiments to finish (or cancel them) before "Save as"');
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
          const valid = requireValidSpec(spec, this.families.definitions());
          const experiment = this.requireStore().insertExperiment(valid);
          this.emit('experiments.changed', {});
          return experiment;
        },
        validate: ({ spec }) => {
          const { ok, runCount, issues } = validateSpec(spec, this.families.definitions());
          return { ok, runCount, issues };
        },
        update: ({ id, patch }) => {
          const store = this.requireStore();
          const current = store.getExperiment(id);
          requireValidSpec({ family: current.family, name: current.name, params: current.params, sweep: current.sweep, seeds: current.seeds, ...patch, notes: patch.notes ?? current.notes, tags: patch.tags ?? current.tags }, this.families.definitions());
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
          const active = store.listRuns(id).filter((r) => this.experimentOfRun.has(r.id));
          if (active.length > 0) throw new ExpectedError('this experiment has runs in progress: cancel them first');
          // Deleting would forget a job Slurm is still running.
          if (store.slurm.listJobs(id).some((job) => job.endedAtMs === null)) throw new ExpectedError('this experiment has a live Slurm job: cancel it and collect first');
          store.deleteExperiment(id);
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
        start: ({ experimentId }) => this.startExperiment(experimentId),
        startPoints: ({ experimentId, points }) => this.startPoints(experimentId, points),
        cancel: ({ runIds, experimentId }) => {
          const ids = new Set(runIds ?? []);
          if (experimentId !== undefined) for (const [runId, eid] of this.experimentOfRun) if (eid === experimentId) ids.add(runId);
          if (runIds === undefined && experimentId === undefined) for (const runId of this.experimentOfRun.keys()) ids.add(runId);
          return { cancelled: this.scheduler?.cancel([...ids]) ?? 0 };
        },
        list: ({ experimentId }) => this.requireStore().listRuns(experimentId),
        series: ({ runIds, metrics, maxPoints, logX, alsoLogX }) => this.readSeries(runIds, metrics, maxPoints, logX, alsoLogX),
        theory: ({ runIds }) => {
          const store = this.requireStore();
          return runIds.map((runId) => ({ runId, theory: store.getTheory(runId) }));
        },
        update: ({ id, tags, notes }) => this.requireStore().updateRunMeta(id, { tags, notes }),
        source: ({ runId }) => runSourceOf(this.requireStore(), this.families, runId),
        origins: ({ runIds }) => [...this.requireStore().origins.ofRuns(runIds).values()].map(({ runId, kind, source, name, importedAtMs }) => ({ runId, kind, source, name, importedAtMs })),
        import: ({ path, kind, experimentName }) => {
          const store = this.requireStore();
          const { report, ...result } = importRuns(this.ingestContext(store), path, kind, experimentName);
          this.applyIngest(report);
          return result;
        },
        delete: ({ runIds }) => {
          if (runIds.some((id) => this.experimentOfRun.has(id))) throw new ExpectedError('some of these runs are in progress: cancel them first');
          if (runIds.some((id) => this.requireStore().getRun(id).status === 'submitted')) throw new ExpectedError('some of these runs are on Slurm: cancel the job and collect first');
          this.requireStore().deleteRuns(runIds);
          return { ok: true as const };
        },
      },
      families: {
        list: () => {
          const catalog = familyCatalog([...this.families.list(), ...(this.store ? storedFamilyEntries(this.store, this.families) : [])]);
          const logged = this.store?.listFamilyMetrics(loggedFamilyId) ?? [];
          return logged.length > 0 ? [...catalog, loggedFamilyInfo(logged)] : catalog;
        },
        problems: () => [...this.families.errors()],
        check: () => checkProjectFamilies(this.requireStore(), this.families),
        restore: async ({ familyId }) => {
          const store = this.requireStore();
          const location = restoreFamily(store, familyId);
          // Only what was restored is trusted: the project's other families stay as they were.
          this.restoredFamilies.add(location);
          await this.reloadFamilies();
          return { location };
        },
        reload: async () => {
          await this.reloadFamilies();
          return { ok: true as const };
        },
        trustProject: async () => {
          this.trustedProjects.add(this.requireStore().path);
          await this.reloadFamilies();
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
        compute: ({ experimentId }) => this.computeAnalyses(experimentId),
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
          this.writer.flush();
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
      return requireValidSpec({ ...spec, name: `${claimId} · ${spec.name}` }, this.families.definitions());
    });
    const experimentIds = specs.map((spec) => store.insertExperiment(spec).id);
    this.emit('experiments.changed', {});
    for (const experimentId of experimentIds) this.startExperiment(experimentId);
    return { experimentIds };
  }

  /**
   * Stored series reduced for display: small reads inline, large ones in the pool's view thread.
   * With `alsoLogX`, series longer than `maxPoints` are reduced for a log x axis too.
   */
  private async readSeries(runIds: number[], metrics: string[] | undefined, maxPoints: number, logX: boolean, alsoLogX: boolean) {
    const store = this.requireStore();
    this.writer.flush();
    const read = runIds.flatMap((runId) => store.readSeries(runId, metrics).map((series) => ({ runId, ...series })));
    const lengths = read.map((s) => s.x.length);
    const longer = alsoLogX ? read.filter((s) => s.x.length > maxPoints) : [];
    const reduce = async (list: typeof read, logAxis: boolean) => {
      const totalPoints = list.reduce((sum, s) => sum + s.x.length, 0);
      if (totalPoints <= inlineDownsamplePoints) return list.map(({ x, y }) => downsample(x, y, maxPoints, { logX: logAxis }));
      // The view thread takes the arrays it is given: those reduced again for log x go as copies.
      const again = new Set(logAxis ? [] : longer);
      return this.requireScheduler().downsample({ series: list.map((s) => (again.has(s) ? { x: s.x.slice(), y: s.y.slice() } : { x: s.x, y: s.y })), maxPoints, logX: logAxis });
    };
    const reduced = await reduce(read, logX);
    const logReduced = new Map((longer.length > 0 ? await reduce(longer, true) : []).map((xy, i) => [longer[i], xy]));
    return runIds.map((runId) => ({
      runId,
      series: read.flatMap((s, i) => {
        if (s.runId !== runId) return [];
        const log = logReduced.get(s);
        return [{ metric: s.metric, x: Array.from(reduced[i].x), y: Array.from(reduced[i].y), totalPoints: lengths[i], ...(log ? { logX: { x: Array.from(log.x), y: Array.from(log.y) } } : {}) }];
      }),
    }));
  }

  private startExperiment(experimentId: number): { runIds: number[] } {
    const store = this.requireStore();
    const experiment = store.getExperiment(experimentId);
    const spec = requireValidSpec({ family: experiment.family, name: experiment.name, params: experiment.params, sweep: experiment.sweep, seeds: experiment.seeds }, this.families.definitions());
    const planned = planRuns(spec, this.families.require(spec.family));
    return this.submitRuns(experimentId, experiment.family, planned);
  }

  /** Runs at explicit points (overrides of the experiment's params), each validated and named on error. */
  private startPoints(experimentId: number, points: Record<string, unknown>[]): { runIds: number[] } {
    const experiment = this.requireStore().getExperiment(experimentId);
    const family = this.families.require(experiment.family);
    const planned = points.flatMap((point, i) => {
      const params = parsePoint(family, { ...experiment.params, ...point }, `points[${i}]`);
      return experiment.seeds.map((seed) => ({ params, seed }));
    });
    return this.submitRuns(experimentId, experiment.family, planned);
  }

  private submitRuns(experimentId: number, familyId: string, planned: { params: Record<string, unknown>; seed: number }[]): { runIds: number[] } {
    const store = this.requireStore();
    if (this.families.find(familyId)?.trusted === false) {
      throw new ExpectedError(`${familyId} comes from this project's folder (${projectFamiliesDir(store.path)}): it runs code, so trust the project's families first`);
    }
    const scheduler = this.requireScheduler();
    const runIds = store.insertRuns(experimentId, planned);
    const entry = this.families.find(familyId);
    // A script family's copy is stored with the runs, and its hash travels in the task: the worker runs exactly that.
    const hash = entry ? recordRunSource(store, entry, runIds) : null;
    const source = entry?.source?.kind === 'script' && hash ? { ...entry.source, hash } : (entry?.source ?? undefined);
    const open = this.outstanding.get(experimentId) ?? new Set<number>();
    this.outstanding.set(experimentId, open);
    runIds.forEach((runId, i) => {
      open.add(runId);
      this.experimentOfRun.set(runId, experimentId);
      this.emitStatus(runId, 'queued', 0, null, null);
      void scheduler.submit({ runId, family: familyId, source, params: planned[i].params, seed: planned[i].seed });
    });
    return { runIds };
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
