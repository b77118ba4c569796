// `runs.import` / `saddle-lab import`: runs made elsewhere come into the open project as ordinary
// runs of the `logged` family, each with its parameters and its origin (table runOrigins).
//   - an MLflow `mlruns` folder (file store: <experiment>/<run>/{meta.yaml, params/, metrics/, tags/});
//   - a CSV file with a step column and one column per metric;
//   - Saddle Lab run logs (saddle_lab.init), one file or a folder of them (an offline copy).
// TensorBoard event files are not read: no maintained npm parser of them exists (docs/logging.md).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { ImportResult, RunStatus, RunSummary } from '../contract';
import { ExpectedError } from './errors';
import { emptyReport, ingestRunLog, loggedFamilyId, type IngestContext, type IngestReport } from './run-logs';
import type { FinishedStatus, ProjectStore, StoredSeries } from './store/project-store';

export type ImportKind = 'auto' | 'mlflow' | 'csv' | 'run-logs';

export interface ImportOutcome extends ImportResult {
  /** What changed, for the windows (as a read of run logs reports it). */
  report: IngestReport;
}

export function importRuns(context: IngestContext, path: string, kind: ImportKind, experimentName: string | undefined): ImportOutcome {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw new ExpectedError(`import: ${absolute} does not exist`, [{ path: 'path', message: 'no such file or folder' }]);
  const chosen = kind === 'auto' ? detectKind(absolute) : kind;
  const report = emptyReport();
  const before = new Set(context.store.listExperiments().map((e) => e.id));
  const runIds: number[] = [];
  if (chosen === 'run-logs') {
    const files = statSync(absolute).isDirectory()
      ? readdirSync(absolute).filter((n) => n.endsWith('.jsonl')).sort().map((n) => join(absolute, n))
      : [absolute];
    if (files.length === 0) throw new ExpectedError(`import: ${absolute} holds no run logs (*.jsonl)`, [{ path: 'path', message: 'no *.jsonl files' }]);
    for (const file of files) {
      if (context.store.origins.bySource('run-log', file)) {
        report.problems.push(`${file}: already imported`);
        continue;
      }
      const at = report.runs.length;
      ingestRunLog(context, file, file, true, report);
      runIds.push(...report.runs.slice(at).map((r) => r.runId));
    }
  } else if (chosen === 'mlflow') {
    runIds.push(...importMlflow(context.store, absolute, experimentName, report));
  } else {
    runIds.push(importCsv(context.store, absolute, experimentName ?? 'Imported CSV', report));
  }
  const experimentIds = context.store.listExperiments().map((e) => e.id).filter((id) => !before.has(id) || runIds.some((r) => context.store.getRun(r).experimentId === id));
  return { experimentIds: [...new Set(experimentIds)], runIds, problems: report.problems, report };
}

function detectKind(path: string): Exclude<ImportKind, 'auto'> {
  if (!statSync(path).isDirectory()) {
    if (path.endsWith('.csv')) return 'csv';
    if (path.endsWith('.jsonl')) return 'run-logs';
    throw new ExpectedError(`import: cannot tell what ${path} is: a CSV (.csv), a run log (.jsonl), or a folder (mlruns, run logs)`, [{ path: 'path', message: 'unknown kind' }]);
  }
  const names = readdirSync(path);
  if (names.some((n) => n.endsWith('.jsonl'))) return 'run-logs';
  if (names.some((n) => existsSync(join(path, n, 'meta.yaml')))) return 'mlflow';
  throw new ExpectedError(`import: ${path} is neither an MLflow mlruns folder (<experiment>/meta.yaml) nor a folder of run logs (*.jsonl)`, [{ path: 'path', message: 'unknown kind' }]);
}

/** A run that ended elsewhere: inserted as running, its series and outcome stored, all in one transaction. */
function storeImportedRun(
  store: ProjectStore,
  experimentName: string,
  origin: { kind: 'mlflow' | 'csv'; source: string; name: string },
  run: { params: Record<string, unknown>; tags: string[]; notes: string; startedAtMs: number; finishedAtMs: number; status: FinishedStatus; error: string | null; series: StoredSeries[]; summary: RunSummary },
  report: IngestReport,
): number {
  return store.transaction(() => {
    let experiment = store.findExperiment(loggedFamilyId, experimentName);
    if (!experiment) {
      experiment = store.insertExperiment({ name: experimentName, family: loggedFamilyId, params: {}, sweep: {}, seeds: [0], notes: `Imported runs (${origin.kind}).`, tags: ['imported'] });
    }
    const seed = Number.isInteger(run.params.seed) ? (run.params.seed as number) : 0;
    const runId = store.insertStartedRun(experiment.id, { params: run.params, seed, tags: run.tags, notes: run.notes, startedAtMs: run.startedAtMs, device: `imported (${origin.kind})` });
    store.origins.record({ runId, ...origin, writerPid: null, writerHost: null });
    store.importRun(runId, {
      startedAtMs: run.startedAtMs,
      device: `imported (${origin.kind})`,
      series: run.series,
      outcome: { status: run.status, error: run.error, summary: run.summary, theory: null, finishedAtMs: run.finishedAtMs },
    });
    report.listsChanged = true;
    const stored = store.getRun(runId);
    report.runs.push({ runId, experimentId: stored.experimentId, status: stored.status, error: stored.error, summary: stored.summary });
    return runId;
  });
}

