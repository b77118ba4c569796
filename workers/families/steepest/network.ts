// The deep diagonal network x = w₁ ⊙ ⋯ ⊙ w_L and one optimizer update of all its layers, fused
// into a single pass per feature: prefix products forward, suffix products backward, so
// ∂f/∂w_{i,c} = h_c Π_{j≠i} w_{j,c} needs no division (w₁ = 0 at the saddle init).
import type { Rng } from '../../numeric/rng';
import type { UpdatePower } from '../../numeric/wasm-diagonal-descent';

export type OptimizerKind = 'steepest' | 'sign' | 'adam';

export interface OptimizerSettings {
  kind: OptimizerKind;
  q: number;
  learningRate: number;
  coupledDecay: number;
  decoupledDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** q of the update sign(d)|d|^{q−1}: sign descent is q = 1. */
const updateExponent = (opt: OptimizerSettings): number => (opt.kind === 'steepest' ? opt.q : 1);

/**
 * The q's whose update sign(d)|d|^{q−1} is evaluated without Math.pow, here and in the WebAssembly kernel
 * (wasm-diagonal-descent.ts): q = 1 sign, q = 2 identity, q = 1.5 sqrt. Null for Adam and the other q's,
 * which only DiagonalNetwork evaluates.
 */
export function specialPower(opt: OptimizerSettings): UpdatePower | null {
  if (opt.kind === 'adam') return null;
  const q = updateExponent(opt);
  return q === 1 ? 'sign' : q === 2 ? 'identity' : q === 1.5 ? 'sqrt' : null;
}

export type InitKind = 'saddle' | 'balanced' | 'random' | 'two-zero';

export class DiagonalNetwork {
  /** Layer-major weights: w[i·n + c] is layer i (0-based), feature c. */
  readonly w: Float64Array;
  readonly x: Float64Array;
  /** Adam moments (empty for the other optimizers). */
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly prefix: Float64Array;
  private t = 0;

  constructor(
    readonly n: number,
    readonly depth: number,
    private readonly opt: OptimizerSettings,
  ) {
    this.w = new Float64Array(depth * n);
    this.x = new Float64Array(n);
    this.m = new Float64Array(opt.kind === 'adam' ? depth * n : 0);
    this.v = new Float64Array(opt.kind === 'adam' ? depth * n : 0);
    this.prefix = new Float64Array(depth);
  }

  /**
   * saddle: w₁ = 0, wᵢ = λ (Cor. 4.10); balanced: w₁ = λ, wᵢ = (λ^q + c)^{1/q} (Def. 4.6, with
   * |wᵢ|^q − |w₁|^q = c); random: λ·N(0, 1) entries; two-zero: w₁ = w₂ = 0, wᵢ = λ (Thm 4.3's saddle
   * set). Depth 1 starts at x = 0 (saddle, balanced).
   */
  initialize(kind: InitKind, scale: number, balanceConstant: number, q: number, rng: Rng): void {
    const { n, depth, w } = this;
    if (kind === 'random') {
      for (let i = 0; i < w.length; i++) w[i] = scale * rng.normal();
    } else {
      const first = kind === 'balanced' ? scale : 0;
      const others = kind === 'balanced' ? (scale ** q + balanceConstant) ** (1 / q) : scale;
      w.fill(first, 0, n);
      w.fill(others, n);
      if (kind === 'two-zero') w.fill(0, 0, Math.min(2, depth) * n);
      if (depth === 1) w.fill(0);
    }
    this.refreshProduct();
  }

  refreshProduct(): void {
    const { n, depth, w, x } = this;
    for (let c = 0; c < n; c++) {
      let p = 1;
      for (let i = 0; i < depth; i++) p *= w[i * n + c];
      x[c] = p;
    }
  }

  /**
   * One update of every layer from ∇f(x) = e^{logScale}·h; x is refreshed in the same pass. Returns
   * whether any weight changed (false: the update is below the weights' rounding).
   */
  step(h: Float64Array, logScale = 0): boolean {
    const { n, depth, w, x, prefix } = this;
    const { kind, learningRate: eta, coupledDecay: a1, decoupledDecay: a2 } = this.opt;
    const power = specialPower(this.opt);
    // Booleans in the inner loop: comparing a string with null there slowed a general-q step by ~30 %.
    const isSign = power === 'sign', isIdentity = power === 'identity', isSqrt = power === 'sqrt';
    const qm1 = updateExponent(this.opt) - 1;
    const shrink = 1 - eta * a2;
    const adam = kind === 'adam';
    const m = this.m, v = this.v;
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this.opt;
    const c1 = adam ? 1 / (1 - b1 ** this.t) : 1;
    const c2 = adam ? 1 / (1 - b2 ** this.t) : 1;
    // sign(e^{logScale}·h) = sign(h): sign descent without coupled decay needs only h's direction,
    // so it goes on where e^{logScale} underflows; the other updates need ∇f's magnitude.
    const gradientScale = isSign && a1 === 0 ? 1 : Math.exp(logScale);
    let moved = false;
    for (let c = 0; c < n; c++) {
      let p = 1;
      for (let i = 0; i < depth; i++) {
        prefix[i] = p;
        p *= w[i * n + c];
      }
      const hc = h[c] * gradientScale;
      let suffix = 1;
      let product = 1;
      for (let i = depth - 1; i >= 0; i--) {
        const idx = i * n + c;
        const old = w[idx];
        const d = hc * prefix[i] * suffix + a1 * old;
        suffix *= old;
        let u: number;
        if (adam) {
          const mi = b1 * m[idx] + (1 - b1) * d;
          const vi = b2 * v[idx] + (1 - b2) * d * d;
          m[idx] = mi;
          v[idx] = vi;
          // With ε = 0 a coordinate that never saw a gradient stays put (0/0 otherwise).
          const den = Math.sqrt(vi * c2) + eps;
          u = den > 0 ? (mi * c1) / den : 0;
        } else if (isSign) {
          u = d > 0 ? 1 : d < 0 ? -1 : 0;
        } else if (isIdentity) {
          u = d;
        } else if (isSqrt) {
          u = d >= 0 ? Math.sqrt(d) : -Math.sqrt(-d);
        } else {
          u = d >= 0 ? d ** qm1 : -((-d) ** qm1);
        }
        const next = shrink * old - eta * u;
        if (next !== old) moved = true;
        w[idx] = next;
        product *= next;
      }
      x[c] = product;
    }
    return moved;
  }
}
