// Live points streamed while a run is going: appended to what is shown, bounded in size.

export interface MetricSeries {
  readonly metric: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

/** Drops every other point (keeping the last) until the series fits in `cap` points. */
function thin(x: number[], y: number[], cap: number): { x: number[]; y: number[] } {
  while (x.length > cap) {
    const last = x.length - 1;
    const keep = (_: number, i: number) => i % 2 === 0 || i === last;
    x = x.filter(keep);
    y = y.filter(keep);
  }
  return { x, y };
}

/**
 * Appends the points beyond the series' last x (a refetch may already hold some of them) and
 * thins the result to `cap` points, so a long run cannot grow the chart without bound.
 */
export function appendPoints(
  series: MetricSeries | undefined,
  metric: string,
  x: readonly number[],
  y: readonly number[],
  cap: number,
): MetricSeries {
  const oldX = series?.x ?? [];
  const lastX = oldX.length > 0 ? oldX[oldX.length - 1] : -Infinity;
  const start = x.findIndex((value) => value > lastX);
  if (start < 0 && series) return series;
  const from = start < 0 ? x.length : start;
  const merged = thin([...oldX, ...x.slice(from)], [...(series?.y ?? []), ...y.slice(from)], cap);
  return { metric, ...merged };
}