// ── MLflow ─────────────────────────────────────────────────────────────────────────────────────

/** MLflow's RunStatus numbers in meta.yaml (mlflow/protos/service.proto). */
const mlflowStatus: Record<number, { status: FinishedStatus; error: string | null }> = {
  1: { status: 'crashed', error: 'MLflow had it RUNNING when it was imported' },
  2: { status: 'cancelled', error: 'MLflow had it SCHEDULED (never ran)' },
  3: { status: 'done', error: null },
  4: { status: 'failed', error: 'MLflow: FAILED' },
  5: { status: 'cancelled', error: 'MLflow: KILLED' },
};

function importMlflow(store: ProjectStore, root: string, experimentName: string | undefined, report: IngestReport): number[] {
  const runIds: number[] = [];
  for (const experimentDir of readdirSync(root).sort().map((n) => join(root, n))) {
    const experimentMeta = readYaml(join(experimentDir, 'meta.yaml'));
    if (!experimentMeta) continue;
    if (experimentMeta.lifecycle_stage === 'deleted') continue;
    const name = experimentName ?? `MLflow: ${experimentMeta.name ?? basename(experimentDir)}`;
    for (const runDir of readdirSync(experimentDir).sort().map((n) => join(experimentDir, n))) {
      const meta = readYaml(join(runDir, 'meta.yaml'));
      if (!meta || meta.lifecycle_stage === 'deleted') continue;
      if (store.origins.bySource('mlflow', runDir)) {
        report.problems.push(`${runDir}: already imported`);
        continue;
      }
      try {
        runIds.push(importMlflowRun(store, runDir, meta, name, report));
      } catch (error) {
        if (!(error instanceof ExpectedError)) throw error;
        report.problems.push(error.message);
      }
    }
  }
  if (runIds.length === 0 && report.problems.length === 0) report.problems.push(`${root}: no MLflow runs found`);
  return runIds;
}

function importMlflowRun(store: ProjectStore, runDir: string, meta: Record<string, string>, experimentName: string, report: IngestReport): number {
  const params = Object.fromEntries(keyFiles(join(runDir, 'params')).map(([key, file]) => [key, parseParam(readFileSync(file, 'utf8').trim())]));
  const tags = Object.fromEntries(keyFiles(join(runDir, 'tags')).map(([key, file]) => [key, readFileSync(file, 'utf8').trim()]));
  const series: StoredSeries[] = [];
  const summary: RunSummary = {};
  let diverged: string | null = null;
  for (const [metric, file] of keyFiles(join(runDir, 'metrics'))) {
    const points = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line, index) => {
      // "<timestamp ms> <value> <step>" (older files have no step: the line's index is used).
      const [, value, step] = line.trim().split(/\s+/);
      const y = parseNumber(value ?? '');
      const x = step === undefined ? index : Number(step);
      if (y === undefined || !Number.isFinite(x)) {
        throw new ExpectedError(`${file}: line ${index + 1} is not "<timestamp> <value> <step>": ${line.slice(0, 100)}`);
      }
      return { x, y };
    });
    points.sort((a, b) => a.x - b.x);
    const finiteEnd = points.findIndex((p) => !Number.isFinite(p.y));
    if (finiteEnd >= 0) diverged ??= `${metric} was ${points[finiteEnd].y} at step ${points[finiteEnd].x}; the points before it are kept`;
    const kept = finiteEnd >= 0 ? points.slice(0, finiteEnd) : points;
    series.push({ metric, x: Float64Array.from(kept, (p) => p.x), y: Float64Array.from(kept, (p) => p.y) });
    if (kept.length > 0) summary[metric] = kept[kept.length - 1].y;
  }
  const code = Number(meta.status);
  const ended = diverged ? { status: 'diverged' as const, error: diverged } : (mlflowStatus[code] ?? { status: 'crashed' as const, error: `MLflow status ${meta.status} is not known` });
  const startedAtMs = Number(meta.start_time) || Date.now();
  const name = tags['mlflow.runName'] ?? meta.run_name ?? meta.run_id ?? basename(runDir);
  const userTags = Object.entries(tags).filter(([key]) => !key.startsWith('mlflow.')).map(([key, value]) => (value ? `${key}=${value}` : key));
  return storeImportedRun(
    store,
    experimentName,
    { kind: 'mlflow', source: runDir, name },
    {
      params,
      tags: userTags,
      notes: tags['mlflow.note.content'] ?? '',
      startedAtMs,
      finishedAtMs: Number(meta.end_time) || startedAtMs,
      status: ended.status,
      error: ended.error,
      series,
      summary,
    },
    report,
  );
}

