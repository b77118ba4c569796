// Run tables for the command line (`saddle-lab runs` / `compare`, `export --format summaries`):
// one row per run, its parameters and scalar summaries as columns, filtered by `--where`
// conditions and sorted. Pure functions of runs; the CLI fetches, this shapes and prints.
import type { Experiment, Run, RunOrigin } from '../contract';
import { ExpectedError } from './errors';

export type Cell = number | string | boolean | null;

export interface RunRow {
  run: Run;
  experiment: Experiment;
  origin: RunOrigin | undefined;
}

export interface Condition {
  key: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: string;
}

/** Column names of the run itself, before its parameters and summaries. */
const runColumns = ['run', 'experiment', 'family', 'name', 'status', 'origin', 'started', 'tags'] as const;

/** `depth=3`, `loss<0.1`, `status!=done`; several joined by commas (and) or given as several --where. */
export function parseWhere(texts: readonly string[]): Condition[] {
  return texts.flatMap((text) =>
    text.split(',').map((part) => {
      const match = /^\s*([^<>=!\s][^<>=!]*?)\s*(!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(part);
      if (!match || match[3] === '') throw new ExpectedError(`--where "${part}": write KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE`, [{ path: 'where', message: part }]);
      return { key: match[1], op: match[2] as Condition['op'], value: match[3] };
    }),
  );
}

/** A run's value under a column: run fields first, then parameters (params.KEY to be explicit), then summaries (summary.KEY). */
export function cellOf(row: RunRow, key: string): Cell | undefined {
  const { run, experiment, origin } = row;
  switch (key) {
    case 'run':
    case 'id':
      return run.id;
    case 'experiment':
      return experiment.id;
    case 'family':
      return experiment.family;
    case 'name':
      return origin?.name ?? null;
    case 'status':
      return run.status;
    case 'origin':
      return origin ? `${origin.kind}: ${origin.source}` : 'saddle-lab';
    case 'started':
      return run.startedAtMs === null ? null : new Date(run.startedAtMs).toISOString().replace(/\.\d+Z$/, 'Z');
    case 'tags':
      return run.tags.join(' ');
  }
  if (key.startsWith('params.')) return scalar(run.params[key.slice('params.'.length)]);
  if (key.startsWith('summary.')) return flatSummary(run)[key.slice('summary.'.length)];
  if (key in run.params) return scalar(run.params[key]);
  return flatSummary(run)[key];
}

function scalar(value: unknown): Cell | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

export function matches(row: RunRow, conditions: readonly Condition[]): boolean {
  return conditions.every(({ key, op, value }) => {
    const cell = cellOf(row, key);
    if (cell === undefined || cell === null) return op === '!=';
    const wanted = Number(value);
    const compareNumbers = typeof cell === 'number' && value.trim() !== '' && Number.isFinite(wanted);
    const order = compareNumbers ? Math.sign(cell - wanted) : String(cell) === value ? 0 : String(cell) < value ? -1 : 1;
    switch (op) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
    }
  });
}

/** Sorts by `key` (prefix `-` for descending); runs without a value go last. */
export function sortRows(rows: RunRow[], key: string | undefined): RunRow[] {
  if (!key) return rows;
  const descending = key.startsWith('-');
  const column = descending ? key.slice(1) : key;
  return [...rows].sort((a, b) => {
    const x = cellOf(a, column);
    const y = cellOf(b, column);
    if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
    if (y === undefined || y === null) return -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return descending ? -order : order;
  });
}

export interface Table {
  columns: string[];
  rows: Cell[][];
}

/**
 * The comparison table: run columns, then every parameter and every scalar summary the runs have
 * (arrays of a summary as key[0], key[1], …). A parameter and a summary of one name are told apart
 * as params.KEY and summary.KEY. `onlyVarying` drops parameters equal in every run.
 */
export function compareTable(rows: readonly RunRow[], options: { onlyVarying: boolean; columns?: string[] }): Table {
  const paramKeys = unionKeys(rows.map((r) => r.run.params));
  const summaryKeys = unionKeys(rows.map((r) => flatSummary(r.run)));
  const shownParams = options.onlyVarying && rows.length > 1 ? paramKeys.filter((key) => new Set(rows.map((r) => JSON.stringify(r.run.params[key] ?? null))).size > 1) : paramKeys;
  const paramColumns = shownParams.map((key) => (summaryKeys.includes(key) ? `params.${key}` : key));
  const summaryColumns = summaryKeys.map((key) => (paramKeys.includes(key) ? `summary.${key}` : key));
  const columns = options.columns ?? [...runColumns, ...paramColumns, ...summaryColumns];
  return {
    columns,
    rows: rows.map((row) => columns.map((column) => cellOf(row, column) ?? null)),
  };
}

/** Summary arrays as key[0], key[1], … (as the project file's summaries view has them). */
function flatSummary(run: Run): Record<string, Cell> {
  const flat: Record<string, Cell> = {};
  for (const [key, value] of Object.entries(run.summary ?? {})) {
    if (Array.isArray(value)) value.forEach((item, index) => (flat[`${key}[${index}]`] = item));
    else flat[key] = value;
  }
  return flat;
}

function unionKeys(records: readonly Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const record of records) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

function text(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isInteger(cell) ? String(cell) : String(Number(cell.toPrecision(6)));
  return String(cell);
}

/** CSV with full-precision numbers (RFC 4180 quoting). */
export function tableCsv(table: Table): string {
  const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  const full = (cell: Cell) => (cell === null ? '' : String(cell));
  return [table.columns.map(quote).join(','), ...table.rows.map((row) => row.map((cell) => quote(full(cell))).join(','))].join('\n') + '\n';
}

export function tableMarkdown(table: Table): string {
  const escape = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`| ${table.columns.map(escape).join(' | ')} |`, `| ${table.columns.map(() => '---').join(' | ')} |`];
  for (const row of table.rows) lines.push(`| ${row.map((cell) => escape(text(cell))).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

/** Aligned columns for a terminal (numbers to 6 significant digits). */
export function tableText(table: Table): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(text))];
  const widths = table.columns.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n';
}
