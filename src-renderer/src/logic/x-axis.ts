// What a panel puts on its x axis. Each mode maps a run's series (as recorded against the
// family's own x: step or model time t) to new x values; the y values are untouched.
import type { TheorySeries } from '../../../src-main/contract/family-meta';
import type { MetricSeries } from './live-series';

/** The host records seconds since the run started against the family's x (see pool-worker.ts). */
export const wallClockMetric = '_wall';

export type XMode =
  | { kind: 'native' }
  | { kind: 'wall' }
  /** Any recorded metric as x (e.g. the loss, a norm): parametric curves. */
  | { kind: 'metric'; metric: string }
  /** x times a numeric parameter of the run, e.g. η·t with `learningRate`. */
  | { kind: 'scaled'; param: string }
  /** x over a time scale of the run's own summary (an escape time, a theory time): curves collapse. */
  | { kind: 'perRun'; key: string }
  | { kind: 'log' }
  /** x minus the x of the k-th (1-based) event of an event metric: runs overlaid from that moment. */
  | { kind: 'aligned'; event: string; k: number };

export interface XRun {
  params: Readonly<Record<string, unknown>>;
  summary?: Readonly<Record<string, unknown>> | null;
  series: readonly MetricSeries[];
}

/** x ↦ x' for one run, or null when this run cannot be placed (no such event, metric or param). */
type XMap = (x: number) => number;

function interpolate(from: MetricSeries, at: number): number {
  const { x, y } = from;
  if (x.length === 0 || at < x[0] || at > x[x.length - 1]) return NaN;
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= at) lo = mid;
    else hi = mid;
  }
  if (x[hi] === x[lo]) return y[lo];
  return y[lo] + ((at - x[lo]) * (y[hi] - y[lo])) / (x[hi] - x[lo]);
}

function find(run: XRun, metric: string): MetricSeries | undefined {
  return run.series.find((series) => series.metric === metric && series.x.length > 0);
}

/** The map of a run for the mode, or null when the run lacks what the mode needs. */
export function xMap(run: XRun, mode: XMode): XMap | null {
  switch (mode.kind) {
    case 'native':
      return (x) => x;
    case 'log':
      return (x) => (x > 0 ? Math.log10(x) : NaN);
    case 'scaled': {
      const factor = run.params[mode.param];
      return typeof factor === 'number' && Number.isFinite(factor) ? (x) => x * factor : null;
    }
    case 'perRun': {
      const scale = run.summary?.[mode.key];
      return typeof scale === 'number' && Number.isFinite(scale) && scale > 0 ? (x) => x / scale : null;
    }
    case 'aligned': {
      const events = find(run, mode.event);
      const at = events?.x[mode.k - 1];
      return at === undefined ? null : (x) => x - at;
    }
    case 'wall': {
      const wall = find(run, wallClockMetric);
      if (!wall) return null;
      // The run's first sample is taken at wall time 0; marks follow at each chunk's end.
      const firstX = Math.min(...run.series.filter((s) => s.metric !== wallClockMetric && s.x.length > 0).map((s) => s.x[0]));
      const anchored: MetricSeries = Number.isFinite(firstX) && firstX < wall.x[0]
        ? { metric: wallClockMetric, x: [firstX, ...wall.x], y: [0, ...wall.y] }
        : wall;
      return (x) => interpolate(anchored, x);
    }
    case 'metric': {
      const source = find(run, mode.metric);
      return source ? (x) => interpolate(source, x) : null;
    }
  }
}

/** The run's series on the new x; points that map to NaN are dropped. Null: run not placeable. */
export function mapRunSeries(run: XRun, mode: XMode): MetricSeries[] | null {
  const map = xMap(run, mode);
  if (!map) return null;
  if (mode.kind === 'native') return [...run.series];
  return run.series.map((series) => {
    const x: number[] = [];
    const y: number[] = [];
    series.x.forEach((value, i) => {
      const mapped = map(value);
      if (!Number.isFinite(mapped)) return;
      x.push(mapped);
      y.push(series.y[i]);
    });
    return { metric: series.metric, x, y };
  });
}

/** Theory drawn against model x can follow modes that are a function of x alone. */
export function mapTheory(run: XRun, mode: XMode, theory: readonly TheorySeries[]): TheorySeries[] {
  if (mode.kind === 'native') return [...theory];
  if (mode.kind === 'wall' || mode.kind === 'metric') return [];
  const map = xMap(run, mode);
  if (!map) return [];
  return theory.map((series) => (series.kind === 'hline' ? series : { ...series, x: series.x.map(map) }));
}

export function xAxisLabel(mode: XMode, native: string, metricLabel: (metric: string) => string): string {
  switch (mode.kind) {
    case 'native':
      return native;
    case 'wall':
      return 'wall time (s)';
    case 'metric':
      return metricLabel(mode.metric);
    case 'scaled':
      return `${mode.param} · ${native}`;
    case 'perRun':
      return `${native} / ${mode.key}`;
    case 'log':
      return `log₁₀ ${native}`;
    case 'aligned':
      return `${native} − ${native} at ${metricLabel(mode.event)} #${mode.k}`;
  }
}
