// Least-squares line fits y ≈ intercept + slope·x, with the usual standard errors
// (homoscedastic residuals; e.g. Draper & Smith, Applied Regression Analysis, ch. 1).

export interface LineFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination; 1 when the residuals vanish. */
  r2: number;
  /** Null with fewer than three points (no residual degrees of freedom). */
  slopeStdErr: number | null;
  interceptStdErr: number | null;
  n: number;
}

export interface InterceptFit {
  intercept: number;
  interceptStdErr: number | null;
  n: number;
}

function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/** Ordinary least squares; null with fewer than two points or when x does not vary. */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit | null {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`fitLine: x has ${n} values, y has ${y.length}`);
  if (n < 2) return null;
  const mx = mean(x), my = mean(y);
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const r2 = syy === 0 ? 1 : 1 - rss / syy;
  if (n < 3) return { slope, intercept, r2, slopeStdErr: null, interceptStdErr: null, n };
  const s2 = rss / (n - 2);
  return {
    slope,
    intercept,
    r2,
    slopeStdErr: Math.sqrt(s2 / sxx),
    interceptStdErr: Math.sqrt(s2 * (1 / n + (mx * mx) / sxx)),
    n,
  };
}

/** Least-squares intercept of y ≈ intercept + slope·x with the slope held fixed; null without points. */
export function fitInterceptWithSlope(x: ArrayLike<number>, y: ArrayLike<number>, slope: number): InterceptFit | null {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`fitInterceptWithSlope: x has ${n} values, y has ${y.length}`);
  if (n < 1) return null;
  const residuals = Array.from({ length: n }, (_, i) => y[i] - slope * x[i]);
  const intercept = mean(residuals);
  if (n < 2) return { intercept, interceptStdErr: null, n };
  const s2 = residuals.reduce((acc, r) => acc + (r - intercept) ** 2, 0) / (n - 1);
  return { intercept, interceptStdErr: Math.sqrt(s2 / n), n };
}
