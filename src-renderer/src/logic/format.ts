// Compact, stable text for numbers and parameter values: legends, table cells, CSV headers.

/** Four significant digits, no trailing zeros; exponent form outside [1e-3, 1e5). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) {
    const [mantissa, exponent] = value.toExponential(3).split('e');
    return `${trimZeros(mantissa)}e${Number(exponent)}`;
  }
  return trimZeros(value.toPrecision(4));
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Any parameter or summary value as short text; arrays stay on one line. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Arrays longer than `maxItems` are cut with an ellipsis and their length, for narrow cells. */
export function formatCompact(value: unknown, maxItems = 3): string {
  if (Array.isArray(value) && value.length > maxItems) {
    const head = value.slice(0, maxItems).map((item) => formatValue(item));
    return `[${head.join(', ')}, … ${value.length}]`;
  }
  return formatValue(value);
}

/** Durations such as ETAs: "42 s", "3 min 5 s", "1 h 12 min". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
