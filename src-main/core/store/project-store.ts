// The project store: the one writer of a `.saddle` file (see docs/project-file.md for the schema).
// Synchronous by design (better-sqlite3): every call is short, and chunk writes are batched.
import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type {
  AnalysisRecord,
  AnalysisResult,
  Dashboard,
  Experiment,
  FigurePreset,
  FigureSettings,
  ExperimentSpec,
  ProjectInfo,
  Run,
  RunStatus,
  RunSummary,
  TheorySeries,
} from '../../contract';
import { readAnalysisResult } from '../../contract';
import { DamagedRowError, NotFoundError, ProjectFileError } from './errors';
import { readSchemaVersion } from './migrate';
import { asProjectFileError, checkProjectFile, copyProjectFile, createProjectFile, isSameFile, openProjectDatabase, openProjectForReading, pathTaken, saveAsTargetExists } from './project-file';
import { ProjectLock } from './project-lock';
import { decodeFloat64, decodeFloat64Into, encodeFloat64, valueCountOf } from './series-codec';
import { SlurmJobTable } from './slurm-jobs';
import { FamilySourceTable } from './family-sources';
import { RunOriginTable } from './run-origins';
import { RunMediaTable } from './run-media';
import { withLegacyOverlayRoles } from './legacy-overlays';

export type FinishedStatus = Exclude<RunStatus, 'queued' | 'submitted' | 'running'>;
export type ExperimentPatch = Partial<Pick<ExperimentSpec, 'name' | 'params' | 'sweep' | 'seeds' | 'notes' | 'tags'>>;

export interface NewRun {
  params: Record<string, unknown>;
  seed: number;
}

export interface RunOutcome {
  status: FinishedStatus;
  error: string | null;
  summary: RunSummary | null;
  theory: TheorySeries[] | null;
  finishedAtMs: number;
}

export interface MetricChunk {
  runId: number;
  metric: string;
  x: Float64Array;
  y: Float64Array;
}

/** One write of a run in progress, as the host gathers them (see RunWriter). */
export type RunWrite =
  | { kind: 'started'; runId: number; atMs: number }
  | { kind: 'device'; runId: number; device: string }
  | { kind: 'chunk'; chunk: MetricChunk }
  | { kind: 'finished'; runId: number; outcome: RunOutcome };

/** A run's start (and the device it named) written with its finished row (applyRunWrites). */
interface RunStart {
  atMs: number;
  device: string | null;
}

/** What applyRunWrites' transaction already knows of the runs whose chunks it inserts. */
interface KnownRuns {
  /** Runs it has updated: they exist. */
  existing: Set<number>;
  /** Runs it has started: none of their chunks is stored yet. */
  startedHere: Set<number>;
}

export interface AppendResult {
  pointCount: number;
  /** Runs deleted while their chunks were on the way; those chunks were dropped. */
  missingRunIds: number[];
}

export interface StoredSeries {
  metric: string;
  x: Float64Array;
  y: Float64Array;
}

export interface DashboardInput {
  id?: number;
  experimentId: number | null;
  name: string;
  layout: Record<string, unknown>;
}

export const interruptedRunError = 'interrupted: the app closed before the run finished';

/** Whether `metric` is selected by `pattern`: an exact name, or a prefix ending in '/'. */
export function metricMatches(metric: string, pattern: string): boolean {
  return pattern.endsWith('/') ? metric.startsWith(pattern) : metric === pattern;
}

interface ExperimentRow {
  id: number;
  name: string;
  family: string;
  paramsJson: string;
  sweepJson: string;
  seedsJson: string;
  notes: string;
  tagsJson: string;
  createdAtMs: number;
  updatedAtMs: number;
}

interface RunRow {
  id: number;
  experimentId: number;
  paramsJson: string;
  seed: number;
  status: RunStatus;
  progress: number;
  queuedAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  error: string | null;
  device: string | null;
  appVersion: string;
  tagsJson: string;
  notes: string;
  summaryJson: string | null;
}

interface DashboardRow {
  id: number;
  experimentId: number | null;
  name: string;
  layoutJson: string;
  updatedAtMs: number;
}

/** A run as the sweep analyses read it (pool-worker's StoredAnalysisRun). */
interface AnalysisRunRow {
  runId: number;
  seed: number;
  status: string;
  paramsJson: string;
  summaryJson: string | null;
}

const runColumns = `id, experimentId, paramsJson, seed, status, progress, queuedAtMs, startedAtMs, finishedAtMs,
  error, device, appVersion, tagsJson, notes, summaryJson`;

