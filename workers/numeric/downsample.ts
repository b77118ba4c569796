// Display downsampling that keeps spikes: x is cut into equal buckets (in x, or in log x for a
// logarithmic axis) and each bucket keeps its smallest and largest y, in their original order.
// A bucket is about a pixel column wide, so the drawn envelope matches the full data.

export interface DownsampleOptions {
  /** Bucket in log x, for a logarithmic x axis. Points with x <= 0 (not drawable there) share one bucket. Default false. */
  logX?: boolean;
}

export interface XY {
  x: Float64Array;
  y: Float64Array;
}

/**
 * At most `maxPoints` points of the series (x, y). The first and last points are always kept.
 * Meant for x in increasing order, as metric series are; other orders still give at most
 * `maxPoints` points, sorted by bucket. Interior points whose x is NaN or infinite are left out
 * (in log x, -Infinity counts as x <= 0).
 * Returns copies; the inputs are not changed.
 */
export function downsample(x: Float64Array, y: Float64Array, maxPoints: number, options: DownsampleOptions = {}): XY {
  checkSeries(x, y, maxPoints);
  if (x.length <= maxPoints) return { x: x.slice(), y: y.slice() };
  const range = interiorRange(x);
  return reduce(x, y, range, maxPoints, options.logX ?? false, new BucketStartsMemo());
}

/**
 * Both reductions of one series, linear x and log x, from one pass over y when x is sorted: the same result as
 * `downsample(x, y, maxPoints)` and `downsample(x, y, maxPoints, { logX: true })`.
 */
export function downsampleLinearAndLog(x: Float64Array, y: Float64Array, maxPoints: number): { linear: XY; log: XY } {
  return linearAndLog(x, y, maxPoints, new BucketStartsMemo());
}

function linearAndLog(x: Float64Array, y: Float64Array, maxPoints: number, memo: BucketStartsMemo): { linear: XY; log: XY } {
  checkSeries(x, y, maxPoints);
  if (x.length <= maxPoints) return { linear: { x: x.slice(), y: y.slice() }, log: { x: x.slice(), y: y.slice() } };
  const range = interiorRange(x);
  const linearAxis = axisOf(range, maxPoints, false);
  const logAxis = axisOf(range, maxPoints, true);
  const linearStarts = range.sorted && linearAxis.valueCount > 0 ? memo.startsOf(linearAxis) : null;
  const logStarts = range.sorted && logAxis.valueCount > 0 ? memo.startsOf(logAxis) : null;
  if (linearStarts === null || logStarts === null) return { linear: reduce(x, y, range, maxPoints, false, memo), log: reduce(x, y, range, maxPoints, true, memo) };
  const linear = new BucketExtremes(bucketCountFor(maxPoints));
  const log = new BucketExtremes(bucketCountFor(maxPoints));
  reduceSortedBoth(y, sortedBucketBounds(x, linearAxis, linearStarts), sortedBucketBounds(x, logAxis, logStarts), linear, log);
  return { linear: linear.pick(x, y), log: log.pick(x, y) };
}

export interface PanelSeries {
  /** For the x axis shown (log x when the reducer's `logX`). */
  shown: XY;
  /** With `alsoLogX`, the log-x reduction of a series longer than maxPoints (absent otherwise). */
  log?: XY;
}

/**
 * The reductions of one panel's series, one series at a time (runs.series): each for the axis shown,
 * and with `alsoLogX` the log-x reduction of each series longer than `maxPoints` too, from one read
 * of the series. Runs recorded at the same steps share their x range, so the bucket starts of a
 * range are found once per reducer. Returns copies: the caller may reuse x and y afterwards.
 */
export class PanelReducer {
  private readonly memo = new BucketStartsMemo();

  constructor(
    private readonly maxPoints: number,
    private readonly logX: boolean,
    private readonly alsoLogX: boolean,
  ) {}

