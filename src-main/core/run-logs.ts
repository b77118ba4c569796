// Runs logged from outside the pool (python/saddle_lab.py's init/log/finish, docs/logging.md): each
// process appends a run log to `<project>.runs/`, and the host that holds the project brings the
// new lines in (on open, and every half second while a window is open). The logging process
// never touches the SQLite file, so the project keeps one writer. Each read stops at the last
// complete line and remembers how far it got (runOrigins.ingestedBytes): a line is stored once.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { mediaLineTypes, runLogLine, type FamilyInfo, type MediaLine, type RunLogLine, type RunStatus, type RunSummary, type TheorySeries } from '../contract';
import { containedArtifact, copyRunArtifacts, runArtifactsDir, sha256Hex } from './artifacts';
import type { MediaRow } from './store/run-media';
import { projectSiblingPath } from './project-siblings';
import type { FamilyDefinition } from '../../workers/family';
import type { FinishedStatus, MetricChunk, ProjectStore } from './store/project-store';

/** The family of logged runs that name none (or one not installed here): charts per logged metric. */
export const loggedFamilyId = 'logged';

/** The run-log folder of a project: study.saddle → study.runs/. */
export function projectRunsDir(projectPath: string): string {
  return projectSiblingPath(projectPath, '.runs');
}

export interface IngestContext {
  store: ProjectStore;
  /** An installed family by id (a logged run that names one gets its charts and theory overlays). */
  findFamily(id: string): FamilyDefinition | undefined;
  /** This machine's name: a writer's pid means something only on the host that wrote it. */
  hostName: string;
  isAlive(pid: number): boolean;
}

export interface IngestedRun {
  runId: number;
  experimentId: number;
  status: RunStatus;
  error: string | null;
  summary: RunSummary | null;
}

export interface IngestReport {
  /** Runs that changed (new lines, or ended), as they now stand. */
  runs: IngestedRun[];
  /** The points stored by this read, for live feeds. */
  chunks: MetricChunk[];
  /** True when an experiment was created or a logged metric first seen: windows re-read the lists. */
  listsChanged: boolean;
  /** Run logs that could not be read, each named with the reason. */
  problems: string[];
}

export function emptyReport(): IngestReport {
  return { runs: [], chunks: [], listsChanged: false, problems: [] };
}

/** Reads every run log in the project's folder; `final` ends runs whose log has no finish record as crashed. */
export function ingestRunLogFolder(context: IngestContext, dir: string): IngestReport {
  const report = emptyReport();
  if (!existsSync(dir)) return report;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    ingestRunLog(context, join(dir, name), name, false, report);
  }
  return report;
}

/**
 * Brings in what is new in one run log. `source` is what the run is known by (its file name in the
 * project's folder, or the path of an imported log); `final`: nothing more will be written (an
 * imported copy), so a log without a finish record is a crash whatever its writer's host.
 */