export class ProjectStore {
  private readonly statements = new Map<string, Database.Statement>();
  /** The Slurm jobs this project sent out (see core/slurm). */
  readonly slurm: SlurmJobTable;
  /** Copies of the script and code families its runs ran. */
  readonly familySources: FamilySourceTable;
  /** Where runs made outside the pool came from (run logs, imports). */
  readonly origins: RunOriginTable;
  /** Text, images and histograms of logged runs. */
  readonly media: RunMediaTable;

  private constructor(
    private readonly db: Database.Database,
    /** Absolute path of the project file. */
    readonly path: string,
    private readonly appVersion: string,
    /** Held while this store may write; null for a store opened read-only. */
    private readonly lock: ProjectLock | null,
  ) {
    this.slurm = new SlurmJobTable(db);
    this.familySources = new FamilySourceTable(db);
    this.origins = new RunOriginTable(db);
    this.media = new RunMediaTable(db);
  }

  /** Runs `work` in one transaction (nested calls become savepoints): all of it is stored, or none. */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /**
   * Creates a new project file and opens it; refuses to overwrite anything. Of two processes
   * creating the same file, one gets it and the other a ProjectFileError.
   */
  static create(filePath: string, appVersion: string): ProjectStore {
    const absolutePath = resolve(filePath);
    return ProjectStore.withLock(absolutePath, (lock) => {
      createProjectFile(absolutePath, appVersion);
      // Just built and synced under our lock: no check of it (the integrity check's read-only
      // connection cost a checkpoint and its syncs).
      return new ProjectStore(openProjectDatabase(absolutePath), absolutePath, appVersion, lock);
    });
  }

  /**
   * Opens a project: checks it read-only first (a foreign, damaged or newer file is refused and
   * left untouched), takes its lock (a project another process writes is refused), then migrates
   * it and marks runs a crash left unfinished as cancelled. With `readOnly` it takes no lock and
   * changes nothing: it can read a project another process is writing, or one on a full disk.
   */
  static open(filePath: string, appVersion: string, options: { readOnly?: boolean } = {}): ProjectStore {
    const absolutePath = resolve(filePath);
    if (options.readOnly) {
      checkProjectFile(absolutePath);
      return new ProjectStore(openProjectForReading(absolutePath), absolutePath, appVersion, null);
    }
    return ProjectStore.withLock(absolutePath, (lock) => {
      const store = ProjectStore.openChecked(absolutePath, appVersion, lock);
      try {
        store.markInterruptedRuns();
      } catch (error) {
        // The first write of an open (a full disk, an I/O error) is named like a failed open.
        store.db.close();
        throw asProjectFileError(error, absolutePath, 'open');
      }
      return store;
    });
  }