/** MLflow's meta.yaml files are flat `key: value` lines (nested blocks, such as tags, are skipped). */
function readYaml(file: string): Record<string, string> | null {
  if (!existsSync(file)) return null;
  const meta: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(line);
    if (match) meta[match[1]] = match[2].replace(/^'(.*)'$|^"(.*)"$/, '$1$2');
  }
  return meta;
}

/** A logged number as text: decimal, or nan / inf / Infinity as Python and Java write them. */
function parseNumber(text: string): number | undefined {
  const cell = text.trim();
  if (/^[-+]?nan$/i.test(cell)) return NaN;
  if (/^[-+]?inf(inity)?$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  const value = Number(cell);
  return cell === '' || Number.isNaN(value) ? undefined : value;
}

/** The files under an MLflow key folder, keyed by their path there ("train/loss" for metrics/train/loss). */
function keyFiles(dir: string): [string, string][] {
  if (!existsSync(dir)) return [];
  const found: [string, string][] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push([relative(dir, path).split(sep).join('/'), path]);
    }
  };
  walk(dir);
  return found;
}

/** MLflow keeps parameters as text: numbers and booleans come back as such. */
function parseParam(text: string): unknown {
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === 'True' || text === 'true') return true;
  if (text === 'False' || text === 'false') return false;
  return text;
}

// ── CSV ────────────────────────────────────────────────────────────────────────────────────────

/** Names a step column may have; without one, the first column is the step. */
const stepColumns = ['step', '_step', 'x', 'epoch', 'iteration', 'iter', 't'];

function importCsv(store: ProjectStore, file: string, experimentName: string, report: IngestReport): number {
  if (store.origins.bySource('csv', file)) throw new ExpectedError(`import: ${file} is already imported`, [{ path: 'path', message: 'already imported' }]);
  const rows = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '').map(splitCsvLine);
  if (rows.length < 2) throw new ExpectedError(`import: ${file} needs a header line and at least one row`, [{ path: 'path', message: 'empty CSV' }]);
  const header = rows[0].map((h) => h.trim());
  const stepIndex = Math.max(0, header.findIndex((h) => stepColumns.includes(h.toLowerCase())));
  const columns = header.map((name, index) => ({ name, index })).filter((c) => c.index !== stepIndex);
  if (columns.length === 0) throw new ExpectedError(`import: ${file} has a step column but no metric columns`, [{ path: 'path', message: 'no metrics' }]);
  const xs = columns.map(() => [] as number[]);
  const ys = columns.map(() => [] as number[]);
  let diverged: string | null = null;
  rows.slice(1).forEach((row, r) => {
    const line = r + 2;
    const step = Number(row[stepIndex]);
    if (row[stepIndex] === undefined || row[stepIndex].trim() === '' || !Number.isFinite(step)) {
      throw new ExpectedError(`import: ${file} line ${line}: step column "${header[stepIndex]}" is "${row[stepIndex] ?? ''}", not a number`, [{ path: 'path', message: `line ${line}` }]);
    }
    columns.forEach((column, c) => {
      const cell = (row[column.index] ?? '').trim();
      if (cell === '' || diverged) return;
      const value = parseNumber(cell);
      if (value === undefined) {
        throw new ExpectedError(`import: ${file} line ${line}: column "${column.name}" is "${cell}", not a number`, [{ path: 'path', message: `line ${line}, column ${column.name}` }]);
      }
      if (!Number.isFinite(value)) {
        diverged = `${column.name} was ${cell} at step ${step}; the points before it are kept`;
        return;
      }
      xs[c].push(step);
      ys[c].push(value);
    });
  });
  const series = columns.map((column, c) => ({ metric: column.name, x: Float64Array.from(xs[c]), y: Float64Array.from(ys[c]) }));
  const summary: RunSummary = {};
  for (const s of series) if (s.y.length > 0) summary[s.metric] = s.y[s.y.length - 1];
  const status: RunStatus = diverged ? 'diverged' : 'done';
  const modifiedMs = statSync(file).mtimeMs;
  return storeImportedRun(
    store,
    experimentName,
    { kind: 'csv', source: file, name: basename(file, '.csv') },
    { params: {}, tags: [], notes: '', startedAtMs: modifiedMs, finishedAtMs: modifiedMs, status: status as FinishedStatus, error: diverged, series, summary },
    report,
  );
}

/** One CSV line (RFC 4180: quoted fields may hold commas and doubled quotes). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}
