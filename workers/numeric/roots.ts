// Scalar root finding on a bracketing interval: Brent's method (inverse quadratic interpolation,
// secant and bisection), as in Brent, "Algorithms for Minimization without Derivatives", ch. 4.

export interface RootResult {
  x: number;
  /** Width of the final bracket; the root lies within it. */
  bracketWidth: number;
  iterations: number;
  converged: boolean;
}

/**
 * Root of f in [a, b], given fa = f(a) and fb = f(b) of opposite signs (or one of them zero);
 * throws otherwise (same signs or NaN). Stops when the bracket is narrower than xtol plus a few ulps of the root.
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  fa: number,
  fb: number,
  xtol = 0,
  maxIterations = 200,
): RootResult {
  if (fa === 0) return { x: a, bracketWidth: 0, iterations: 0, converged: true };
  if (fb === 0) return { x: b, bracketWidth: 0, iterations: 0, converged: true };
  // A NaN root would travel on silently (a NaN layer, a NaN loss at t = 0): fail where the bracket is wrong.
  if (!(Math.sign(fa) * Math.sign(fb) < 0)) throw new Error(`brentRoot: [${a}, ${b}] is not a bracket (f = ${fa} and ${fb}, need opposite signs)`);
  let c = a, fc = fa, d = b - a, e = d;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a; fc = fa; d = b - a; e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * xtol;
    const half = 0.5 * (c - b);
    if (Math.abs(half) <= tol || fb === 0) {
      return { x: b, bracketWidth: Math.abs(c - b), iterations: iteration, converged: true };
    }
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Interpolate: secant when only two distinct points are known, inverse quadratic otherwise.
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) {
        p = 2 * half * s;
        q = 1 - s;
      } else {
        const qa = fa / fc, r = fb / fc;
        p = s * (2 * half * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * half * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = half;
        e = d;
      }
    } else {
      d = half;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : half > 0 ? tol : -tol;
    fb = f(b);
  }
  return { x: b, bracketWidth: Math.abs(c - b), iterations: maxIterations, converged: false };
}
