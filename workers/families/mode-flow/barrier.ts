// The scalar channel of depth L (paper 000, §2–3): the barrier coordinate β_L (3), the Bregman
// potential Φ_L (4) and the divergence D_Φ. L = 2 uses Φ₂ = ½(σ log σ − σ), the README's
// correction (the printed σ log σ − σ is twice the potential of β₂ = ½ log σ). β_1(σ) = σ.
//
// Near the target everything is computed from the offset d = b − β_L(σ*) with expm1/log1p, so
// σ − σ*, ℓ and D_Φ keep full relative precision however close the mode has converged.
import { expm1MinusX } from '../../numeric/special';

/** β_L(σ) of eq. (3): σ^{2/L−1}/(L(2/L−1)) = σ^{2/L−1}/(2−L); ½ log σ for L = 2. */
export function barrier(depth: number, sigma: number): number {
  if (depth === 2) return 0.5 * Math.log(sigma);
  return sigma ** (2 / depth - 1) / (2 - depth);
}

/** Φ_L(σ) of eq. (4); its derivative is β_L. */
export function potential(depth: number, sigma: number): number {
  if (depth === 2) return 0.5 * (sigma * Math.log(sigma) - sigma);
  const p = 2 / depth;
  return sigma ** p / (depth * p * (p - 1));
}

/** One mode of depth L and target σ*, seen from the offset d = b − b* of its barrier coordinate. */
export class Channel {
  /** b* = β_L(σ*). */
  readonly barrierTarget: number;
  /** Eq. (8): L σ*^{2−2/L}, the limit of (σ − σ*)/d as d → 0. */
  readonly rate: number;
  /** σ ∝ b^κ for L ≠ 2 (κ = L/(2−L)). */
  private readonly kappa: number;

  constructor(
    readonly depth: number,
    readonly target: number,
  ) {
    this.barrierTarget = barrier(depth, target);
    this.rate = depth * target ** (2 - 2 / depth);
    this.kappa = depth / (2 - depth);
  }

  /** x = log(σ/σ*); NaN where b* + d is outside the range of β_L (b ≥ 0 for L ≥ 3). */
  logRatio(d: number): number {
    if (this.depth === 2) return 2 * d;
    return this.kappa * Math.log1p(d / this.barrierTarget);
  }

  /** (σ − σ*)/d, finite as d → 0 where it tends to the rate. */
  gapPerOffset(d: number): number {
    // Below 1e-12 the first two Taylor terms are exact to double precision (and avoid 0/0).
    if (this.depth === 2) return Math.abs(d) < 1e-12 ? 2 * this.target * (1 + d) : (this.target * Math.expm1(2 * d)) / d;
    const u = d / this.barrierTarget;
    if (Math.abs(u) < 1e-12) return this.rate * (1 + ((this.kappa - 1) * u) / 2);
    return (this.target * Math.expm1(this.logRatio(d))) / d;
  }

  /** D_Φ(σ*, σ) = Φ(σ*) − Φ(σ) − β(σ)(σ* − σ) as a sum of non-negative terms in x = log(σ/σ*). */
  bregman(d: number): number {
    const x = this.logRatio(d);
    const s = this.target;
    if (this.depth === 1) return 0.5 * (s * Math.expm1(x)) ** 2;
    if (this.depth === 2) return 0.5 * s * expm1MinusX(x);
    const p = 2 / this.depth;
    return (s ** p * ((this.depth / 2 - 1) * expm1MinusX(p * x) + expm1MinusX((p - 1) * x))) / (this.depth - 2);
  }
}
