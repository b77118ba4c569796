// The one path from an experiment to runs stored with their provenance, used by every way a run
// starts: the app, the serve host and the CLI (through SaddleService), a Slurm submission
// (ClusterService.submit) and a Slurm array task on the compute node (slurm/task-runner.ts). It
// owns the family registry, validation and planning, the trust check, provenance (the family's
// stored copy and content hash), the scheduler→store wiring and the checks of everything a worker
// returns. Hosts only say which project the runs go into and what to tell their windows.
import { runArtifactsDir } from './artifacts';
import { readAnalysisResult, type AnalysisRecord, type AnalysisResult, type Experiment, type ExperimentSpec, type Run, type RunStatus } from '../contract';
import type { FamilySource } from '../../workers/families/sources';
import { FamilyRegistry, projectFamiliesDir, type RegistryOptions } from './family-registry';
import { recordRunSource, snapshotSource } from './family-provenance';
import { planRuns, parsePoint } from './run-plan';
import { requireValidSpec, SweepCheckMemo, validateSpec, type SpecValidation } from './spec-validation';
import { Scheduler, type ChunkOut, type FinishedOutcome } from './scheduler';
import { RunWriter } from './chunk-writer';
import { diskFullError, isDiskFull } from './store/project-file';
import { describeDevice } from './device-label';
import { ExpectedError, describeIssues, issuesFromZod } from './errors';
import type { PlannedRun } from '../contract/sweep';
import type { ProjectStore } from './store/project-store';
import type { PrestartedPool } from './run-pool';

/** What a host hears of the runs; the store has each change before it is told. */
export interface PipelineListener {
  status(change: { runId: number; experimentId: number; status: RunStatus; progress: number; etaMs: number | null; error: string | null; summary: Run['summary'] }): void;
  /** Metric points as they arrive from the workers (a window's live charts). */
  points?(chunk: ChunkOut): void;
  /** An experiment's analyses: started, stored (with the records) or refused (with the reason). */
  analyses?(change: { experimentId: number; state: 'computing' } | { experimentId: number; state: 'stored'; records: AnalysisRecord[] } | { experimentId: number; state: 'failed'; error: string }): void;
}

export interface RunPipelineOptions {
  workerFile: string;
  /** Threads in the pool; default cores − 1. */
  poolSize?: number;
  /** A pool the host started early (the CLI's `run`), which the scheduler takes over. */
  prestarted?: PrestartedPool;
  /** Where families are installed; null: none is loaded, the family comes with each run (a Slurm task). */
  registry: RegistryOptions | null;
  /** The project the runs go into: the open project, or a Slurm task's shard. */
  store(): ProjectStore | null;
  listener: PipelineListener;
  /** Analyses run when an experiment's last run ends; a Slurm task leaves them to the collect. */
  analyzeWhenDone: boolean;
  /** A run's progress is announced at most this often (ms). */
  progressIntervalMs?: number;
}

/** How a Slurm task's run is known outside its shard: the project's run id and its artifacts folder in the job folder. */
export interface KeptAs {
  projectRunId: number;
  artifactsDir: string;
}

/** A Slurm submission, planned and checked as a local start is; its copy is stored once the runs exist. */
export interface PreparedSubmission {
  spec: ExperimentSpec;
  planned: PlannedRun[];
  /** Null for a built-in; a script family's carries the hash its tasks must find. */
  source: FamilySource | null;
  recordSource(runIds: readonly number[]): void;
}

/** Progress reaches the project file in one transaction this often, not once per report. */
const progressWriteMs = 1000;

