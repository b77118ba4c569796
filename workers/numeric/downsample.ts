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
  if (x.length !== y.length) throw new RangeError(`downsample: x has ${x.length} values but y has ${y.length}`);
  if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError(`downsample: maxPoints must be an integer >= 2, got ${maxPoints}`);
  const count = x.length;
  if (count <= maxPoints) return { x: x.slice(), y: y.slice() };

  const logX = options.logX ?? false;
  const last = count - 1;

  // Range of x over the interior points (first and last are kept anyway); log is monotonic, so
  // the log-x range needs only two logarithms.
  let lowX = Infinity;
  let highX = -Infinity;
  let hasNonPositive = false;
  for (let i = 1; i < last; i++) {
    const xi = x[i];
    if (logX && xi <= 0) hasNonPositive = true;
    else if (Number.isFinite(xi)) {
      if (xi < lowX) lowX = xi;
      if (xi > highX) highX = xi;
    }
  }

  // Two points per bucket, plus first and last.
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const firstValueBucket = logX && hasNonPositive ? 1 : 0;
  const valueBucketCount = bucketCount - firstValueBucket;
  const toCoordinate = logX ? Math.log : (v: number) => v;
  const fromCoordinate = logX ? Math.exp : (v: number) => v;
  const low = toCoordinate(lowX);
  const high = toCoordinate(highX);
  const scale = high > low ? valueBucketCount / (high - low) : 0;

  const minIndex = new Int32Array(bucketCount).fill(-1);
  const maxIndex = new Int32Array(bucketCount).fill(-1);
  const minValue = new Float64Array(bucketCount);
  const maxValue = new Float64Array(bucketCount);
  // x range of the last bucket found: sorted x mostly stays in it, which saves a logarithm per point.
  let cachedBucket = -1;
  let cachedFromX = NaN;
  let cachedToX = NaN;
  for (let i = 1; i < last; i++) {
    const xi = x[i];
    let bucket: number;
    if (xi >= cachedFromX && xi < cachedToX) {
      bucket = cachedBucket;
    } else if (logX && xi <= 0) {
      bucket = 0;
    } else {
      if (!Number.isFinite(xi) || valueBucketCount <= 0) continue;
      const offset = Math.min(valueBucketCount - 1, Math.floor((toCoordinate(xi) - low) * scale));
      bucket = firstValueBucket + offset;
      cachedBucket = bucket;
      cachedFromX = fromCoordinate(low + offset / scale);
      cachedToX = fromCoordinate(low + (offset + 1) / scale);
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

  const outX = new Float64Array(2 * bucketCount + 2);
  const outY = new Float64Array(2 * bucketCount + 2);
  let size = 0;
  const keep = (i: number): void => {
    outX[size] = x[i];
    outY[size] = y[i];
    size++;
  };
  keep(0);
  for (let bucket = 0; bucket < bucketCount; bucket++) {
    const a = minIndex[bucket];
    if (a < 0) continue;
    const b = maxIndex[bucket];
    keep(Math.min(a, b));
    if (a !== b) keep(Math.max(a, b));
  }
  keep(last);
  return { x: outX.slice(0, size), y: outY.slice(0, size) };
}

/** Several series in one buffer, so a thread can hand them back with a single transfer: [n, len₁…lenₙ, x₁, y₁, …]. */
export function packSeries(list: readonly XY[]): Float64Array {
  const total = list.reduce((sum, s) => sum + 2 * s.x.length, 0);
  const packed = new Float64Array(1 + list.length + total);
  packed[0] = list.length;
  let offset = 1 + list.length;
  list.forEach((s, i) => {
    packed[1 + i] = s.x.length;
    packed.set(s.x, offset);
    packed.set(s.y, offset + s.x.length);
    offset += 2 * s.x.length;
  });
  return packed;
}

export function unpackSeries(packed: Float64Array): XY[] {
  const count = packed[0];
  const list: XY[] = [];
  let offset = 1 + count;
  for (let i = 0; i < count; i++) {
    const length = packed[1 + i];
    list.push({ x: packed.subarray(offset, offset + length), y: packed.subarray(offset + length, offset + 2 * length) });
    offset += 2 * length;
  }
  return list;
}
