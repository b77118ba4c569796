// Mean and min–max band over runs that differ only in seed (or in the parameters not grouped by).
// Runs of an adaptive integrator sample different x, so members are interpolated onto one grid.

export interface XY {
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export interface Band {
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
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

/**
 * The grid is the x of the member with the most points; calls must pass x ascending.
 * Points where no member has a finite value are left out.
 */
export function aggregateSeries(members: readonly XY[]): Band {
  const band: Band = { x: [], mean: [], min: [], max: [], count: [] };
  if (members.length === 0) return band;
  const grid = members.reduce((longest, member) => (member.x.length > longest.x.length ? member : longest)).x;
  const lookups = members.map(interpolator);
  for (const at of grid) {
    let sum = 0;
    let count = 0;
    let low = Infinity;
    let high = -Infinity;
    for (const lookup of lookups) {
      const value = lookup(at);
      if (!Number.isFinite(value)) continue;
      sum += value;
      count++;
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
    if (count === 0) continue;
    band.x.push(at);
    band.mean.push(sum / count);
    band.min.push(low);
    band.max.push(high);
    band.count.push(count);
  }
  return band;
}
