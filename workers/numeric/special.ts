// Special functions and quadrature used to validate closed forms: the Gauss hypergeometric series,
// e^z − 1 − z without cancellation, and adaptive Gauss–Kronrod (7, 15) quadrature.

/**
 * ₂F₁(a, b; c; z) by its power series, for |z| < 1. NaN when |z| ≥ 1 or when the series has
 * not converged to double precision within maxTerms.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 100_000): number {
  if (!(Math.abs(z) < 1)) return Number.NaN;
  let term = 1, sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) return sum;
  }
  return Number.NaN;
}

/** e^z − 1 − z, accurate to a few ulps also where it is O(z²) (small z). */
export function expm1MinusX(z: number): number {
  if (Math.abs(z) > 0.5) return Math.expm1(z) - z;
  // Taylor series z²/2! + z³/3! + …; for |z| ≤ 0.5 thirty terms are far past double precision.
  let term = (z * z) / 2, sum = term;
  for (let k = 3; k < 30 && Math.abs(term) > 1e-18 * Math.abs(sum); k++) {
    term *= z / k;
    sum += term;
  }
  return sum;
}

// Kronrod 15-point nodes (non-negative half) and weights; every other node (1, 3, 5, 7) is a
// 7-point Gauss node. QUADPACK qk15 values.
const KRONROD_NODES = [
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0,
];
const KRONROD_WEIGHTS = [
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
];
const GAUSS_WEIGHTS = [
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
];

interface Panel {
  a: number;
  b: number;
  value: number;
  error: number;
}

function kronrodPanel(f: (x: number) => number, a: number, b: number): Panel {
  const mid = 0.5 * (a + b), half = 0.5 * (b - a);
  const fc = f(mid);
  let kronrod = KRONROD_WEIGHTS[7] * fc;
  let gauss = GAUSS_WEIGHTS[3] * fc;
  for (let i = 0; i < 7; i++) {
    const dx = half * KRONROD_NODES[i];
    const pair = f(mid - dx) + f(mid + dx);
    kronrod += KRONROD_WEIGHTS[i] * pair;
    if (i % 2 === 1) gauss += GAUSS_WEIGHTS[(i - 1) / 2] * pair;
  }
  // |K15 − G7| bounds the error of G7; K15's own error is far smaller, so this is conservative.
  return { a, b, value: kronrod * half, error: Math.abs((kronrod - gauss) * half) };
}

export interface QuadratureResult {
  value: number;
  /** Conservative estimate of the absolute error (the 7-point Gauss error). */
  errorEstimate: number;
  panels: number;
  converged: boolean;
}

/**
 * ∫_a^b f(x) dx by globally adaptive Gauss–Kronrod (7, 15): the panel with the largest error is
 * bisected until the total error is below max(atol, rtol·|value|) or maxPanels is reached.
 */
export function integrateGaussKronrod(
  f: (x: number) => number,
  a: number,
  b: number,
  { rtol = 1e-12, atol = 0, maxPanels = 2000 }: { rtol?: number; atol?: number; maxPanels?: number } = {},
): QuadratureResult {
  const panels: Panel[] = [kronrodPanel(f, a, b)];
  for (;;) {
    let value = 0, error = 0, worst = 0;
    panels.forEach((p, i) => {
      value += p.value;
      error += p.error;
      if (p.error > panels[worst].error) worst = i;
    });
    const converged = error <= Math.max(atol, rtol * Math.abs(value));
    if (converged || panels.length >= maxPanels || !Number.isFinite(value)) {
      return { value, errorEstimate: error, panels: panels.length, converged: converged && Number.isFinite(value) };
    }
    const p = panels[worst];
    const mid = 0.5 * (p.a + p.b);
    panels.splice(worst, 1, kronrodPanel(f, p.a, mid), kronrodPanel(f, mid, p.b));
  }
}
