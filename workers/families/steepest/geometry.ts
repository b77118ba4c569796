// The geometry of a depth-L diagonal reparameterization trained by L_p steepest descent (paper 003
// §4): metric exponent, coercivity, Bregman property, on-manifold regularizers (Table 1) and the
// scalar flow dx/dt = x^m of Fig. 2(b). Closed forms only; the training loop lives in train.ts.

/**
 * Metric exponent m = q(L−1)/L (Def. 4.12, Lemma 4.13): for λ = 0 every layer has |wᵢ| = |x|^{1/L},
 * and the flow of x is dx = −L|x|^m sign(∇f)|∇f|^{q−1} dt, so the inverse metric is L|x|^m.
 */
export function metricExponent(q: number, depth: number): number {
  return (q * (depth - 1)) / depth;
}

/** Float tolerance for "m = 1" and "m = 2", which are the boundaries of the cases. */
const EXPONENT_TOL = 1e-12;

export type BregmanClass = 'Rn' | 'orthant' | 'none';

/**
 * Lemma 4.13 / Thm 4.8: R_{L_p,L} is a Bregman function on ℝⁿ when m < 1, on the orthant of x₀
 * when m = 1, and not at all when m > 1. Depth 1 has R = ½‖x‖² (m = 0).
 */
export function bregmanClass(q: number, depth: number): BregmanClass {
  const m = metricExponent(q, depth);
  if (Math.abs(m - 1) <= EXPONENT_TOL) return 'orthant';
  return m < 1 ? 'Rn' : 'none';
}

export function bregmanLabel(c: BregmanClass): string {
  if (c === 'Rn') return 'Bregman on ℝⁿ (m < 1)';
  if (c === 'orthant') return 'Bregman on the orthant of x₀ (m = 1)';
  return 'not Bregman (m > 1)';
}

/** Largest depth with a Bregman R_{L_p,L}: q(L−1)/L ≤ 1 ⇔ L ≤ q/(q−1); every depth for q = 1 (Cor. 4.14). */
export function maxBregmanDepth(q: number): number {
  return q <= 1 ? Infinity : Math.floor(q / (q - 1) + EXPONENT_TOL);
}

/**
 * Coercivity constant μ (Def. 4.1). Saddle init w₁ = 0, wᵢ = λ is λ^q-L_p-balanced with
 * μ = λ^{q(L−1)} (Cor. 4.10); a c-L_p-balanced init has μ = c^{L−1} (Cor. 4.9). Null for random inits.
 */
export function coercivity(init: 'saddle' | 'balanced' | 'random' | 'two-zero', q: number, depth: number, initScale: number, balanceConstant: number): number | null {
  if (init === 'saddle') return initScale ** (q * (depth - 1));
  // Two vanishing factors: every product Π_{j≠i} wⱼ has a zero, so the inverse metric is 0 there.
  if (init === 'two-zero') return 0;
  if (init === 'balanced') return balanceConstant ** (depth - 1);
  return null;
}

/** An L_r regularizer Σ|xᵢ|^r, or the logarithmic one Σ log|xᵢ| (r = 0). */
export interface Regularizer {
  /** r, or 0 for the logarithm. */
  exponent: number;
  /** Coefficient c in c·Σ|xᵢ|^r (1 for the logarithm). */
  coefficient: number;
  label: string;
}

function regularizerLabel(exponent: number): string {
  if (exponent <= EXPONENT_TOL) return 'log';
  const r = Math.round(exponent * 1e9) / 1e9;
  return Number.isInteger(r) ? `L_${r}` : `L_${fraction(r)}`;
}

/** r as a small fraction (3/2, 5/4, 1/2) where one fits, for labels matching Table 1. */
function fraction(r: number): string {
  for (let den = 2; den <= 64; den++) {
    const num = Math.round(r * den);
    if (Math.abs(num / den - r) < 1e-9) return `{${num}/${den}}`;
  }
  return r.toPrecision(4);
}

/**
 * Thm 4.16: on-manifold regularizer of decoupled weight decay for λ = 0:
 * L/(L(2−q)+q)·Σ|xᵢ|^{2−m}, or Σ log|xᵢ| when m = 2. Depth ∞ is the limit m → q.
 */
export function decoupledRegularizer(q: number, depth: number): Regularizer {
  const m = Number.isFinite(depth) ? metricExponent(q, depth) : q;
  const exponent = 2 - m;
  if (exponent <= EXPONENT_TOL) return { exponent: 0, coefficient: 1, label: 'log' };
  const coefficient = Number.isFinite(depth) ? depth / (depth * (2 - q) + q) : 1 / (2 - q);
  return { exponent, coefficient, label: regularizerLabel(exponent) };
}

/**
 * Coupled weight decay α Σᵢ‖wᵢ‖² equals Lα‖x‖_{2/L}^{2/L} on the balanced manifold (App. J, Kolb et
 * al. Thm 1), independent of q; depth ∞ gives the logarithm.
 */
export function coupledRegularizer(depth: number): Regularizer {
  if (!Number.isFinite(depth)) return { exponent: 0, coefficient: 1, label: 'log' };
  return { exponent: 2 / depth, coefficient: depth, label: regularizerLabel(2 / depth) };
}

/**
 * Scalar flow dx/dt = x^m from x₀ > 0 (Fig. 2(b)): m = 1 gives x₀eᵗ; otherwise
 * x^{1−m} = x₀^{1−m} + (1−m)t, which blows up at t* = x₀^{1−m}/(m−1) for m > 1.
 */
export function scalarFlow(m: number, x0: number, t: number): number {
  if (m === 1) return x0 * Math.exp(t);
  const base = x0 ** (1 - m) + (1 - m) * t;
  return base > 0 ? base ** (1 / (1 - m)) : Infinity;
}

/** Blow-up time of dx/dt = x^m for m > 1, null otherwise. */
export function scalarBlowUpTime(m: number, x0: number): number | null {
  return m > 1 ? x0 ** (1 - m) / (m - 1) : null;
}
