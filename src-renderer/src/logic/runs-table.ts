// The runs table as data: its columns (fixed, parameters, summary values), cell values,
// sorting and the text filter.
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

/** Case-insensitive match of every word against the row's cells, tags and notes. */
export function filterRuns(runs: readonly Run[], columns: readonly TableColumn[], query: string): Run[] {
  const words = query.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return [...runs];
  return runs.filter((run) => {
    const cells = columns.map((column) => `${column.label}=${formatCompact(cellValue(run, column), Infinity)}`);
    const haystack = [...cells, ...run.tags, run.notes, run.error ?? ''].join(' ').toLowerCase();
    return words.every((word) => haystack.includes(word));
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
