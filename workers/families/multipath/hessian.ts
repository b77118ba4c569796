// Top Hessian eigenvalue from gradients alone: Hessian-vector products by central differences of
// the gradient, Hv ≈ (∇f(θ + hv) − ∇f(θ − hv)) / 2h, and power iteration on them. Power iteration
// finds the eigenvalue of largest magnitude; when that one is negative (near a saddle) it is rerun
// on H + |λ|I, whose top eigenvalue is the top algebraic one shifted by |λ|.

export type GradientFn = (theta: Float64Array, grad: Float64Array) => void;

export interface TopEigen {
  value: number;
  /** Unit eigenvector estimate, to warm-start the next call. */
  vector: Float64Array;
}

function normalize(v: Float64Array): number {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
  return n;
}

export function hessianVectorProduct(grad: GradientFn, theta: Float64Array, v: Float64Array, out: Float64Array): void {
  const n = theta.length;
  let scale = 0;
  for (const x of theta) scale = Math.max(scale, Math.abs(x));
  // Central differences: error O(h²) against rounding O(ε/h); h ~ ε^{1/3} relative to |θ|.
  const h = 1e-5 * Math.max(scale, 1e-3);
  const plus = new Float64Array(n), minus = new Float64Array(n), gPlus = new Float64Array(n), gMinus = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    plus[i] = theta[i] + h * v[i];
    minus[i] = theta[i] - h * v[i];
  }
  grad(plus, gPlus);
  grad(minus, gMinus);
  for (let i = 0; i < n; i++) out[i] = (gPlus[i] - gMinus[i]) / (2 * h);
}

function powerIteration(grad: GradientFn, theta: Float64Array, v: Float64Array, iterations: number, shift: number): number {
  const w = new Float64Array(v.length);
  let value = 0;
  for (let it = 0; it < iterations; it++) {
    hessianVectorProduct(grad, theta, v, w);
    let rayleigh = 0;
    for (let i = 0; i < v.length; i++) {
      w[i] += shift * v[i];
      rayleigh += v[i] * w[i];
    }
    value = rayleigh;
    if (normalize(w) === 0) return shift;
    v.set(w);
  }
  return value;
}

/** Top algebraic Hessian eigenvalue at θ; `start` (unit or any non-zero vector) warm-starts it. */
export function topHessianEigenvalue(grad: GradientFn, theta: Float64Array, iterations: number, start: Float64Array): TopEigen {
  const v = Float64Array.from(start);
  if (normalize(v) === 0) v.fill(1 / Math.sqrt(v.length));
  const value = powerIteration(grad, theta, v, iterations, 0);
  if (value >= 0) return { value, vector: v };
  // A fixed spread-out start: the warm start may be the negative eigenvector, a fixed point here.
  const shifted = Float64Array.from({ length: v.length }, (_, i) => Math.sin(12.9898 * (i + 1)));
  normalize(shifted);
  const top = powerIteration(grad, theta, shifted, iterations, -value) + value;
  return { value: top, vector: shifted };
}