export function ingestRunLog(context: IngestContext, path: string, source: string, final: boolean, report: IngestReport): void {
  const { store } = context;
  const origin = store.origins.bySource('run-log', source);
  if (origin && store.getRun(origin.runId).status !== 'running') return;
  // Asked before the read: a writer gone by now wrote everything it ever will.
  const writerGone = origin?.writerPid != null && origin.writerHost === context.hostName && !context.isAlive(origin.writerPid);
  const { text, bytes } = readCompleteLines(path, origin?.ingestedBytes ?? 0);
  if (!origin && text === '') return;
  const filesDir = loggedRunFolder(path);

  const lines = text === '' ? [] : text.split('\n');
  let runId = origin?.runId;
  // A read that found nothing new, of a run still going, has nothing to tell.
  let changed = lines.length > 0 || writerGone || final;
  let lineStart = origin?.ingestedBytes ?? 0;
  try {
    const parsed: RunLogLine[] = [];
    for (const line of lines) {
      parsed.push(parseLine(line, `${basename(path)}: the line at byte ${lineStart}`));
      lineStart += Buffer.byteLength(line, 'utf8') + 1;
    }
    store.transaction(() => {
      let state: RunState;
      if (runId === undefined) {
        const init = parsed.shift();
        if (init?.type !== 'init') throw new RunLogError(`${basename(path)}: the first line must be the "init" record`);
        const created = createRun(context, init, source, filesDir, report);
        runId = created.runId;
        state = created.state;
      } else {
        state = readState(store, runId, filesDir);
      }
      const { chunks, media, ended } = applyLines(state, parsed);
      const append = store.appendChunks(chunks);
      store.media.put(media);
      if (append.pointCount > 0) report.chunks.push(...chunks.filter((c) => c.x.length > 0));
      if (!sameMetrics(store, state)) report.listsChanged = true;
      store.setRunParams(runId, state.params);
      store.setRunSummary(runId, state.summary);
      store.origins.setIngestedBytes(runId, bytes);
      const end = ended ?? (final || writerGone ? crashEnd(state) : null);
      if (end) store.finishRun(runId, { ...end, summary: state.summary, theory: theoryOf(context, state) });
    });
  } catch (error) {
    if (!(error instanceof RunLogError)) throw error;
    report.problems.push(error.message);
    changed = true;
    // A bad line ends a run that exists; a log whose init cannot be read is only reported.
    if (runId !== undefined && store.getRun(runId).status === 'running') {
      store.finishRun(runId, { status: 'failed', error: `run log ${error.message}`, summary: store.getRun(runId).summary, theory: null, finishedAtMs: Date.now() });
    }
  }
  if (runId === undefined) return;
  // An imported copy's files (its images among them) are kept with the run, as the helper's run.dir is.
  if (!origin && final) report.problems.push(...copyRunArtifacts(filesDir, runArtifactsDir(store.path, runId, store.origins.ofRun(runId))));
  const run = store.getRun(runId);
  // A run first seen here whose writer is already gone: read once more, now that nothing more can come.
  const created = store.origins.ofRun(runId);
  if (!origin && run.status === 'running' && created?.writerPid != null && created.writerHost === context.hostName && !context.isAlive(created.writerPid)) {
    ingestRunLog(context, path, source, final, report);
    return;
  }
  if (changed) report.runs.push({ runId, experimentId: run.experimentId, status: run.status, error: run.error, summary: run.summary });
}

class RunLogError extends Error {}

/**
 * The folder of a run log's files (the helper's run.dir, where its images are): `study.runs/x.jsonl`
 * → `study.artifacts/x/`; a log elsewhere (an offline copy not in a .runs folder) → `x/` beside it.
 */
function loggedRunFolder(logPath: string): string {
  const folder = dirname(logPath);
  const name = basename(logPath).replace(/\.jsonl$/, '');
  return folder.endsWith('.runs') ? join(folder.replace(/\.runs$/, '.artifacts'), name) : join(folder, name);
}

interface RunState {
  runId: number;
  /** Where the run's image files are read (loggedRunFolder). */
  filesDir: string;
  family: FamilyDefinition | undefined;
  params: Record<string, unknown>;
  seed: number;
  summary: RunSummary;
  metricsBefore: Set<string>;
  writerPid: number | null;
}

function readCompleteLines(path: string, from: number): { text: string; bytes: number } {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= from) return { text: '', bytes: from };
    const buffer = Buffer.alloc(size - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    const end = buffer.subarray(0, read).lastIndexOf(0x0a);
    // A line still being written (no newline yet) waits for the next read.
    if (end < 0) return { text: '', bytes: from };
    return { text: buffer.subarray(0, end).toString('utf8'), bytes: from + end + 1 };
  } finally {
    closeSync(fd);
  }
}

function parseLine(line: string, where: string): RunLogLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new RunLogError(`${where} is not JSON (${(error as Error).message}): ${line.slice(0, 200)}`);
  }
  if (isPlainLogLine(value)) return value;
  const parsed = runLogLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const message = `${issue.path.join('.') || '(line)'}: ${issue.message}`;
    // A bad media value fails only its key at its step, as the helper does for what it refuses.
    const media = value as { type?: unknown; key?: unknown; step?: unknown };
    if (mediaLineTypes.includes(media.type as string) && typeof media.key === 'string' && media.key !== '' && typeof media.step === 'number' && Number.isFinite(media.step)) {
      return { type: 'problem', key: media.key, step: media.step, message: `${String(media.type)} ${message}` };
    }
    throw new RunLogError(`${where}: ${message}`);
  }
  return parsed.data;
}