  /** Runs `open` holding the project's lock; the store keeps it, or it is released if `open` fails. */
  private static withLock(absolutePath: string, open: (lock: ProjectLock) => ProjectStore): ProjectStore {
    const lock = ProjectLock.acquire(absolutePath);
    try {
      return open(lock);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  private static openChecked(absolutePath: string, appVersion: string, lock: ProjectLock): ProjectStore {
    checkProjectFile(absolutePath);
    return new ProjectStore(openProjectDatabase(absolutePath), absolutePath, appVersion, lock);
  }

  /** Opened with `readOnly`: every write is refused. */
  get readOnly(): boolean {
    return this.lock === null;
  }

  /** The most SQLite's page cache holds for this connection, in KiB (better-sqlite3 builds SQLite with 16 000). */
  get pageCacheKib(): number {
    const pagesOrMinusKib = this.db.pragma('cache_size', { simple: true }) as number;
    return pagesOrMinusKib < 0 ? -pagesOrMinusKib : (pagesOrMinusKib * (this.db.pragma('page_size', { simple: true }) as number)) / 1024;
  }

  /** Caps SQLite's page cache for this connection at `kib` KiB. */
  limitPageCache(kib: number): void {
    this.db.pragma(`cache_size = -${Math.round(kib)}`);
  }

  /**
   * Writes a compact copy to `filePath` and returns a store open on it (runs in progress keep
   * their status in the copy). An existing file is replaced only with `overwrite`. `alongside`
   * runs once the target is known to be allowed and locked, before the copy is written (the
   * caller copies what lives next to the file). The caller closes this store.
   */
  saveAs(filePath: string, { overwrite = false, alongside }: { overwrite?: boolean; alongside?: (target: string) => void } = {}): ProjectStore {
    const target = resolve(filePath);
    if (isSameFile(target, this.path)) {
      throw new ProjectFileError(target, `"${target}" is the project that is open. Save As needs another file name.`);
    }
    if (!overwrite && pathTaken(target)) throw saveAsTargetExists(target);
    // The target's lock first: a file another process has open is not replaced under it.
    return ProjectStore.withLock(target, (lock) => {
      alongside?.(target);
      copyProjectFile(this.db, target, { overwrite });
      return ProjectStore.openChecked(target, this.appVersion, lock);
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
  }

  info(): ProjectInfo {
    const meta = new Map(
      (this.sql('SELECT key, value FROM meta').all() as { key: string; value: string | number }[]).map((row) => [row.key, row.value]),
    );
    const counts = this.sql('SELECT (SELECT count(*) FROM experiments) AS experiments, (SELECT count(*) FROM runs) AS runs').get() as {
      experiments: number;
      runs: number;
    };
    return {
      path: this.path,
      name: String(meta.get('name') ?? ''),
      schemaVersion: readSchemaVersion(this.db),
      createdAtMs: Number(meta.get('createdAtMs') ?? 0),
      appVersion: String(meta.get('appVersion') ?? ''),
      experimentCount: counts.experiments,
      runCount: counts.runs,
    };
  }

  // ── Experiments ───────────────────────────────────────────────────────────────────────────

  listExperiments(): Experiment[] {
    return (this.sql('SELECT * FROM experiments ORDER BY id').all() as ExperimentRow[]).map(toExperiment);
  }

  getExperiment(id: number): Experiment {
    const row = this.sql('SELECT * FROM experiments WHERE id = ?').get(id) as ExperimentRow | undefined;
    if (!row) throw missing('experiment', id);
    return toExperiment(row);
  }

  insertExperiment(spec: ExperimentSpec): Experiment {
    const nowMs = Date.now();
    const { lastInsertRowid } = this.sql(
      `INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, notes, tagsJson, createdAtMs, updatedAtMs)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(spec.name, spec.family, json(spec.params), json(spec.sweep), json(spec.seeds), spec.notes, json(spec.tags), nowMs, nowMs);
    return this.getExperiment(Number(lastInsertRowid));
  }

  /** The latest experiment of the family with this name, if any (where logged runs of a group gather). */
  findExperiment(family: string, name: string): Experiment | undefined {
    const row = this.sql('SELECT * FROM experiments WHERE family = ? AND name = ? ORDER BY id DESC LIMIT 1').get(family, name) as ExperimentRow | undefined;
    return row ? toExperiment(row) : undefined;
  }

  updateExperiment(id: number, patch: ExperimentPatch): Experiment {
    const next = { ...this.getExperiment(id), ...patch };
    this.sql(
      `UPDATE experiments SET name = ?, paramsJson = ?, sweepJson = ?, seedsJson = ?, notes = ?, tagsJson = ?, updatedAtMs = ?
       WHERE id = ?`,
    ).run(next.name, json(next.params), json(next.sweep), json(next.seeds), next.notes, json(next.tags), Date.now(), id);
    return this.getExperiment(id);
  }

  /** Deletes the experiment with its runs, series, summaries, analyses and dashboards. */
  deleteExperiment(id: number): void {
    if (this.sql('DELETE FROM experiments WHERE id = ?').run(id).changes === 0) throw missing('experiment', id);
  }

  // ── Runs ──────────────────────────────────────────────────────────────────────────────────

  /** Adds runs as 'queued' (or 'submitted' to a cluster); returns their ids in the order given. */
  insertRuns(experimentId: number, runs: readonly NewRun[], status: 'queued' | 'submitted' = 'queued'): number[] {
    return this.db.transaction(() => {
      this.getExperiment(experimentId);
      const insert = this.sql(
        `INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      const queuedAtMs = Date.now();
      return runs.map((run) => Number(insert.run(experimentId, json(run.params), run.seed, status, queuedAtMs, this.appVersion).lastInsertRowid));
    })();
  }

  /**
   * Brings in a run that ran elsewhere (a Slurm task's shard): its start, device, every series and
   * its outcome, all in one transaction, so an interrupted collect leaves the run as it was.
   */
  importRun(id: number, run: { startedAtMs: number | null; device: string | null; series: readonly StoredSeries[]; outcome: RunOutcome }): void {
    this.db.transaction(() => {
      this.updateRun(id, 'UPDATE runs SET startedAtMs = ?, device = ? WHERE id = ?', run.startedAtMs === null ? null : wholeMs(run.startedAtMs), run.device);
      this.sql('DELETE FROM series WHERE runId = ?').run(id);
      this.insertChunks(run.series.map((s) => ({ runId: id, metric: s.metric, x: s.x, y: s.y })));
      this.writeFinished(id, run.outcome);
    })();
  }

  /** Adds a run that is already going elsewhere (a logging process, an import): 'running' from `startedAtMs`. */
  insertStartedRun(experimentId: number, run: NewRun & { tags: string[]; notes: string; startedAtMs: number; device: string | null }): number {
    this.getExperiment(experimentId);
    const startedAtMs = wholeMs(run.startedAtMs);
    const { lastInsertRowid } = this.sql(
      `INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, startedAtMs, device, appVersion, tagsJson, notes)
       VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
    ).run(experimentId, json(run.params), run.seed, startedAtMs, startedAtMs, run.device, this.appVersion, json(run.tags), run.notes);
    return Number(lastInsertRowid);
  }

  /** A logged run's parameters as its process changed them (wandb.config.update). */
  setRunParams(id: number, params: Record<string, unknown>): void {
    this.updateRun(id, 'UPDATE runs SET paramsJson = ? WHERE id = ?', json(params));
  }

  /** A run's summary so far (a logged run shows its latest values while it goes). */
  setRunSummary(id: number, summary: RunSummary): void {
    this.updateRun(id, 'UPDATE runs SET summaryJson = ? WHERE id = ?', json(summary));
  }

  /** `device` is null until the worker says which one it uses (setRunDevice). */
  setRunStarted(id: number, device: string | null, startedAtMs: number): void {
    this.updateRun(id, `UPDATE runs SET status = 'running', progress = 0, device = ?, startedAtMs = ? WHERE id = ?`, device, wholeMs(startedAtMs));
  }

  /** The device a run reported using (the CPU until it says otherwise). */
  setRunDevice(id: number, device: string): void {
    this.updateRun(id, 'UPDATE runs SET device = ? WHERE id = ?', device);
  }

  /** Fraction done, clamped to [0, 1]. */
  setRunProgress(id: number, progress: number): void {
    this.updateRun(id, 'UPDATE runs SET progress = ? WHERE id = ?', Math.min(1, Math.max(0, progress)));
  }

  /** Fractions done of many runs in one transaction; a run deleted meanwhile is skipped. */
  setRunsProgress(progress: ReadonlyMap<number, number>): void {
    const update = this.sql('UPDATE runs SET progress = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [id, fraction] of progress) update.run(Math.min(1, Math.max(0, fraction)), id);
    })();
  }

  /** Records how a run ended (the `summaries` view reads its summary from summaryJson). */
  finishRun(id: number, outcome: RunOutcome): void {
    this.db.transaction(() => this.writeFinished(id, outcome))();
  }

  /**
   * finishRun's writes, for a caller that holds a transaction: nested, finishRun would open a
   * savepoint, and SQLite then copies each page the run touches to a statement journal first.
   */
  private writeFinished(id: number, outcome: RunOutcome, start?: RunStart): void {
    // With the run's start folded in (applyRunWrites): what setRunStarted and setRunDevice would have left too.
    this.updateRun(
      id,
      `UPDATE runs SET status = ?, error = ?, summaryJson = ?, theoryJson = ?, finishedAtMs = ?${start ? ', startedAtMs = ?, device = ?' : ''},
         progress = CASE WHEN ? = 'done' THEN 1 ELSE ${start ? '0' : 'progress'} END
       WHERE id = ?`,
      outcome.status,
      outcome.error,
      outcome.summary === null ? null : json(outcome.summary),
      outcome.theory === null ? null : json(outcome.theory),
      wholeMs(outcome.finishedAtMs),
      ...(start ? [wholeMs(start.atMs), start.device] : []),
      outcome.status,
    );
  }

  /**
   * Writes of runs in progress, in order and in one transaction: a sweep of short runs commits once
   * per batch, not four times per run. Writes of runs deleted meanwhile are skipped; their ids are returned.
   */
  applyRunWrites(writes: readonly RunWrite[]): number[] {
    return this.db.transaction(() => {
      const missingRunIds = new Set<number>();
      const chunks: MetricChunk[] = [];
      // A short run starts, names its device and ends within one batch: its row is then written
      // once, with its start and device folded into the finished row (three updates cost ~20 µs a run).
      const finishedAt = new Map<number, number>();
      writes.forEach((write, at) => {
        if (write.kind === 'finished') finishedAt.set(write.runId, at);
      });
      const folded = new Map<number, RunStart>();
      const known: KnownRuns = { existing: new Set(), startedHere: new Set() };
      writes.forEach((write, at) => {
        if (write.kind === 'chunk') {
          chunks.push(write.chunk);
          return;
        }
        try {
          if (write.kind === 'started') {
            if ((finishedAt.get(write.runId) ?? -1) > at) folded.set(write.runId, { atMs: write.atMs, device: null });
            else this.setRunStarted(write.runId, null, write.atMs);
            // A run's chunks come after its start: none of it is stored yet.
            known.startedHere.add(write.runId);
          } else if (write.kind === 'device') {
            const start = folded.get(write.runId);
            if (start) start.device = write.device;
            else this.setRunDevice(write.runId, write.device);
          } else {
            this.writeFinished(write.runId, write.outcome, folded.get(write.runId));
            known.existing.add(write.runId);
          }
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          missingRunIds.add(write.runId);
        }
      });
      // Series rows do not depend on the runs' status: their order among the other writes is free.
      for (const runId of this.insertChunks(chunks, known).missingRunIds) missingRunIds.add(runId);
      return [...missingRunIds];
    })();
  }

  listRuns(experimentId?: number): Run[] {
    if (experimentId === undefined) return (this.sql(`SELECT ${runColumns} FROM runs ORDER BY id`).all() as RunRow[]).map(toRun);
    this.getExperiment(experimentId);
    return (this.sql(`SELECT ${runColumns} FROM runs WHERE experimentId = ? ORDER BY id`).all(experimentId) as RunRow[]).map(toRun);
  }

  /**
   * The experiment's runs one at a time in id order, read as they are taken: the CLI's end-of-run
   * listing of a 4000-run sweep holds one run, not all of them.
   */
  *iterateRuns(experimentId: number): Generator<Run> {
    this.getExperiment(experimentId);
    // A statement of its own: the cached one of listRuns would be busy while this one is read.
    const rows = this.db.prepare(`SELECT ${runColumns} FROM runs WHERE experimentId = ? ORDER BY id`).iterate(experimentId) as IterableIterator<RunRow>;
    for (const row of rows) yield toRun(row);
  }

  /**
   * What the sweep analyses read of each run, in id order, with params and summary left as their
   * stored JSON text: the analysis worker parses them, and the host never holds the sweep as objects.
   */
  listAnalysisRuns(experimentId: number): AnalysisRunRow[] {
    this.getExperiment(experimentId);
    return this.sql('SELECT id AS runId, seed, status, paramsJson, summaryJson FROM runs WHERE experimentId = ? ORDER BY id').all(experimentId) as AnalysisRunRow[];
  }

  getRun(id: number): Run {
    const row = this.sql(`SELECT ${runColumns} FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    if (!row) throw missing('run', id);
    return toRun(row);
  }

  updateRunMeta(id: number, meta: { tags?: string[]; notes?: string }): Run {
    const current = this.getRun(id);
    this.sql('UPDATE runs SET tagsJson = ?, notes = ? WHERE id = ?').run(json(meta.tags ?? current.tags), meta.notes ?? current.notes, id);
    return this.getRun(id);
  }

  /** Deletes the runs and their series; all or nothing. */
  deleteRuns(ids: readonly number[]): void {
    const idsJson = json([...new Set(ids)]);
    this.db.transaction(() => {
      const absent = this.sql('SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM runs)').pluck().all(idsJson) as number[];
      if (absent.length > 0) throw missing(absent.length === 1 ? 'run' : 'runs', absent.join(', '));
      this.sql('DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))').run(idsJson);
    })();
  }

  /** Ends those of `ids` still queued or running as failed with `error`: their own writes could not be committed. */
  failUnfinishedRuns(ids: readonly number[], error: string): void {
    this.sql(`UPDATE runs SET status = 'failed', error = ? WHERE status IN ('queued', 'running') AND id IN (SELECT value FROM json_each(?))`).run(error, json(ids));
  }

  /**
   * Runs a crash left 'queued' or 'running' become 'cancelled'; returns how many. Their finishedAtMs stays NULL (unknown).
   * Runs logged from outside are not the app's to end: their run log says (core/run-logs.ts).
   */
  markInterruptedRuns(): number {
    return this.sql(`UPDATE runs SET status = 'cancelled', error = ? WHERE status IN ('queued', 'running') AND id NOT IN (SELECT runId FROM runOrigins)`).run(interruptedRunError).changes;
  }

  getTheory(runId: number): TheorySeries[] {
    const row = this.sql('SELECT e.family, r.theoryJson FROM runs r JOIN experiments e ON e.id = r.experimentId WHERE r.id = ?').get(runId) as { family: string; theoryJson: string | null } | undefined;
    if (!row) throw missing('run', runId);
    return row.theoryJson === null ? [] : withLegacyOverlayRoles(row.family, parse<TheorySeries[]>(row.theoryJson, 'array', 'runs', runId, 'theoryJson'));
  }

  // ── Series ────────────────────────────────────────────────────────────────────────────────

  /**
   * Appends chunks in one transaction; each (run, metric) continues its own chunk numbering.
   * Empty chunks are skipped, and so are chunks of runs that no longer exist (reported back).
   */
  appendChunks(chunks: readonly MetricChunk[]): AppendResult {
    return this.db.transaction(() => this.insertChunks(chunks))();
  }

  /**
   * appendChunks' writes, for a caller that holds a transaction (no savepoint: see writeFinished).
   * `known` spares a short run its six lookups (~10 µs of the ~90 µs its storage takes): runs this
   * transaction has updated exist, and a run started in it has no chunks stored yet.
   */
  private insertChunks(chunks: readonly MetricChunk[], known?: KnownRuns): AppendResult {
    const runExists = new Map<number, boolean>();
    for (const runId of known?.existing ?? []) runExists.set(runId, true);
    // Looked up once per series in the call, then counted here: a batch holds many chunks of one series.
    const nextIndex = new Map<string, number>();
    const nextChunkIndex = this.sql('SELECT coalesce(max(chunkIndex) + 1, 0) FROM series WHERE runId = ? AND metric = ?').pluck();
    const insert = this.sql('INSERT INTO series (runId, metric, chunkIndex, pointCount, x, y) VALUES (?, ?, ?, ?, ?, ?)');
    let pointCount = 0;
    for (const { runId, metric, x, y } of chunks) {
      if (x.length !== y.length) {
        throw new RangeError(`Chunk of "${metric}" for run ${runId} has ${x.length} x values but ${y.length} y values`);
      }
      if (x.length === 0) continue;
      let exists = runExists.get(runId);
      if (exists === undefined) {
        exists = this.sql('SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined;
        runExists.set(runId, exists);
      }
      if (!exists) continue;
      const key = `${runId}\u0000${metric}`;
      const chunkIndex = nextIndex.get(key) ?? (known?.startedHere.has(runId) ? 0 : (nextChunkIndex.get(runId, metric) as number));
      nextIndex.set(key, chunkIndex + 1);
      insert.run(runId, metric, chunkIndex, x.length, encodeFloat64(x), encodeFloat64(y));
      pointCount += x.length;
    }
    const missingRunIds = [...runExists].filter(([, exists]) => !exists).map(([runId]) => runId);
    return { pointCount, missingRunIds };
  }

  /** Every metric any run of the family's experiments recorded, sorted (the charts of logged runs). */
  listFamilyMetrics(family: string): string[] {
    return this.sql(
      `SELECT DISTINCT s.metric FROM series s JOIN runs r ON r.id = s.runId JOIN experiments e ON e.id = r.experimentId
       WHERE e.family = ? AND s.chunkIndex = 0 ORDER BY s.metric`,
    ).pluck().all(family) as string[];
  }

  /** The run's metrics in the order they were first written. */
  listMetrics(runId: number): string[] {
    this.assertRunExists(runId);
    return this.sql('SELECT metric FROM series WHERE runId = ? AND chunkIndex = 0 ORDER BY rowid').pluck().all(runId) as string[];
  }

  /**
   * Full series of a run, chunks joined in order. `metrics` selects by exact name or by a prefix
   * ending in '/'; without it every metric is read. Order: as in listMetrics.
   */
  readSeries(runId: number, metrics?: readonly string[]): StoredSeries[] {
    const chunks = this.sql('SELECT x, y FROM series WHERE runId = ? AND metric = ? ORDER BY chunkIndex').raw();
    return this.listMetrics(runId)
      .filter((metric) => metrics === undefined || metrics.some((pattern) => metricMatches(metric, pattern)))
      .map((metric) => {
        const rows = chunks.all(runId, metric) as [Uint8Array, Uint8Array][];
        return { metric, x: decodeFloat64(rows.map((row) => row[0])), y: decodeFloat64(rows.map((row) => row[1])) };
      });
  }

  /**
   * The series of several runs as readSeries has them, for a reader that only passes over each:
   * x and y are views into two buffers reused for the next series (valid until the iteration moves
   * on), so a panel of long series allocates no arrays and reads them while they are in cache.
   */
  *scanSeries(runIds: readonly number[], metrics?: readonly string[]): Generator<{ runId: number; metric: string; x: Float64Array; y: Float64Array }> {
    const chunks = this.sql('SELECT x, y FROM series WHERE runId = ? AND metric = ? ORDER BY chunkIndex').raw();
    let xBuffer = new Float64Array(0);
    let yBuffer = new Float64Array(0);
    for (const runId of runIds) {
      for (const metric of this.listMetrics(runId)) {
        if (metrics !== undefined && !metrics.some((pattern) => metricMatches(metric, pattern))) continue;
        const rows = chunks.all(runId, metric) as [Uint8Array, Uint8Array][];
        const xBlobs = rows.map((row) => row[0]);
        const yBlobs = rows.map((row) => row[1]);
        if (xBuffer.length < valueCountOf(xBlobs)) xBuffer = new Float64Array(valueCountOf(xBlobs));
        if (yBuffer.length < valueCountOf(yBlobs)) yBuffer = new Float64Array(valueCountOf(yBlobs));
        yield { runId, metric, x: decodeFloat64Into(xBlobs, xBuffer), y: decodeFloat64Into(yBlobs, yBuffer) };
      }
    }
  }

  // ── Analyses ──────────────────────────────────────────────────────────────────────────────

  /**
   * Replaces every stored analysis of the experiment with `results`, checked results as they will
   * be stored (JSON values, as RunPipeline's check leaves them): the records returned hold these
   * very objects rather than reading back and parsing what was just written.
   */
  saveAnalyses(experimentId: number, results: readonly AnalysisResult[]): AnalysisRecord[] {
    const computedAtMs = Date.now();
    this.db.transaction(() => {
      this.getExperiment(experimentId);
      this.sql('DELETE FROM analyses WHERE experimentId = ?').run(experimentId);
      const insert = this.sql('INSERT INTO analyses (experimentId, analysisId, computedAtMs, resultJson) VALUES (?, ?, ?, ?)');
      for (const result of results) insert.run(experimentId, result.id, computedAtMs, json(result));
    })();
    return results.map((result) => ({ experimentId, computedAtMs, result }));
  }

  /** In the order they were saved. */
  listAnalyses(experimentId: number): AnalysisRecord[] {
    return [...this.iterateAnalyses(experimentId)];
  }

  /**
   * The experiment's analyses one at a time, in the order they were saved, each parsed as it is
   * taken: the CLI prints a sweep's analyses (one table row per run) holding one of them at a time.
   */
  *iterateAnalyses(experimentId: number): Generator<AnalysisRecord> {
    this.getExperiment(experimentId);
    const rowids = this.sql('SELECT rowid FROM analyses WHERE experimentId = ? ORDER BY rowid').pluck().all(experimentId) as number[];
    // Each read in a call of its own, so the stored text is not kept alive while its record is in
    // use; one replaced meanwhile (the analyses computed again) is passed over.
    for (const rowid of rowids) {
      const record = this.readAnalysis(experimentId, rowid);
      if (record) yield record;
    }
  }

  private readAnalysis(experimentId: number, rowid: number): AnalysisRecord | null {
    const row = this.sql('SELECT computedAtMs, resultJson FROM analyses WHERE rowid = ?').get(rowid) as { computedAtMs: number; resultJson: string } | undefined;
    if (!row) return null;
    return { experimentId, computedAtMs: row.computedAtMs, result: readableAnalysis(parse<unknown>(row.resultJson, 'object', 'analyses', `of experiment ${experimentId}`, 'resultJson')) };
  }

  // ── Dashboards ────────────────────────────────────────────────────────────────────────────

  /** No argument: all. `null`: the project-wide ones. An id: that experiment's. */
  listDashboards(experimentId?: number | null): Dashboard[] {
    const rows =
      experimentId === undefined
        ? this.sql('SELECT * FROM dashboards ORDER BY id').all()
        : this.sql('SELECT * FROM dashboards WHERE experimentId IS ? ORDER BY id').all(experimentId);
    return (rows as DashboardRow[]).map(toDashboard);
  }

  /**
   * Saves a dashboard: the record `id`, else the one of that experiment with that name (a window
   * that lost track of its record's id, after a failed read or a dropped connection, overwrites it
   * rather than adding a second of the same name), else a new one.
   */
  saveDashboard(input: DashboardInput): Dashboard {
    if (input.experimentId !== null) this.getExperiment(input.experimentId);
    const values = [input.experimentId, input.name, json(input.layout), Date.now()];
    const id = input.id ?? (this.sql('SELECT min(id) FROM dashboards WHERE experimentId IS ? AND name = ?').pluck().get(input.experimentId, input.name) as number | null) ?? undefined;
    if (id === undefined) {
      const { lastInsertRowid } = this.sql('INSERT INTO dashboards (experimentId, name, layoutJson, updatedAtMs) VALUES (?, ?, ?, ?)').run(...values);
      return this.getDashboard(Number(lastInsertRowid));
    }
    const sql = 'UPDATE dashboards SET experimentId = ?, name = ?, layoutJson = ?, updatedAtMs = ? WHERE id = ?';
    if (this.sql(sql).run(...values, id).changes === 0) throw missing('dashboard', id);
    return this.getDashboard(id);
  }

  deleteDashboard(id: number): void {
    if (this.sql('DELETE FROM dashboards WHERE id = ?').run(id).changes === 0) throw missing('dashboard', id);
  }

  // ── Figure presets ────────────────────────────────────────────────────────────────────────

  listFigurePresets(): FigurePreset[] {
    return this.sql('SELECT * FROM figurePresets ORDER BY name').all() as FigurePreset[];
  }

  /** Inserts the preset, or replaces the one with the same name. */
  saveFigurePreset(input: FigureSettings & { name: string }): FigurePreset {
    this.sql(
      `INSERT INTO figurePresets (name, widthIn, heightIn, fontFamily, fontSizePt, dpi, updatedAtMs) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET widthIn = excluded.widthIn, heightIn = excluded.heightIn, fontFamily = excluded.fontFamily,
         fontSizePt = excluded.fontSizePt, dpi = excluded.dpi, updatedAtMs = excluded.updatedAtMs`,
    ).run(input.name, input.widthIn, input.heightIn, input.fontFamily, input.fontSizePt, input.dpi, Date.now());
    return this.sql('SELECT * FROM figurePresets WHERE name = ?').get(input.name) as FigurePreset;
  }

  deleteFigurePreset(id: number): void {
    if (this.sql('DELETE FROM figurePresets WHERE id = ?').run(id).changes === 0) throw missing('figure preset', id);
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  /** Prepared once per SQL text and kept for the life of the connection. */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    if (this.readOnly && !statement.reader) throw new ProjectFileError(this.path, `"${this.path}" is open read-only here: nothing can be changed. Open it for writing to change it.`);
    return statement;
  }

  /** Runs an UPDATE whose last parameter is the run id; a missing run is a NotFoundError. */
  private updateRun(id: number, sql: string, ...values: unknown[]): void {
    if (this.sql(sql).run(...values, id).changes === 0) throw missing('run', id);
  }

  private assertRunExists(id: number): void {
    if (this.sql('SELECT 1 FROM runs WHERE id = ?').get(id) === undefined) throw missing('run', id);
  }

  private getDashboard(id: number): Dashboard {
    return toDashboard(this.sql('SELECT * FROM dashboards WHERE id = ?').get(id) as DashboardRow);
  }
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: row.id,
    name: row.name,
    family: row.family,
    params: parse(row.paramsJson, 'object', 'experiments', row.id, 'paramsJson'),
    sweep: parse(row.sweepJson, 'object', 'experiments', row.id, 'sweepJson'),
    seeds: parse(row.seedsJson, 'array', 'experiments', row.id, 'seedsJson'),
    notes: row.notes,
    tags: parse(row.tagsJson, 'array', 'experiments', row.id, 'tagsJson'),
    createdAtMs: row.createdAtMs,
    updatedAtMs: row.updatedAtMs,
  };
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    experimentId: row.experimentId,
    params: parse(row.paramsJson, 'object', 'runs', row.id, 'paramsJson'),
    seed: row.seed,
    status: row.status,
    progress: row.progress,
    queuedAtMs: row.queuedAtMs,
    startedAtMs: row.startedAtMs,
    finishedAtMs: row.finishedAtMs,
    error: row.error,
    device: row.device,
    appVersion: row.appVersion,
    tags: parse(row.tagsJson, 'array', 'runs', row.id, 'tagsJson'),
    notes: row.notes,
    summary: row.summaryJson === null ? null : parse(row.summaryJson, 'object', 'runs', row.id, 'summaryJson'),
  };
}

function toDashboard(row: DashboardRow): Dashboard {
  return { id: row.id, experimentId: row.experimentId, name: row.name, layout: parse(row.layoutJson, 'object', 'dashboards', row.id, 'layoutJson'), updatedAtMs: row.updatedAtMs };
}

function missing(what: string, id: number | string): NotFoundError {
  return new NotFoundError(`No ${what} ${id} in this project; it may have been deleted.`);
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * A stored analysis result as this version reads it. One stored before results were checked (or
 * changed outside the app) that does not match is shown as such, naming the field, rather than
 * making every list of the experiment's analyses fail; recomputing the analyses replaces it.
 */
function readableAnalysis(stored: unknown): AnalysisResult {
  const checked = readAnalysisResult(stored);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const storedId = (stored as { id?: unknown }).id;
  const id = typeof storedId === 'string' ? storedId : 'unreadable';
  return {
    id,
    title: `${id}: stored result unreadable`,
    columns: [],
    rows: [],
    checks: [],
    notes: [`The stored result does not match what this version reads (${issue.path.join('.') || 'result'}: ${issue.message}). Recompute the analyses to replace it.`],
  };
}

/**
 * A JSON column as this class wrote it. A file changed outside the app (or damaged) may hold
 * anything there: text that is not JSON, or JSON of another kind, is refused naming the table, row
 * and column, where it would otherwise fail later without saying where.
 */
function parse<T>(text: string, shape: 'object' | 'array', table: string, row: number | string, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DamagedRowError(table, row, column, `malformed JSON (${(error as Error).message})`);
  }
  const isArray = Array.isArray(value);
  if (shape === 'array' ? !isArray : isArray || typeof value !== 'object' || value === null) {
    throw new DamagedRowError(table, row, column, `${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}, not a JSON ${shape}`);
  }
  return value as T;
}

/** Timestamps are whole milliseconds since the Unix epoch (INTEGER columns). */
function wholeMs(timeMs: number): number {
  return Math.round(timeMs);
}
