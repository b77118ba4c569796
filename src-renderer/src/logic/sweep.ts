// Editing sweep axes as the spec defines them (a list, {linspace:[a,b,n]} or {logspace:[a,b,n]} in
// decades) and the seeds field's syntax. The values an axis stands for come from the contract's
// expansion, the one main plans runs with.
import type { FieldIssue, SweepAxis } from '../../../src-main/contract/spec';
import { axisValues } from '../../../src-main/contract/sweep';
import { formatValue } from './format';

export type SweepKind = 'list' | 'linspace' | 'logspace';
export type Sweep = Record<string, SweepAxis>;
export type TextParse<T> = { ok: true; value: T } | { ok: false; message: string };

export function sweepKind(axis: SweepAxis): SweepKind {
  if (Array.isArray(axis)) return 'list';
  return 'linspace' in axis ? 'linspace' : 'logspace';
}

/** The same values re-expressed as another kind, keeping the range and count where it can. */
export function convertAxis(axis: SweepAxis, kind: SweepKind): SweepAxis {
  if (sweepKind(axis) === kind) return axis;
  const values = axisValues(axis).filter((value): value is number => typeof value === 'number');
  if (kind === 'list') return values.length > 0 ? values : [0];
  const low = values.length > 0 ? Math.min(...values) : 0;
  const high = values.length > 0 ? Math.max(...values) : 1;
  const count = Math.max(values.length, 2);
  if (kind === 'linspace') return { linspace: [low, high, count] };
  const decade = (value: number, fallback: number) => (value > 0 ? Math.round(Math.log10(value) * 1000) / 1000 : fallback);
  const lowDecade = decade(low, -3);
  return { logspace: [lowDecade, decade(high, lowDecade + 1), count] };
}

export interface SweepValueIssue {
  /** Position of the value in the expanded axis. */
  index: number;
  value: unknown;
  /** The path the CLI prints too, e.g. `sweep.depth[1]`. */
  path: string;
  message: string;
}

/** The issues about single values of axis `name` (paths `sweep.name[i]…`), each with the value it names. */
export function sweepValueIssues(name: string, axis: SweepAxis, issues: readonly FieldIssue[]): SweepValueIssue[] {
  const prefix = `sweep.${name}[`;
  const values = axisValues(axis);
  return issues.flatMap((issue) => {
    if (!issue.path.startsWith(prefix)) return [];
    const index = Number.parseInt(issue.path.slice(prefix.length), 10);
    return Number.isInteger(index) ? [{ index, value: values[index], path: issue.path, message: issue.message }] : [];
  });
}

/** A new axis that starts from the parameter's current value. */
export function axisFromValue(value: unknown): SweepAxis {
  return [typeof value === 'number' ? value : 0];
}

/** The values with their count, long axes cut short: "0.01, 0.0316, 0.1, 0.3162 … 10 (5 values)". */
export function axisPreview(axis: SweepAxis, shown = 4): string {
  const values = axisValues(axis);
  const count = `(${values.length} value${values.length === 1 ? '' : 's'})`;
  if (values.length <= shown) return `${values.map(formatValue).join(', ')} ${count}`;
  return `${values.slice(0, shown).map(formatValue).join(', ')} … ${formatValue(values[values.length - 1])} ${count}`;
}

/** "0, 1, 2", "0-4", "0..4, 10": non-negative integers, duplicates dropped, order kept. */
export function parseSeeds(text: string): TextParse<number[]> {
  const seeds: number[] = [];
  const parts = text.split(/[\s,;]+/).filter((part) => part !== '');
  for (const part of parts) {
    const range = /^(\d+)(?:-|\.\.)(\d+)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) return { ok: false, message: `range "${part}" runs backwards` };
      if (to - from >= 1000) return { ok: false, message: 'at most 1000 seeds' };
      for (let seed = from; seed <= to; seed++) seeds.push(seed);
    } else if (/^\d+$/.test(part)) {
      seeds.push(Number(part));
    } else {
      return { ok: false, message: `"${part}" is not a seed (non-negative integer or range a-b)` };
    }
  }
  const unique = [...new Set(seeds)];
  if (unique.length === 0) return { ok: false, message: 'at least one seed' };
  if (unique.length > 1000) return { ok: false, message: 'at most 1000 seeds' };
  return { ok: true, value: unique };
}

/** Seeds as text, consecutive runs collapsed: [0,1,2,3,7] → "0-3, 7". */
export function formatSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= seeds.length; i++) {
    if (i < seeds.length && seeds[i] === seeds[i - 1] + 1) continue;
    const [first, last] = [seeds[start], seeds[i - 1]];
    parts.push(last - first >= 2 ? `${first}-${last}` : seeds.slice(start, i).join(', '));
    start = i;
  }
  return parts.join(', ');
}

/** Numbers of a list axis typed as text: "0.01, 0.02 0.05". */
export function parseNumberList(text: string): TextParse<number[]> {
  const items = text.split(/[\s,;]+/).filter((item) => item !== '');
  const values = items.map(Number);
  const bad = values.findIndex((value) => !Number.isFinite(value));
  if (bad >= 0) return { ok: false, message: `"${items[bad]}" is not a number` };
  if (values.length === 0) return { ok: false, message: 'a sweep list needs at least one value' };
  return { ok: true, value: values };
}