export class RunPipeline {
  readonly families: FamilyRegistry;
  /** Every request waits for the families to be loaded (code families are imported, asynchronously). */
  familiesLoaded: Promise<void>;
  /** Projects whose own families folder the user trusted in this session (its code may load and run). */
  private readonly trustedProjects = new Set<string>();
  /** Families the user restored from a project's stored copy in this session: trusted one by one, where they were written. */
  private readonly restoredFamilies = new Set<string>();
  private scheduler: Scheduler | null = null;
  /** Writes of runs in progress, committed together; flushed before anything reads them. */
  private readonly writer: RunWriter;
  /** Runs not yet finished, per experiment; when a set empties the experiment's analyses run. */
  private readonly outstanding = new Map<number, Set<number>>();
  private readonly idleWaiters = new Map<number, (() => void)[]>();
  private readonly experimentOfRun = new Map<number, number>();
  private readonly lastProgressMs = new Map<number, number>();
  /** Progress not yet written to the project file, per run. */
  private readonly unsavedProgress = new Map<number, number>();
  private progressTimer: NodeJS.Timeout | null = null;
  /** Why the open project's run writes stopped (a full disk); null while they succeed. */
  private failedWrite: Error | null = null;
  /** A spec validated, created and started is checked value by value once. */
  private readonly sweepChecks = new SweepCheckMemo();

  constructor(private readonly options: RunPipelineOptions) {
    // A Slurm task's family comes with its runs: no folder is scanned, no built-in loaded.
    this.families = new FamilyRegistry(options.registry ?? { sdkDir: null, builtIns: [] });
    this.familiesLoaded = options.registry ? this.families.load(null) : Promise.resolve();
    this.writer = new RunWriter(
      () => this.requireStore(),
      (error) => this.onWriteFailed(error),
    );
  }

  // ── Families ──────────────────────────────────────────────────────────────────────────────

  /** Scans the family folders again, the project's too (its code only if the user trusted it). */
  async loadFamilies(projectPath: string | null): Promise<void> {
    if (!this.options.registry) return;
    const projectTrusted = projectPath !== null && this.trustedProjects.has(projectPath);
    this.familiesLoaded = this.families.load(projectPath, (location) => projectTrusted || this.restoredFamilies.has(location));
    await this.familiesLoaded;
  }

  async trustProject(projectPath: string): Promise<void> {
    this.trustedProjects.add(projectPath);
    await this.loadFamilies(projectPath);
  }

  /** A family the user restored from the project's stored copy (written at `location`): that one is trusted, no other. */
  async trustRestored(location: string, projectPath: string): Promise<void> {
    this.restoredFamilies.add(location);
    await this.loadFamilies(projectPath);
  }

  /** A project's own family runs code: nothing of it runs, here or on Slurm, until the user trusts the folder. */
  private requireTrusted(familyId: string, projectPath: string): void {
    if (this.families.find(familyId)?.trusted === false) {
      throw new ExpectedError(`${familyId} comes from this project's folder (${projectFamiliesDir(projectPath)}): it runs code, so trust the project's families first`);
    }
  }

  // ── Validation and planning ───────────────────────────────────────────────────────────────

  validate(raw: unknown): SpecValidation {
    return validateSpec(raw, this.families.definitions(), this.sweepChecks);
  }

  requireValid(raw: unknown): ExperimentSpec {
    return requireValidSpec(raw, this.families.definitions(), this.sweepChecks);
  }

  /** The experiment's sweep as runs, every parameter resolved by its family's schema. */
  plan(experiment: Experiment): { spec: ExperimentSpec; planned: PlannedRun[] } {
    const { family, name, params, sweep, seeds, notes, tags } = experiment;
    const spec = this.requireValid({ family, name, params, sweep, seeds, notes, tags });
    return { spec, planned: planRuns(spec, this.families.require(spec.family)) };
  }

  /** Runs at explicit points (overrides of the experiment's params), each validated and named on error. */
  planPoints(experiment: Experiment, points: Record<string, unknown>[]): PlannedRun[] {
    const family = this.families.require(experiment.family);
    return points.flatMap((point, i) => {
      const params = parsePoint(family, { ...experiment.params, ...point }, `points[${i}]`);
      return experiment.seeds.map((seed) => ({ params, seed }));
    });
  }

  // ── Starting runs ─────────────────────────────────────────────────────────────────────────

  startExperiment(experimentId: number): { runIds: number[] } {
    const { planned } = this.plan(this.requireStore().getExperiment(experimentId));
    return this.start(experimentId, planned);
  }

  startPoints(experimentId: number, points: Record<string, unknown>[]): { runIds: number[] } {
    return this.start(experimentId, this.planPoints(this.requireStore().getExperiment(experimentId), points));
  }