const nonFinite = new Set(['NaN', 'Infinity', '-Infinity']);

/**
 * The common line, checked by hand: zod's parse of every `log` line cost the host most of its
 * ingest time (a run log is mostly such lines). Anything else, or a bad one, goes to the schema,
 * which names what is wrong.
 */
function isPlainLogLine(value: unknown): value is Extract<RunLogLine, { type: 'log' }> {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as { type?: unknown; step?: unknown; wall?: unknown; values?: unknown };
  if (line.type !== 'log' || typeof line.step !== 'number' || !Number.isFinite(line.step)) return false;
  if (line.wall !== undefined && (typeof line.wall !== 'number' || !Number.isFinite(line.wall))) return false;
  if (typeof line.values !== 'object' || line.values === null || Array.isArray(line.values) || Object.keys(line).length > 4) return false;
  for (const [name, y] of Object.entries(line.values)) {
    if (name.length === 0 || name.length > 200) return false;
    if (typeof y !== 'number' && !nonFinite.has(y as string)) return false;
  }
  return true;
}

function createRun(context: IngestContext, init: Extract<RunLogLine, { type: 'init' }>, source: string, filesDir: string, report: IngestReport): { runId: number; state: RunState } {
  const { store } = context;
  const named = init.family ? context.findFamily(init.family) : undefined;
  if (init.family && !named) report.problems.push(`${source}: family "${init.family}" is not installed here; the run is kept with the other logged runs`);
  const familyId = named?.id ?? loggedFamilyId;
  const experimentName = init.group ?? (named ? `Logged ${named.id} runs` : 'Logged runs');
  let experiment = store.findExperiment(familyId, experimentName);
  if (!experiment) {
    experiment = store.insertExperiment({ name: experimentName, family: familyId, params: {}, sweep: {}, seeds: [0], notes: 'Runs logged with saddle_lab.init (docs/logging.md).', tags: ['logged'] });
    report.listsChanged = true;
  }
  const config = flatten(init.config);
  const seed = Number.isInteger(config.seed) ? (config.seed as number) : 0;
  const params = withFamilyParams(named, config);
  const runId = store.insertStartedRun(experiment.id, { params, seed, tags: init.tags, notes: init.notes, startedAtMs: init.startedAtMs, device: `logged from ${init.host}` });
  store.origins.record({ runId, kind: 'run-log', source, name: init.name, writerPid: init.pid, writerHost: init.host });
  report.listsChanged = true;
  return {
    runId,
    state: { runId, filesDir, family: named, params, seed, summary: {}, metricsBefore: new Set(), writerPid: init.pid },
  };
}

function readState(store: ProjectStore, runId: number, filesDir: string): RunState {
  const run = store.getRun(runId);
  return {
    runId,
    filesDir,
    family: undefined,
    params: run.params,
    seed: run.seed,
    summary: run.summary ?? {},
    metricsBefore: new Set(store.listMetrics(runId)),
    writerPid: store.origins.ofRun(runId)?.writerPid ?? null,
  };
}

type RunEnd = { status: FinishedStatus; error: string | null; finishedAtMs: number };

