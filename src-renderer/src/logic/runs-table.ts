// The runs table as data: its columns (fixed, parameters, summary values), cell values,
// sorting and the filter (text and numeric comparisons).
import type { Run } from '../../../src-main/contract/api';
import { formatCompact } from './format';
import { compareValues, varyingKeys } from './params';

export type ColumnSource = 'run' | 'param' | 'summary';

export interface TableColumn {
  /** Unique across sources, e.g. 'param:depth'. */
  id: string;
  key: string;
  label: string;
  source: ColumnSource;
}

export interface SortOrder {
  columnId: string;
  descending: boolean;
}

const runColumns: TableColumn[] = [
  { id: 'run:id', key: 'id', label: '#', source: 'run' },
  { id: 'run:status', key: 'status', label: 'status', source: 'run' },
  { id: 'run:seed', key: 'seed', label: 'seed', source: 'run' },
];

/** Fixed columns, then parameters (only those that vary unless `allParams`), then summary keys. */
export function tableColumns(runs: readonly Run[], allParams: boolean): TableColumn[] {
  const paramKeys = allParams
    ? [...new Set(runs.flatMap((run) => Object.keys(run.params)))]
    : varyingKeys(runs.map((run) => run.params));
  const summaryKeys = [...new Set(runs.flatMap((run) => Object.keys(run.summary ?? {})))];
  // Shown once any run used something other than the plain CPU (a GPU, or a fallback notice).
  const deviceColumn: TableColumn[] = runs.some((run) => run.device !== null && run.device !== 'cpu') ? [{ id: 'run:device', key: 'device', label: 'device', source: 'run' }] : [];
  return [
    ...runColumns,
    ...deviceColumn,
    ...paramKeys.map((key): TableColumn => ({ id: `param:${key}`, key, label: key, source: 'param' })),
    ...summaryKeys.map((key): TableColumn => ({ id: `summary:${key}`, key, label: key, source: 'summary' })),
  ];
}

export function cellValue(run: Run, column: TableColumn): unknown {
  switch (column.source) {
    case 'run':
      return run[column.key as 'id' | 'status' | 'seed' | 'device'];
    case 'param':
      return run.params[column.key];
    case 'summary':
      return run.summary?.[column.key];
  }
}

/** A stable sort; missing values last whatever the direction. */
export function sortRuns(runs: readonly Run[], columns: readonly TableColumn[], order: SortOrder | null): Run[] {
  const column = order ? columns.find((candidate) => candidate.id === order.columnId) : undefined;
  if (!order || !column) return [...runs];
  const sign = order.descending ? -1 : 1;
  return [...runs].sort((a, b) => {
    const [left, right] = [cellValue(a, column), cellValue(b, column)];
    const leftMissing = left === null || left === undefined;
    const rightMissing = right === null || right === undefined;
    if (leftMissing || rightMissing) return Number(leftMissing) - Number(rightMissing);
    return sign * compareValues(left, right) || a.id - b.id;
  });
}

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** One word of the filter: text found anywhere in the row, or a column compared with a number. */
export type FilterTerm = { kind: 'text'; text: string } | { kind: 'compare'; key: string; op: CompareOp; value: number };

export type ParsedFilter = { ok: true; terms: FilterTerm[] } | { ok: false; message: string };

// Two-character operators first, so "depth>=3" is not read as "depth>" "=3".
const comparison = /^([^\s<>=!]+)(<=|>=|!=|=|<|>)(.*)$/;
/** Equal within this relative difference: 0.01 typed matches 0.010000000000000002 computed. */
const equalRelative = 1e-9;

/**
 * "depth>3 initScale=0.01 slow": `key=v`, `key!=v` (numbers equal within 1e-9 relative), `key<v`,
 * `key>v`, `key<=v`, `key>=v` compare a column; `status=done` (not a number) and plain words match
 * text anywhere in the row. Every term must hold.
 */
