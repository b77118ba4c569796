// Chart specs name metrics exactly ('loss') or by prefix ('sigma/' matches 'sigma/0', 'sigma/1', …).

export function matchesMetric(pattern: string, metric: string): boolean {
  return pattern.endsWith('/') ? metric.startsWith(pattern) : metric === pattern;
}

/** Index of an indexed metric ('sigma/2' → 2), or null. */
export function metricIndex(metric: string): number | null {
  const match = /\/(\d+)$/.exec(metric);
  return match ? Number(match[1]) : null;
}

/** The available metrics a chart draws: in the chart's pattern order, indexed ones by index. */
export function chartMetrics(patterns: readonly string[], available: readonly string[]): string[] {
  const chosen: string[] = [];
  for (const pattern of patterns) {
    const matches = available.filter((metric) => matchesMetric(pattern, metric) && !chosen.includes(metric));
    matches.sort((a, b) => (metricIndex(a) ?? 0) - (metricIndex(b) ?? 0) || a.localeCompare(b));
    chosen.push(...matches);
  }
  return chosen;
}