  reduce(x: Float64Array, y: Float64Array): PanelSeries {
    const wantsLog = this.alsoLogX && x.length > this.maxPoints;
    if (wantsLog && !this.logX) {
      const both = linearAndLog(x, y, this.maxPoints, this.memo);
      return { shown: both.linear, log: both.log };
    }
    checkSeries(x, y, this.maxPoints);
    const shown = x.length <= this.maxPoints ? { x: x.slice(), y: y.slice() } : reduce(x, y, interiorRange(x), this.maxPoints, this.logX, this.memo);
    return wantsLog ? { shown, log: shown } : { shown };
  }
}

function reduce(x: Float64Array, y: Float64Array, range: InteriorRange, maxPoints: number, logX: boolean, memo: BucketStartsMemo): XY {
  const extremes = new BucketExtremes(bucketCountFor(maxPoints));
  reduceAxis(x, y, axisOf(range, maxPoints, logX), range.sorted, extremes, memo);
  return extremes.pick(x, y);
}

function checkSeries(x: Float64Array, y: Float64Array, maxPoints: number): void {
  if (x.length !== y.length) throw new RangeError(`downsample: x has ${x.length} values but y has ${y.length}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`downsample: maxPoints must be an integer >= 2, got ${maxPoints}`);
}

/** x range of the interior points (first and last are kept anyway): all finite x, and finite x > 0 for a log axis. */
interface InteriorRange {
  low: number;
  high: number;
  lowPositive: number;
  highPositive: number;
  hasNonPositive: boolean;
  /** Every interior x finite and in non-decreasing order: then a bucket is a run of consecutive points. */
  sorted: boolean;
}

function interiorRange(x: Float64Array): InteriorRange {
  const last = x.length - 1;
  // Metric series are sorted and finite: one cheap check, then the range is read off the ends.
  let sorted = last > 1;
  for (let i = 1, previous = -Infinity; sorted && i < last; i++) {
    const xi = x[i];
    sorted = xi >= previous && xi - xi === 0;
    previous = xi;
  }
  if (sorted) {
    const low = x[1];
    const high = x[last - 1];
    let firstPositive = 1;
    let end = last;
    while (firstPositive < end) {
      const mid = (firstPositive + end) >> 1;
      if (x[mid] > 0) end = mid;
      else firstPositive = mid + 1;
    }
    return { low, high, lowPositive: firstPositive < last ? x[firstPositive] : Infinity, highPositive: high > 0 ? high : -Infinity, hasNonPositive: low <= 0, sorted };
  }
  const range = { low: Infinity, high: -Infinity, lowPositive: Infinity, highPositive: -Infinity, hasNonPositive: false, sorted };
  for (let i = 1; i < last; i++) {
    const xi = x[i];
    if (!Number.isFinite(xi)) {
      if (xi === -Infinity) range.hasNonPositive = true;
      continue;
    }
    if (xi < range.low) range.low = xi;
    if (xi > range.high) range.high = xi;
    if (xi <= 0) range.hasNonPositive = true;
    else {
      if (xi < range.lowPositive) range.lowPositive = xi;
      if (xi > range.highPositive) range.highPositive = xi;
    }
  }
  return range;
}

/** Two points per bucket, plus first and last. */
const bucketCountFor = (maxPoints: number) => Math.floor((maxPoints - 2) / 2);

/**
 * How one axis cuts x into buckets. A drawable point (finite x, and x > 0 for a log axis) goes to
 * bucket first + min(valueCount - 1, floor((coordinate(x) - low) * scale)), where low and high are
 * the coordinates of the smallest and largest drawable interior x; a NaN there (a range that
 * overflows) leaves it out. On a log axis the points with x <= 0 share bucket 0, when there are any.
 */
interface Axis {
  logX: boolean;
  first: number;
  valueCount: number;
  low: number;
  scale: number;
  /** high - low: infinite where the range overflows. */
  span: number;
  /** The smallest drawable x. */
  lowest: number;
}

function axisOf(range: InteriorRange, maxPoints: number, logX: boolean): Axis {
  const count = bucketCountFor(maxPoints);
  const first = logX && range.hasNonPositive && count > 0 ? 1 : 0;
  const lowest = logX ? range.lowPositive : range.low;
  const highest = logX ? range.highPositive : range.high;
  const low = logX ? Math.log(lowest) : lowest;
  const high = logX ? Math.log(highest) : highest;
  const valueCount = count - first;
  return { logX, first, valueCount, low, span: high - low, scale: high > low ? valueCount / (high - low) : 0, lowest };
}

/** The value bucket of a drawable x by the definition (unclamped; NaN where the range overflows). */
function offsetOf(axis: Axis, v: number): number {
  return Math.floor(((axis.logX ? Math.log(v) : v) - axis.low) * axis.scale);
}

/**
 * starts[k]: the smallest x in value bucket k or later (starts[0] = the smallest drawable x,
 * starts[valueCount] = Infinity), found once per bucket and exact to the last bit, so that a point's
 * bucket is a comparison instead of a logarithm. It relies on the bucket growing with x, which holds
 * for subtraction, multiplication and Math.log, but not where (x - low) * scale can overflow:
 * there it returns null and each point is computed by the definition.
 */
function bucketStarts(axis: Axis): Float64Array | null {
  const { valueCount, low, scale } = axis;
  const starts = new Float64Array(valueCount + 1).fill(Infinity);
  starts[0] = axis.lowest;
  if (!Number.isFinite(axis.span) || !Number.isFinite(scale)) return null;
  if (scale === 0) return starts;
  // Neighbouring doubles by their bit patterns (little-endian 32-bit halves; a magnitude one step up).
  const bits = new Float64Array(1);
  const halves = new Uint32Array(bits.buffer);
  const nextUp = (v: number): number => {
    if (v === Infinity) return v;
    if (v === 0) return Number.MIN_VALUE;
    bits[0] = v;
    if (v > 0) {
      halves[0] = (halves[0] + 1) >>> 0;
      if (halves[0] === 0) halves[1]++;
    } else {
      if (halves[0] === 0) halves[1]--;
      halves[0] = (halves[0] - 1) >>> 0;
    }
    return bits[0];
  };
  const nextDown = (v: number) => -nextUp(-v);
  for (let k = 1; k < valueCount; k++) {
    const guess = low + k / scale;
    let v = axis.logX ? Math.exp(guess) : guess;
    while (v > axis.lowest && offsetOf(axis, v) >= k) v = nextDown(v);
    while (offsetOf(axis, v) < k) v = nextUp(v);
    starts[k] = v;
  }
  return starts;
}

/**
 * Bucket starts by axis: they depend on nothing but the axis, and finding them costs a few
 * logarithms per bucket, more than reducing a sorted series itself. Holds the latest few axes.
 */
class BucketStartsMemo {
  private static readonly capacity = 64;
  private readonly byAxis = new Map<string, Float64Array | null>();

  startsOf(axis: Axis): Float64Array | null {
    // Exact keys: String() of a double round-trips, and -0 is told from 0.
    const key = [axis.logX ? 1 : 0, axis.first, axis.valueCount, axis.low, axis.scale, axis.span, axis.lowest].map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(' ');
    if (this.byAxis.has(key)) return this.byAxis.get(key)!;
    const starts = bucketStarts(axis);
    if (this.byAxis.size >= BucketStartsMemo.capacity) this.byAxis.delete(this.byAxis.keys().next().value!);
    this.byAxis.set(key, starts);
    return starts;
  }
}

/** Largest k < valueCount with starts[k] <= v, for starts[0] <= v. */
function searchStarts(starts: Float64Array, valueCount: number, v: number): number {
  let lo = 0;
  let hi = valueCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** One pass over the interior points into the axis's buckets. */
function reduceAxis(x: Float64Array, y: Float64Array, axis: Axis, sorted: boolean, extremes: BucketExtremes, memo: BucketStartsMemo): void {
  const { first, valueCount, lowest } = axis;
  const nonPositiveBucket = first === 1;
  if (valueCount <= 0 && !nonPositiveBucket) return;
  const starts = valueCount > 0 ? memo.startsOf(axis) : null;
  if (sorted && starts !== null) {
    reduceSortedAxis(x, y, axis, starts, extremes);
    return;
  }
  const byDefinition = valueCount > 0 && starts === null;
  const { minIndex, maxIndex, minValue, maxValue } = extremes;
  // The bucket of the last point placed, and its x range: sorted x mostly stays in it.
  let offset = 0;
  let from = starts ? starts[0] : NaN;
  let to = starts ? starts[1] : NaN;
  for (let i = 1; i < x.length - 1; i++) {
    const xi = x[i];
    let bucket: number;
    if (xi >= from && xi < to) {
      bucket = first + offset;
    } else if (xi >= lowest && xi < Infinity && valueCount > 0) {
      if (byDefinition) {
        const atDefinition = Math.min(valueCount - 1, offsetOf(axis, xi));
        if (atDefinition !== atDefinition) continue;
        bucket = first + atDefinition;
      } else {
        offset = searchStarts(starts!, valueCount, xi);
        from = starts![offset];
        to = starts![offset + 1];
        bucket = first + offset;
      }
    } else if (nonPositiveBucket && xi <= 0) {
      bucket = 0;
    } else {
      continue;
    }
    const yi = y[i];
    if (minIndex[bucket] < 0) {
      minIndex[bucket] = maxIndex[bucket] = i;
      minValue[bucket] = maxValue[bucket] = yi;
      continue;
    }
    // A NaN held as extreme gives way to any later value; a NaN never displaces a number.
    const currentMin = minValue[bucket];
    const currentMax = maxValue[bucket];
    if (yi < currentMin || currentMin !== currentMin) {
      minIndex[bucket] = i;
      minValue[bucket] = yi;
    }
    if (yi > currentMax || currentMax !== currentMax) {
      maxIndex[bucket] = i;
      maxValue[bucket] = yi;
    }
  }
}

/** Sorted finite x: each bucket is the run of points from one start to the next, found by binary search. */
function reduceSortedAxis(x: Float64Array, y: Float64Array, axis: Axis, starts: Float64Array, extremes: BucketExtremes): void {
  const bounds = sortedBucketBounds(x, axis, starts);
  for (let bucket = 0; bucket + 1 < bounds.length; bucket++) extremes.takeRun(y, bucket, bounds[bucket], bounds[bucket + 1]);
}

/** For sorted finite x: bucket b is the points bounds[b]..bounds[b + 1] - 1. */
function sortedBucketBounds(x: Float64Array, axis: Axis, starts: Float64Array): Int32Array {
  const last = x.length - 1;
  /** The first interior index whose x is at least v (last when none). */
  const firstAtLeast = (v: number): number => {
    let lo = 1;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x[mid] >= v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const bounds = new Int32Array(axis.first + axis.valueCount + 1);
  let bucket = 0;
  bounds[0] = 1;
  if (axis.first === 1) bounds[++bucket] = firstAtLeast(Number.MIN_VALUE);
  for (let k = 0; k < axis.valueCount; k++) bounds[++bucket] = k === axis.valueCount - 1 ? last : firstAtLeast(starts[k + 1]);
  return bounds;
}

/**
 * Both axes of a sorted series from one pass over y: the extremes of each stretch between
 * neighbouring cuts of either axis, then each bucket combines its stretches in order. Combining
 * follows the point-by-point rule (a later stretch wins only with a strictly more extreme number,
 * or over a NaN), so the result is the same to the bit.
 */
function reduceSortedBoth(y: Float64Array, linearBounds: Int32Array, logBounds: Int32Array, linear: BucketExtremes, log: BucketExtremes): void {
  const cuts = mergedCuts(linearBounds, logBounds);
  const stretches = new BucketExtremes(cuts.length - 1);
  for (let s = 0; s + 1 < cuts.length; s++) stretches.takeRun(y, s, cuts[s], cuts[s + 1]);
  stretches.combineInto(cuts, linearBounds, linear);
  stretches.combineInto(cuts, logBounds, log);
}

/** The union of two non-decreasing index lists, strictly increasing. */
function mergedCuts(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let size = 0;
  for (let i = 0, j = 0; i < a.length || j < b.length; ) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (size === 0 || out[size - 1] !== next) out[size++] = next;
  }
  return out.subarray(0, size);
}

/** The smallest and largest y of each bucket, with their indices (filled by reduceAxis). */
class BucketExtremes {
  readonly minIndex: Int32Array;
  readonly maxIndex: Int32Array;
  readonly minValue: Float64Array;
  readonly maxValue: Float64Array;

  constructor(count: number) {
    this.minIndex = new Int32Array(count).fill(-1);
    this.maxIndex = new Int32Array(count).fill(-1);
    this.minValue = new Float64Array(count);
    this.maxValue = new Float64Array(count);
  }

  /** Bucket `bucket` is the points begin..end-1 (none when end <= begin), by the same rule as reduceAxis. */
  takeRun(y: Float64Array, bucket: number, begin: number, end: number): void {
    if (end <= begin) return;
    let lowest = begin;
    let highest = begin;
    let minValue = y[begin];
    let maxValue = minValue;
    for (let i = begin + 1; i < end; i++) {
      const yi = y[i];
      if (yi < minValue || minValue !== minValue) {
        lowest = i;
        minValue = yi;
      }
      if (yi > maxValue || maxValue !== maxValue) {
        highest = i;
        maxValue = yi;
      }
    }
    this.minIndex[bucket] = lowest;
    this.maxIndex[bucket] = highest;
    this.minValue[bucket] = minValue;
    this.maxValue[bucket] = maxValue;
  }

  /** These are the extremes of the stretches cuts[s]..cuts[s + 1] - 1: fills each bucket of `bounds` from the stretches it spans. */
  combineInto(cuts: Int32Array, bounds: Int32Array, out: BucketExtremes): void {
    let s = 0;
    for (let bucket = 0; bucket + 1 < bounds.length; bucket++) {
      const begin = bounds[bucket];
      const end = bounds[bucket + 1];
      if (end <= begin) continue;
      while (cuts[s] < begin) s++;
      let lowest = this.minIndex[s];
      let highest = this.maxIndex[s];
      let minValue = this.minValue[s];
      let maxValue = this.maxValue[s];
      for (s++; s + 1 < cuts.length && cuts[s] < end; s++) {
        const stretchMin = this.minValue[s];
        const stretchMax = this.maxValue[s];
        if (stretchMin < minValue || minValue !== minValue) {
          lowest = this.minIndex[s];
          minValue = stretchMin;
        }
        if (stretchMax > maxValue || maxValue !== maxValue) {
          highest = this.maxIndex[s];
          maxValue = stretchMax;
        }
      }
      out.minIndex[bucket] = lowest;
      out.maxIndex[bucket] = highest;
      out.minValue[bucket] = minValue;
      out.maxValue[bucket] = maxValue;
    }
  }

  /** First point, each bucket's extremes in index order, last point. */
  pick(x: Float64Array, y: Float64Array): XY {
    const count = this.minIndex.length;
    const outX = new Float64Array(2 * count + 2);
    const outY = new Float64Array(2 * count + 2);
    let size = 0;
    const keep = (i: number): void => {
      outX[size] = x[i];
      outY[size] = y[i];
      size++;
    };
    keep(0);
    for (let bucket = 0; bucket < count; bucket++) {
      const a = this.minIndex[bucket];
      if (a < 0) continue;
      const b = this.maxIndex[bucket];
      keep(Math.min(a, b));
      if (a !== b) keep(Math.max(a, b));
    }
    keep(x.length - 1);
    return { x: outX.slice(0, size), y: outY.slice(0, size) };
  }
}