/** Folds the lines into the run's state; returns the points, the media rows and, when a line ends the run, how. */
function applyLines(state: RunState, lines: readonly RunLogLine[]): { chunks: MetricChunk[]; media: MediaRow[]; ended: RunEnd | null } {
  const media: MediaRow[] = [];
  const series = new Map<string, { x: number[]; y: number[] }>();
  const push = (metric: string, x: number, y: number) => {
    let s = series.get(metric);
    if (!s) series.set(metric, (s = { x: [], y: [] }));
    s.x.push(x);
    s.y.push(y);
  };
  let ended: RunEnd | null = null;
  for (const line of lines) {
    if (line.type === 'log') {
      const bad = Object.entries(line.values).find(([, value]) => typeof value === 'string');
      if (bad) {
        ended = { status: 'diverged', error: `${bad[0]} was ${String(bad[1])} at step ${line.step}; the points before it are kept`, finishedAtMs: Date.now() };
        break;
      }
      for (const [metric, value] of Object.entries(line.values) as [string, number][]) {
        push(metric, line.step, value);
        state.summary[metric] = value;
      }
      state.summary._step = line.step;
      if (line.wall !== undefined) {
        push('_wall', line.step, line.wall);
        state.summary._runtime = line.wall;
      }
    } else if (line.type === 'config') {
      state.params = { ...state.params, ...flatten(line.values) };
    } else if (line.type === 'summary') {
      // The one rule for non-finite results (docs/architecture.md): a NaN or infinity ends the run as diverged.
      const nonFinite = Object.entries(line.nonFinite ?? {})[0];
      if (nonFinite) {
        ended = { status: 'diverged', error: `summary ${nonFinite[0]} was ${nonFinite[1]}; the points before it are kept`, finishedAtMs: Date.now() };
        break;
      }
      Object.assign(state.summary, summaryValues(line.values));
    } else if (line.type === 'text' || line.type === 'image' || line.type === 'histogram' || line.type === 'problem') {
      media.push(mediaRow(state, line));
    } else if (line.type === 'finish') {
      const status = line.exitCode === 0 ? 'done' : 'failed';
      ended = { status, error: status === 'done' ? null : `exit code ${line.exitCode}${line.message ? `: ${line.message}` : ''}`, finishedAtMs: line.finishedAtMs };
      break;
    } else {
      throw new RunLogError(`run ${state.runId}: a second "init" record`);
    }
  }
  const chunks = [...series].map(([metric, s]) => ({ runId: state.runId, metric, x: Float64Array.from(s.x), y: Float64Array.from(s.y) }));
  return { chunks, media, ended };
}

/** A media line as a stored row. An image's file is read here: its size and SHA-256 are the host's own. */
function mediaRow(state: RunState, line: MediaLine): MediaRow {
  const { runId } = state;
  const { key, step } = line;
  if (line.type === 'text') return { kind: 'text', runId, key, step, text: line.text };
  if (line.type === 'problem') return { kind: 'problem', runId, key, step, text: line.message };
  if (line.type === 'histogram') return { kind: 'histogram', runId, key, step, counts: line.counts, edges: line.edges };
  const refused = (why: string): MediaRow => ({ kind: 'problem', runId, key, step, text: `image path ${JSON.stringify(line.path)} ${why}` });
  let bytes: Buffer;
  try {
    bytes = readFileSync(containedArtifact(state.filesDir, line.path));
  } catch {
    return refused(`is not a file in the run's folder ${state.filesDir}`);
  }
  const sha256 = sha256Hex(bytes);
  if (sha256 !== line.sha256 || bytes.length !== line.bytes) return refused(`holds ${bytes.length} bytes with SHA-256 ${sha256}; the log says ${line.bytes} bytes, ${line.sha256} (the file changed after it was logged)`);
  return { kind: 'image', runId, key, step, path: line.path, bytes: bytes.length, sha256, caption: line.caption ?? null };
}

function crashEnd(state: RunState): RunEnd {
  return {
    status: 'crashed',
    error: `crashed: the logging process${state.writerPid ? ` (pid ${state.writerPid})` : ''} ended without finish(); what it logged is kept`,
    finishedAtMs: Date.now(),
  };
}

function sameMetrics(store: ProjectStore, state: RunState): boolean {
  const now = store.listMetrics(state.runId);
  return now.length === state.metricsBefore.size;
}

/** Nested config objects become dotted names (optim.lr), as parameters of a family may be. */
function flatten(values: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(flat, flatten(value as Record<string, unknown>, `${prefix}${key}.`));
    else flat[`${prefix}${key}`] = value;
  }
  return flat;
}

