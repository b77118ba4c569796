// Statistics over runs that differ only in seed (or in the parameters not grouped by): centre
// (mean or median) and spread (min–max, ±σ, ±standard error) with the member count N.
// Runs of an adaptive integrator sample different x, so members are interpolated onto one grid.

export interface XY {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export type BandCentre = 'mean' | 'median';
export type BandSpread = 'minmax' | 'std' | 'se';

export interface Band {
  x: number[];
  mean: number[];
  median: number[];
  min: number[];
  max: number[];
  /** Sample standard deviation (n − 1); 0 for a single member. */
  std: number[];
  /** How many members cover each x (a member contributes only inside its own x range). */
  count: number[];
}

/** y of a sorted series at `at` by linear interpolation; NaN outside its range or across NaN/Inf. */
function interpolator(series: XY): (at: number) => number {
  let j = 0;
  const { x, y } = series;
  return (at) => {
    if (x.length === 0 || at < x[0] || at > x[x.length - 1]) return NaN;
    while (j < x.length - 1 && x[j + 1] < at) j++;
    if (x[j] === at) return y[j];
    if (j + 1 >= x.length) return NaN;
    if (x[j + 1] === at) return y[j + 1];
    const t = (at - x[j]) / (x[j + 1] - x[j]);
    return y[j] + t * (y[j + 1] - y[j]);
  };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The grid is the x of the member with the most points; members must have ascending x.
 * Points where no member has a finite value are left out.
 */
export function aggregateSeries(members: readonly XY[]): Band {
  const band: Band = { x: [], mean: [], median: [], min: [], max: [], std: [], count: [] };
  if (members.length === 0) return band;
  const grid = members.reduce((longest, member) => (member.x.length > longest.x.length ? member : longest)).x;
  const lookups = members.map(interpolator);
  for (const at of grid) {
    const values = lookups.map((lookup) => lookup(at)).filter(Number.isFinite).sort((a, b) => a - b);
    const n = values.length;
    if (n === 0) continue;
    const mean = values.reduce((sum, v) => sum + v, 0) / n;
    const variance = n > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1) : 0;
    band.x.push(at);
    band.mean.push(mean);
    band.median.push(median(values));
    band.min.push(values[0]);
    band.max.push(values[n - 1]);
    band.std.push(Math.sqrt(variance));
    band.count.push(n);
  }
  return band;
}

/** The line and shaded range to draw for a band. */
export function bandLines(band: Band, centre: BandCentre, spread: BandSpread): { y: number[]; lower: number[]; upper: number[] } {
  const y = centre === 'mean' ? band.mean : band.median;
  if (spread === 'minmax') return { y, lower: band.min, upper: band.max };
  const width = band.std.map((s, i) => (spread === 'std' ? s : s / Math.sqrt(band.count[i])));
  return { y, lower: y.map((v, i) => v - width[i]), upper: y.map((v, i) => v + width[i]) };
}

export function isAscending(x: readonly number[]): boolean {
  for (let i = 1; i < x.length; i++) if (!(x[i] >= x[i - 1])) return false;
  return true;
}
