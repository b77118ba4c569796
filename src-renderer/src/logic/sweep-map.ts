// A two-parameter view of a sweep: runs placed on a grid by two swept parameters, each cell
// coloured by a summary value or a swept parameter (mean of a number, or the most common class
// such as an outcome), and the points a "refine" adds half-way between neighbouring cells of different classes.
import { compareValues, stableStringify } from './params';

export interface SweepRun {
  id: number;
  params: Readonly<Record<string, unknown>>;
  seed: number;
  status: string;
  summary: Readonly<Record<string, unknown>> | null;
}

/** 'status', a summary key, or a swept parameter as `param:<name>` (a summary may share its name). */
export type SweepValueKey = string;

const paramPrefix = 'param:';

/** The value key that colours cells by the swept parameter `name`. */
export function paramValueKey(name: string): SweepValueKey {
  return paramPrefix + name;
}

/** What a value key names, for the colour bar and the menu: the parameter or summary name. */
export function sweepValueLabel(key: SweepValueKey): string {
  return key.startsWith(paramPrefix) ? key.slice(paramPrefix.length) : key;
}

export interface SweepCell {
  column: number;
  row: number;
  runIds: number[];
  /** Mean of the numeric values, or the most common class; null when no run has one. */
  value: number | string | null;
}

export interface SweepMap {
  xValues: unknown[];
  yValues: unknown[];
  cells: SweepCell[];
  /** Classes in first-seen order when the value is categorical (strings), else empty. */
  classes: string[];
}

/**
 * What a map can be coloured by: the run status, the summary keys with a number or a class
 * (sorted), then the swept parameters (`swept`, e.g. a third one that is on neither axis).
 */
export function sweepValueKeys(runs: readonly SweepRun[], swept: readonly string[] = []): SweepValueKey[] {
  const keys = new Set<string>();
  for (const run of runs) for (const [key, value] of Object.entries(run.summary ?? {})) if (typeof value === 'number' || typeof value === 'string' || value === null) keys.add(key);
  return ['status', ...[...keys].sort(), ...swept.map(paramValueKey)];
}

/**
 * The colour a map opens with: the status while runs are active (what is done, what is not), then
 * a class summary such as an outcome, else the first numeric summary that differs between runs
 * (a constant colours every cell alike), else the status.
 */
export function defaultSweepValue(runs: readonly SweepRun[], active: boolean): SweepValueKey {
  if (active) return 'status';
  const keys = sweepValueKeys(runs).filter((key) => key !== 'status');
  const values = (key: string) => runs.map((run) => run.summary?.[key]);
  const classKey = keys.find((key) => values(key).some((value) => typeof value === 'string'));
  if (classKey) return classKey;
  const varies = (key: string) => new Set(values(key).filter((value) => typeof value === 'number' && Number.isFinite(value))).size > 1;
  return keys.find(varies) ?? 'status';
}

function coordinate(run: SweepRun, key: string): unknown {
  return key === 'seed' ? run.seed : run.params[key];
}

function valueOf(run: SweepRun, key: SweepValueKey): unknown {
  if (key === 'status') return run.status;
  if (key.startsWith(paramPrefix)) return run.params[key.slice(paramPrefix.length)];
  return run.summary?.[key];
}

function distinctSorted(values: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const value of values) seen.set(stableStringify(value), value);
  return [...seen.values()].sort(compareValues);
}

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

export function buildSweepMap(runs: readonly SweepRun[], xKey: string, yKey: string, valueKey: SweepValueKey): SweepMap {
  const xValues = distinctSorted(runs.map((run) => coordinate(run, xKey)));
  const yValues = distinctSorted(runs.map((run) => coordinate(run, yKey)));
  const xIndex = new Map(xValues.map((value, i) => [stableStringify(value), i]));
  const yIndex = new Map(yValues.map((value, i) => [stableStringify(value), i]));
  const byCell = new Map<string, { column: number; row: number; runs: SweepRun[] }>();
  for (const run of runs) {
    const column = xIndex.get(stableStringify(coordinate(run, xKey))) ?? 0;
    const row = yIndex.get(stableStringify(coordinate(run, yKey))) ?? 0;
    const key = `${column}:${row}`;
    const cell = byCell.get(key) ?? { column, row, runs: [] };
    cell.runs.push(run);
    byCell.set(key, cell);
  }
  const categorical = runs.some((run) => typeof valueOf(run, valueKey) === 'string');
  const classes: string[] = [];
  const cells = [...byCell.values()].map(({ column, row, runs: members }) => {
    const raw = members.map((run) => valueOf(run, valueKey));
    let value: number | string | null = null;
    if (categorical) {
      const strings = raw.filter((v): v is string => typeof v === 'string');
      if (strings.length > 0) value = mostCommon(strings);
      if (typeof value === 'string' && !classes.includes(value)) classes.push(value);
    } else {
      const numbers = raw.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (numbers.length > 0) value = numbers.reduce((sum, v) => sum + v, 0) / numbers.length;
    }
    return { column, row, runIds: members.map((run) => run.id), value };
  });
  cells.sort((a, b) => a.row - b.row || a.column - b.column);
  return { xValues, yValues, cells, classes };
}