  /** Queues planned runs of an installed family: trust, the stored copy and its hash, then the pool. */
  private start(experimentId: number, planned: PlannedRun[]): { runIds: number[] } {
    const store = this.requireStore();
    const familyId = store.getExperiment(experimentId).family;
    this.requireTrusted(familyId, store.path);
    const source = this.families.find(familyId)?.source ?? null;
    const scheduler = this.requireScheduler();
    const runIds = store.insertRuns(experimentId, planned);
    // The copy is stored with the runs, and a script's hash travels in the task: the worker runs exactly that.
    const hash = source ? recordRunSource(store, familyId, source, runIds) : null;
    const task = source?.kind === 'script' && hash ? { ...source, hash } : source;
    return { runIds: this.queue(experimentId, familyId, task, planned, runIds, scheduler) };
  }

  /** A Slurm submission: the same validation, plan and trust check as a local start, and the copy's hash in the plan. */
  prepareSubmission(experimentId: number): PreparedSubmission {
    const store = this.requireStore();
    const { spec, planned } = this.plan(store.getExperiment(experimentId));
    this.requireTrusted(spec.family, store.path);
    const installed = this.families.find(spec.family)?.source ?? null;
    // Hashed at submission: a script edited while the tasks wait fails them, as it fails queued local runs.
    const snapshot = installed ? snapshotSource(installed) : null;
    const source = installed?.kind === 'script' && snapshot ? { ...installed, hash: snapshot.hash } : installed;
    return {
      spec,
      planned,
      source,
      recordSource: (runIds) => {
        if (installed && snapshot) recordRunSource(store, spec.family, installed, runIds, snapshot);
      },
    };
  }

  /**
   * A Slurm array task's runs, on the compute node: the family comes from the job's plan (validated
   * and trusted at submission), and its copy is kept in the shard with each run's stderr. `kept[i]`
   * is planned[i]'s project run id and artifacts folder in the job folder (the shard's ids differ).
   */
  runPlanned(experimentId: number, familyId: string, source: FamilySource | null, planned: PlannedRun[], kept: KeptAs[]): Promise<number[]> {
    const store = this.requireStore();
    const scheduler = this.requireScheduler();
    const runIds = store.insertRuns(experimentId, planned);
    if (source) recordRunSource(store, familyId, source, runIds);
    this.queue(experimentId, familyId, source, planned, runIds, scheduler, kept);
    return this.waitForExperiment(experimentId).then(() => runIds);
  }

  private queue(experimentId: number, familyId: string, source: FamilySource | null, planned: PlannedRun[], runIds: number[], scheduler: Scheduler, kept?: KeptAs[]): number[] {
    const open = this.outstanding.get(experimentId) ?? new Set<number>();
    this.outstanding.set(experimentId, open);
    const projectPath = this.requireStore().path;
    runIds.forEach((runId, i) => {
      open.add(runId);
      this.experimentOfRun.set(runId, experimentId);
      this.announce(runId, 'queued', 0, null, null);
      const { projectRunId, artifactsDir } = kept?.[i] ?? { projectRunId: runId, artifactsDir: runArtifactsDir(projectPath, runId) };
      void scheduler.submit({ runId, projectRunId, family: familyId, source: source ?? undefined, params: planned[i].params, seed: planned[i].seed, artifactsDir });
    });
    return runIds;
  }

  // ── Runs in flight ────────────────────────────────────────────────────────────────────────

  isActive(runId: number): boolean {
    return this.experimentOfRun.has(runId);
  }

  hasActiveRuns(): boolean {
    return this.experimentOfRun.size > 0;
  }

  /** Cancels the given runs, the experiment's, or (neither given) every run in flight. */
  cancel(runIds: number[] | undefined, experimentId: number | undefined): number {
    const ids = new Set(runIds ?? []);
    for (const [runId, eid] of this.experimentOfRun) {
      if (eid === experimentId || (runIds === undefined && experimentId === undefined)) ids.add(runId);
    }
    return this.scheduler?.cancel([...ids]) ?? 0;
  }