export function parseRunFilter(query: string, columns: readonly TableColumn[]): ParsedFilter {
  const terms: FilterTerm[] = [];
  for (const word of query.split(/\s+/).filter((part) => part !== '')) {
    const match = comparison.exec(word);
    if (!match) {
      terms.push({ kind: 'text', text: word.toLowerCase() });
      continue;
    }
    const [, key, op, valueText] = match as unknown as [string, string, CompareOp, string];
    const value = Number(valueText);
    const numeric = valueText.trim() !== '' && Number.isFinite(value);
    if (!numeric && op === '=') {
      terms.push({ kind: 'text', text: word.toLowerCase() });
      continue;
    }
    if (!numeric) return { ok: false, message: `"${word}": ${op} needs a number after it, e.g. ${key}${op}3` };
    const column = columns.find((candidate) => candidate.label.toLowerCase() === key.toLowerCase());
    if (!column) return { ok: false, message: `"${word}": no column "${key}" (columns: ${columns.map((c) => c.label).join(', ')})` };
    terms.push({ kind: 'compare', key: column.label, op, value });
  }
  return { ok: true, terms };
}

function numbersEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= equalRelative * Math.max(Math.abs(a), Math.abs(b));
}

function compares(cell: unknown, op: CompareOp, value: number): boolean {
  if (typeof cell !== 'number') return op === '!=';
  switch (op) {
    case '=':
      return numbersEqual(cell, value);
    case '!=':
      return !numbersEqual(cell, value);
    case '<':
      return cell < value;
    case '>':
      return cell > value;
    case '<=':
      return cell <= value || numbersEqual(cell, value);
    case '>=':
      return cell >= value || numbersEqual(cell, value);
  }
}

/** The runs for which every term holds; text is matched case-insensitively against cells, tags and notes. */
export function filterRuns(runs: readonly Run[], columns: readonly TableColumn[], terms: readonly FilterTerm[]): Run[] {
  if (terms.length === 0) return [...runs];
  return runs.filter((run) => {
    const cells = columns.map((column) => `${column.label}=${formatCompact(cellValue(run, column), Infinity)}`);
    const haystack = [...cells, ...run.tags, run.notes, run.error ?? ''].join(' ').toLowerCase();
    return terms.every((term) => {
      if (term.kind === 'text') return haystack.includes(term.text);
      const column = columns.find((candidate) => candidate.label === term.key);
      return column !== undefined && compares(cellValue(run, column), term.op, term.value);
    });
  });
}

/** Tags typed as "a, b c" → ['a', 'b', 'c']; duplicates dropped. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((tag) => tag !== ''))];
}

/** A family's warning about a run that ended `done` but not as it should read (e.g. it stopped moving). */
export function runWarning(run: Run): string | null {
  const warning = run.summary?.warning;
  return typeof warning === 'string' && warning.length > 0 ? warning : null;
}

/** Tables up to this many rows are drawn whole; bigger ones only around what is scrolled into view. */
export const windowedFromRows = 200;

export interface RowWindow {
  /** Index of the first row drawn. */
  first: number;
  /** Index after the last row drawn. */
  end: number;
  /** Heights in px standing in for the rows above and below those drawn. */
  padTop: number;
  padBottom: number;
}

/**
 * The rows of a `total`-row table to draw for a viewport `viewportPx` high scrolled to
 * `scrollTopPx`, with `overscan` rows either side: a 1000-run sweep's table laid out whole at
 * every status change took the page's main thread.
 */
export function rowWindow(total: number, scrollTopPx: number, viewportPx: number, rowPx: number, overscan: number): RowWindow {
  if (total <= windowedFromRows || rowPx <= 0) return { first: 0, end: total, padTop: 0, padBottom: 0 };
  const first = Math.min(total, Math.max(0, Math.floor(scrollTopPx / rowPx) - overscan));
  const end = Math.min(total, Math.ceil((scrollTopPx + viewportPx) / rowPx) + overscan);
  return { first, end: Math.max(first, end), padTop: first * rowPx, padBottom: (total - Math.max(first, end)) * rowPx };
}