/** Summary values as a run summary holds them: numbers, null, strings, arrays of numbers; booleans as 0/1. */
function summaryValues(values: Record<string, unknown>): RunSummary {
  const summary: RunSummary = {};
  for (const [key, value] of Object.entries(flatten(values))) {
    if (typeof value === 'number') summary[key] = Number.isFinite(value) ? value : null;
    else if (typeof value === 'boolean') summary[key] = value ? 1 : 0;
    else if (typeof value === 'string' || value === null) summary[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'number' || item === null)) summary[key] = value as (number | null)[];
    else summary[key] = JSON.stringify(value);
  }
  return summary;
}

/**
 * A run naming a family gets that family's parameters where its config gives them (the rest of the
 * family's defaults filled in), next to its own keys; a config the family refuses stays as logged.
 */
function withFamilyParams(family: FamilyDefinition | undefined, config: Record<string, unknown>): Record<string, unknown> {
  if (!family || !(family.params instanceof z.ZodObject)) return config;
  const known = Object.keys(family.params.shape);
  const parsed = family.params.safeParse(Object.fromEntries(Object.entries(config).filter(([key]) => known.includes(key))));
  return parsed.success ? { ...config, ...(parsed.data as Record<string, unknown>) } : config;
}

/** The named family's closed-form overlays for the run's parameters (none when they do not parse). */
function theoryOf(context: IngestContext, state: RunState): TheorySeries[] | null {
  const family = state.family ?? familyOfRun(context, state.runId);
  if (!family?.theory || !(family.params instanceof z.ZodObject)) return null;
  const known = Object.keys(family.params.shape);
  const parsed = family.params.safeParse(Object.fromEntries(Object.entries(state.params).filter(([key]) => known.includes(key))));
  return parsed.success ? family.theory(parsed.data, state.seed) : null;
}

function familyOfRun(context: IngestContext, runId: number): FamilyDefinition | undefined {
  const experiment = context.store.getExperiment(context.store.getRun(runId).experimentId);
  return experiment.family === loggedFamilyId ? undefined : context.findFamily(experiment.family);
}

/**
 * Follows a project's run-log folder: a log is read again when it grew, or while its run is still
 * going (its writer may have died). One per open project.
 */
export class RunLogFolder {
  private readonly sizes = new Map<string, number>();
  private readonly settled = new Set<string>();

  constructor(
    private readonly context: IngestContext,
    readonly dir: string,
  ) {}

  poll(): IngestReport {
    const report = emptyReport();
    if (!existsSync(this.dir)) return report;
    for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.jsonl')).sort()) {
      const path = join(this.dir, name);
      const size = statSync(path).size;
      if (this.settled.has(name) && this.sizes.get(name) === size) continue;
      this.sizes.set(name, size);
      ingestRunLog(this.context, path, name, false, report);
      // A run still going is read at every poll: its writer may die without writing again.
      const origin = this.context.store.origins.bySource('run-log', name);
      if (origin && this.context.store.getRun(origin.runId).status === 'running') this.settled.delete(name);
      else this.settled.add(name);
    }
    return report;
  }
}

/** The family of logged runs as the catalog shows it: one line chart per metric they logged. */
export function loggedFamilyInfo(metrics: readonly string[]): FamilyInfo {
  const shown = metrics.filter((metric) => metric !== '_wall');
  return {
    id: loggedFamilyId,
    title: 'Logged runs',
    summary: 'Runs logged from Python with the W&B-style helper (init, log, finish), or imported: one chart per logged metric, x = step.',
    references: [],
    formulas: [],
    paramsSchema: { type: 'object', properties: {} },
    defaults: {},
    metrics: shown.map((name) => ({ name, label: name, x: 'step', style: 'line' })),
    charts: shown.map((name) => ({ id: name, title: name, kind: 'lines', x: { label: 'step', log: false }, y: { label: name, log: false }, series: [name], theory: [] })),
    analyses: [],
    origin: 'logged',
    kind: 'built-in',
    location: null,
    trusted: false,
  };
}
