// Which parameters tell runs apart, and the short labels built from them ("depth=3, initScale=0.04").
import { formatValue } from './format';

type Params = Readonly<Record<string, unknown>>;

/** JSON with sorted keys, so equal values give equal text whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** Parameter sets are compared on every redraw of every panel: their texts are computed once. */
const valueTexts = new WeakMap<Params, Map<string, string>>();

function valueText(params: Params, key: string): string {
  let texts = valueTexts.get(params);
  if (!texts) valueTexts.set(params, (texts = new Map()));
  let text = texts.get(key);
  if (text === undefined) texts.set(key, (text = stableStringify(params[key])));
  return text;
}

/** Keys whose value differs between at least two of the parameter sets, in first-seen order. */
export function varyingKeys(paramSets: readonly Params[]): string[] {
  const keys = [...new Set(paramSets.flatMap((params) => Object.keys(params)))];
  return keys.filter((key) => new Set(paramSets.map((params) => valueText(params, key))).size > 1);
}

/**
 * The parameter a sweep's curves are coloured by unless the user chooses: of the varying keys whose
 * values are all numbers, the one with the most distinct values (the ε logspace of a sweep over a
 * few depths), the earlier on ties; null when none varies.
 */
export function defaultColourParam(paramSets: readonly Params[], varying: readonly string[]): string | null {
  let best: { key: string; count: number } | null = null;
  for (const key of varying) {
    const values = paramSets.map((params) => params[key]);
    if (!values.every((value) => typeof value === 'number')) continue;
    const count = new Set(values).size;
    if (!best || count > best.count) best = { key, count };
  }
  return best?.key ?? null;
}

export function paramsLabel(params: Params, keys: readonly string[]): string {
  return keys.map((key) => `${key}=${formatValue(params[key])}`).join(', ');
}

/** Orders values the way a reader expects: numbers numerically, then everything else as text. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const order = compareValues(a[i], b[i]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  return formatValue(a).localeCompare(formatValue(b), undefined, { numeric: true });
}

/** Compares parameter sets key by key, for legends sorted by depth, then initScale, … */
export function compareParams(a: Params, b: Params, keys: readonly string[]): number {
  for (const key of keys) {
    const order = compareValues(a[key], b[key]);
    if (order !== 0) return order;
  }
  return 0;
}
