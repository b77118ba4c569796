// Exact travel times of the channel ȧ = L a^{2−2/L}(s − a) between two values a₀ → a on the same
// side of s (README "Closed forms worth having"). They validate the integrator; the family's runs
// do not depend on them.
import { hyp2f1, integrateGaussKronrod } from '../../numeric/special';

/** L = 1: a(t) = s + (a₀ − s)e^{−t}. */
export function channelTimeLinear(s: number, a0: number, a: number): number {
  return Math.log((s - a0) / (s - a));
}

/** L = 2, the logistic curve: t = (1/2s) ln[a(s − a₀)/(a₀(s − a))]. */
export function channelTimeLogistic(s: number, a0: number, a: number): number {
  return Math.log((a * (s - a0)) / (a0 * (s - a))) / (2 * s);
}

/** L = 4: t = [√(s/a₀) − √(s/a) + artanh√(a/s) − artanh√(a₀/s)]/(2 s^{3/2}), for a₀, a < s. */
export function channelTimeDepth4(s: number, a0: number, a: number): number {
  return (Math.sqrt(s / a0) - Math.sqrt(s / a) + Math.atanh(Math.sqrt(a / s)) - Math.atanh(Math.sqrt(a0 / s))) / (2 * s ** 1.5);
}

/**
 * L ≥ 3, a₀, a < s: with z = (a/s)^{1/L}, t = s^{−(2−2/L)}[−z^{2−L}/(L−2) + G_L(z)] from z₀ to z,
 * G_L(z) = (z²/2)·₂F₁(1, 2/L; 1 + 2/L; z^L).
 */
export function channelTimeHypergeometric(depth: number, s: number, a0: number, a: number): number {
  const antiderivative = (value: number): number => {
    const z = (value / s) ** (1 / depth);
    const g = ((z * z) / 2) * hyp2f1(1, 2 / depth, 1 + 2 / depth, value / s);
    return -(z ** (2 - depth)) / (depth - 2) + g;
  };
  return (antiderivative(a) - antiderivative(a0)) / s ** (2 - 2 / depth);
}

/**
 * Any L ≥ 1: t = ∫_{a₀}^{a} dσ / (L σ^{2−2/L}(s − σ)) by adaptive Gauss–Kronrod in v = log σ,
 * where the integrand is smooth; independent of the closed forms above.
 */
export function channelTimeQuadrature(depth: number, s: number, a0: number, a: number, rtol = 1e-13): number {
  const integrand = (v: number): number => Math.exp(v * (2 / depth - 1)) / (depth * (s - Math.exp(v)));
  const result = integrateGaussKronrod(integrand, Math.log(a0), Math.log(a), { rtol, maxPanels: 5000 });
  return result.converged ? result.value : Number.NaN;
}