/** Ascending positive values more evenly spaced in ratio than in difference (a logspace), at least three. */
export function isLogSpaced(axis: readonly number[]): boolean {
  const positive = axis.every((v) => v > 0);
  const ratios = axis.slice(1).map((v, i) => v / axis[i]);
  const differences = axis.slice(1).map((v, i) => v - axis[i]);
  const spread = (values: number[]) => (values.length < 2 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(values[0]));
  return positive && axis.length > 2 && spread(ratios) < spread(differences);
}

/** Significant digits a new sweep point keeps: far beyond what a sweep resolves, short enough to read. */
const pointDigits = 12;

/** The shortest decimal within `pointDigits` significant digits: 0.7999999999999999 → 0.8. */
export function roundPoint(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(pointDigits)) : value;
}

/**
 * Half-way between two values of `axis`: geometric for positive log-spaced axes, integral for
 * integers; rounded (roundPoint) so the stored parameter reads as typed. What the axis is like is
 * read once: a sweep map refines every pair of neighbours of a 200-value axis.
 */
export function axisMidpoint(axis: readonly number[]): (a: number, b: number) => number | null {
  const logSpaced = isLogSpaced(axis);
  const integral = axis.every(Number.isInteger);
  return (a, b) => {
    const exact = logSpaced ? Math.sqrt(a * b) : (a + b) / 2;
    const mid = integral && Number.isInteger(a) && Number.isInteger(b) ? Math.round(exact) : roundPoint(exact);
    return mid === a || mid === b ? null : mid;
  };
}

export function midpoint(a: number, b: number, axis: readonly number[]): number | null {
  return axisMidpoint(axis)(a, b);
}

/**
 * Parameter points half-way between horizontally or vertically adjacent cells whose classes
 * differ, the other coordinate kept. Only numeric parameter axes can be refined (not seeds).
 */
export function refinePoints(map: SweepMap, xKey: string, yKey: string): Record<string, unknown>[] {
  if (map.classes.length < 2) return [];
  const at = new Map(map.cells.map((cell) => [`${cell.column}:${cell.row}`, cell]));
  const points = new Map<string, Record<string, unknown>>();
  const between = (key: string, values: readonly unknown[]) =>
    key !== 'seed' && values.every((v) => typeof v === 'number') ? axisMidpoint(values as number[]) : null;
  const xBetween = between(xKey, map.xValues);
  const yBetween = between(yKey, map.yValues);
  const add = (key: string, mid: number | null, otherKey: string, otherValue: unknown) => {
    if (mid === null) return;
    const point = otherKey === 'seed' ? { [key]: mid } : { [key]: mid, [otherKey]: otherValue };
    points.set(stableStringify(point), point);
  };
  for (const cell of map.cells) {
    if (typeof cell.value !== 'string') continue;
    const right = at.get(`${cell.column + 1}:${cell.row}`);
    if (xBetween && right && typeof right.value === 'string' && right.value !== cell.value) {
      add(xKey, xBetween(map.xValues[cell.column] as number, map.xValues[cell.column + 1] as number), yKey, map.yValues[cell.row]);
    }
    const up = at.get(`${cell.column}:${cell.row + 1}`);
    if (yBetween && up && typeof up.value === 'string' && up.value !== cell.value) {
      add(yKey, yBetween(map.yValues[cell.row] as number, map.yValues[cell.row + 1] as number), xKey, map.xValues[cell.column]);
    }
  }
  return [...points.values()];
}