  /** Resolves when every run of the experiment has finished and (where they run) its analyses are stored. */
  waitForExperiment(experimentId: number): Promise<void> {
    if (!this.outstanding.has(experimentId)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.idleWaiters.get(experimentId) ?? [];
      waiters.push(resolve);
      this.idleWaiters.set(experimentId, waiters);
    });
  }

  /** Commits every run write received so far (starts, devices, points, outcomes): the store may be read after. */
  flushWrites(): void {
    this.writer.flush();
  }

  /** Before the project closes: its running runs are cancelled and everything they sent is written. */
  async closeProject(): Promise<void> {
    if (this.experimentOfRun.size > 0 && this.scheduler) {
      this.scheduler.cancel([...this.experimentOfRun.keys()]);
      await Promise.all([...this.outstanding.keys()].map((id) => this.waitForExperiment(id)));
    }
    this.writer.flush();
    this.saveProgress();
    // The next project starts with writes that work.
    this.failedWrite = null;
    this.writer.reset();
  }

  /** Why the open project's run writes stopped (a full disk), for a host to report; null while they succeed. */
  get writeFailure(): Error | null {
    return this.failedWrite;
  }

  /**
   * A commit of run writes failed (a full disk): the sweeps stop, and the runs in progress are
   * marked failed if even that small write goes through (else they read as interrupted on the
   * next open). Runs that finished before stay as they were.
   */
  private onWriteFailed(error: unknown): void {
    const store = this.options.store();
    if (!store || this.failedWrite) return;
    this.failedWrite = isDiskFull(error) ? diskFullError(store.path, error) : error instanceof Error ? error : new Error(String(error));
    if (!isDiskFull(error)) console.error(this.failedWrite.stack);
    const unfinished = [...this.experimentOfRun.keys()];
    this.scheduler?.cancel(unfinished);
    try {
      store.failUnfinishedRuns(unfinished, this.failedWrite.message);
    } catch {
      // The disk is still full: the next open marks them.
    }
  }

  /** A write the run writer does not batch (a script's stderr, progress), failing as a batch would. */
  private writeOutsideBatch(write: () => void): void {
    if (this.failedWrite) return;
    try {
      write();
    } catch (error) {
      this.onWriteFailed(error);
    }
  }

  async close(): Promise<void> {
    await this.scheduler?.close();
    this.scheduler = null;
  }

  /** Threads of the pool; null until it has started. */
  get poolSize(): number | null {
    return this.scheduler?.poolSize ?? null;
  }

  /** The pool, started on first use. */
  requireScheduler(): Scheduler {
    this.scheduler ??= new Scheduler(
      { workerFile: this.options.workerFile, poolSize: this.options.poolSize, prestarted: this.options.prestarted },
      {
        onStarted: (runId, atMs) => this.onRunStarted(runId, atMs),
        onChunk: (chunk) => {
          this.writer.chunk(chunk);
          this.options.listener.points?.(chunk);
        },
        onProgress: (runId, fraction, etaMs) => this.onRunProgress(runId, fraction, etaMs),
        onDevice: (runId, used) => {
          if (this.options.store()) this.writer.device(runId, describeDevice(used));
        },
        onFinished: (runId, outcome) => this.onRunFinished(runId, outcome),
        onLog: (runId, text) => this.writeOutsideBatch(() => this.options.store()?.familySources.setStderr(runId, text)),
      },
    );
    return this.scheduler;
  }

  private onRunStarted(runId: number, atMs: number): void {
    if (!this.options.store()) return;
    // The device is recorded when the worker reports it (onDevice), not guessed here.
    this.writer.started(runId, atMs);
    this.announce(runId, 'running', 0, null, null);
  }

  private onRunProgress(runId: number, fraction: number, etaMs: number | null): void {
    const now = Date.now();
    if (now - (this.lastProgressMs.get(runId) ?? 0) < (this.options.progressIntervalMs ?? 100)) return;
    this.lastProgressMs.set(runId, now);
    this.unsavedProgress.set(runId, fraction);
    this.progressTimer ??= setTimeout(() => this.saveProgress(), progressWriteMs);
    this.announce(runId, 'running', fraction, etaMs, null);
  }

  /** Writes the progress gathered since the last write, in one transaction. */
  private saveProgress(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    const store = this.options.store();
    if (this.unsavedProgress.size > 0 && store) {
      // After the pending starts: a start written later would reset the progress to 0.
      this.writer.flush();
      this.writeOutsideBatch(() => store.setRunsProgress(this.unsavedProgress));
    }
    this.unsavedProgress.clear();
  }

  private onRunFinished(runId: number, outcome: FinishedOutcome): void {
    const experimentId = this.experimentOfRun.get(runId);
    this.lastProgressMs.delete(runId);
    this.unsavedProgress.delete(runId);
    try {
      if (!this.options.store()) return;
      const error = outcome.status === 'done' ? null : outcome.error;
      this.writer.finished(runId, { status: outcome.status, error, summary: outcome.summary, theory: outcome.theory, finishedAtMs: Date.now() });
      this.announce(runId, outcome.status, outcome.status === 'done' ? 1 : 0, null, error, outcome.summary);
    } finally {
      // Whatever storing or announcing the end did, the run no longer holds its experiment open.
      this.experimentOfRun.delete(runId);
      const open = experimentId === undefined ? undefined : this.outstanding.get(experimentId);
      open?.delete(runId);
      if (experimentId !== undefined && open?.size === 0) void this.finishExperiment(experimentId);
    }
  }

  private async finishExperiment(experimentId: number): Promise<void> {
    try {
      if (this.options.analyzeWhenDone && this.options.store() && !this.failedWrite) await this.analyze(experimentId);
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

  private announce(runId: number, status: RunStatus, progress: number, etaMs: number | null, error: string | null, summary: Run['summary'] = null): void {
    const store = this.options.store();
    if (!store) return;
    // A run in flight is known by experiment without a store read: this is called for every progress report.
    const experimentId = this.experimentOfRun.get(runId) ?? store.getRun(runId).experimentId;
    this.options.listener.status({ runId, experimentId, status, progress, etaMs, error, summary });
  }

  // ── Analyses ──────────────────────────────────────────────────────────────────────────────

  /**
   * Computes and stores an experiment's analyses. The family's results are checked as they will
   * be stored (after JSON, where NaN becomes null): a malformed one is refused with the analysis
   * and field named, and the analyses stored before stay as they were.
   */
  async analyze(experimentId: number): Promise<AnalysisRecord[]> {
    const store = this.requireStore();
    this.writer.flush();
    const experiment = store.getExperiment(experimentId);
    const listener = this.options.listener;
    listener.analyses?.({ experimentId, state: 'computing' });
    try {
      const runs = store.listAnalysisRuns(experimentId);
      const resultsJson = await this.requireScheduler().analyze({ family: experiment.family, source: this.families.find(experiment.family)?.source ?? undefined, runs });
      const results = checkAnalyses(experiment.family, resultsJson);
      if (this.options.store() !== store) return [];
      const records = store.saveAnalyses(experimentId, results);
      listener.analyses?.({ experimentId, state: 'stored', records });
      return records;
    } catch (error) {
      if (this.options.store() === store) listener.analyses?.({ experimentId, state: 'failed', error: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  }

  private requireStore(): ProjectStore {
    const store = this.options.store();
    if (!store) throw new ExpectedError('no project is open: create or open a project first');
    return store;
  }
}

/** The analyses' results (JSON text from the worker) as the project will store them, or the family's error naming each bad field. */
function checkAnalyses(familyId: string, resultsJson: string): AnalysisResult[] {
  const stored: unknown = JSON.parse(resultsJson);
  if (!Array.isArray(stored)) throw new ExpectedError(`the analyses of ${familyId} returned ${stored === null ? 'nothing' : typeof stored}, not a list of results`);
  const results: AnalysisResult[] = [];
  const issues = stored.flatMap((result: unknown, i) => {
    const parsed = readAnalysisResult(result);
    if (parsed.success) {
      results.push(parsed.data);
      return [];
    }
    const id = (result as { id?: unknown } | null)?.id;
    return issuesFromZod(parsed.error, `analyses[${i}]`).map((issue) => ({ ...issue, message: `${issue.message} (analysis ${typeof id === 'string' ? id : `#${i}`})` }));
  });
  if (issues.length > 0) throw new ExpectedError(`the analyses of ${familyId} returned a malformed result, not stored: ${describeIssues(issues)}`, issues);
  return results;
}
