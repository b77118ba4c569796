// The full models of paper 002 on canonical-basis inputs X = I_d: P pathways of L_p layers mapping
// d → h → … → h → d (h = d: square d × d layers), pathway output Y_p = W_{L−1} σ(… σ(W_0 X)), loss ½‖Σ_p Y_p − T‖²_F. With σ = identity
// this is the deep linear network of §3 (Y_p = W_{L−1}⋯W_0, eq. (1)–(3)); with σ = tanh it is the
// multi-pathway MLP of Fig. 3. All weights live in one flat vector θ so Hessian-vector products
// can difference gradients.
import { matmul, matmulNT, matmulTN, zeros, type Matrix } from '../../numeric/matrix';

export type Activation = 'linear' | 'tanh';

export interface NetShape {
  d: number;
  /** Hidden width h (undefined: d). */
  width?: number;
  depths: readonly number[];
  activation: Activation;
}

/** [rows, cols] of layer l in a pathway of depth L: h × d first, h × h in the middle, d × h last. */
export function layerSize(shape: NetShape, L: number, l: number): [number, number] {
  const h = shape.width ?? shape.d;
  return [l === L - 1 ? shape.d : h, l === 0 ? shape.d : h];
}

/** Offset of layer l of pathway p in θ. */
export function layerOffsets(shape: NetShape): number[][] {
  let offset = 0;
  return shape.depths.map((L) =>
    Array.from({ length: L }, (_, l) => {
      const o = offset;
      const [rows, cols] = layerSize(shape, L, l);
      offset += rows * cols;
      return o;
    }),
  );
}

export function parameterCount(shape: NetShape): number {
  return shape.depths.reduce((sum, L) => {
    for (let l = 0; l < L; l++) {
      const [rows, cols] = layerSize(shape, L, l);
      sum += rows * cols;
    }
    return sum;
  }, 0);
}

/** Layer l of a pathway of depth L as a matrix view into θ. */
export function layerView(theta: Float64Array, shape: NetShape, L: number, l: number, offset: number): Matrix {
  const [rows, cols] = layerSize(shape, L, l);
  return { rows, cols, data: theta.subarray(offset, offset + rows * cols) };
}

export class MatrixNet {
  private readonly offsets: number[][];
  /** Hidden states H_l per pathway (H_0 = I_d, the others h × d), kept from the forward pass for backpropagation. */
  private readonly hidden: Matrix[][];
  readonly outputs: Matrix[];
  readonly residual: Matrix;

  constructor(readonly shape: NetShape, readonly target: Matrix) {
    const { d } = shape;
    const h = shape.width ?? d;
    this.offsets = layerOffsets(shape);
    this.hidden = shape.depths.map((L) => Array.from({ length: L }, (_, l) => (l === 0 ? zeros(d, d) : zeros(h, d))));
    for (const h of this.hidden) for (let i = 0; i < d; i++) h[0].data[i * d + i] = 1;
    this.outputs = shape.depths.map(() => zeros(d, d));
    this.residual = zeros(d, d);
  }

  /** Forward pass: every Y_p and R = Σ Y_p − T; returns ½‖R‖²_F. */
  forward(theta: Float64Array): number {
    const { depths, activation } = this.shape;
    const R = this.residual.data;
    for (let i = 0; i < R.length; i++) R[i] = -this.target.data[i];
    depths.forEach((L, p) => {
      const H = this.hidden[p];
      for (let l = 0; l + 1 < L; l++) {
        matmul(layerView(theta, this.shape, L, l, this.offsets[p][l]), H[l], H[l + 1]);
        if (activation === 'tanh') {
          const h = H[l + 1].data;
          for (let i = 0; i < h.length; i++) h[i] = Math.tanh(h[i]);
        }
      }
      matmul(layerView(theta, this.shape, L, L - 1, this.offsets[p][L - 1]), H[L - 1], this.outputs[p]);
      const Y = this.outputs[p].data;
      for (let i = 0; i < R.length; i++) R[i] += Y[i];
    });
    let loss = 0;
    for (const v of R) loss += v * v;
    return 0.5 * loss;
  }

  /** ∇θ of the loss at θ into `grad` (backpropagation); returns the loss. */
  gradient(theta: Float64Array, grad: Float64Array): number {
    const loss = this.forward(theta);
    const { d, depths, activation } = this.shape;
    depths.forEach((L, p) => {
      const H = this.hidden[p];
      // dY = R; dW_l = dZ_l H_lᵀ; dH_l = W_lᵀ dZ_l; dZ_{l−1} = dH_l ⊙ σ'(Z_{l−1}).
      let dZ: Matrix = { rows: d, cols: d, data: Float64Array.from(this.residual.data) };
      for (let l = L - 1; l >= 0; l--) {
        matmulNT(dZ, H[l], layerView(grad, this.shape, L, l, this.offsets[p][l]));
        if (l === 0) break;
        const dH = matmulTN(layerView(theta, this.shape, L, l, this.offsets[p][l]), dZ);
        if (activation === 'tanh') {
          const h = H[l].data;
          for (let i = 0; i < h.length; i++) dH.data[i] *= 1 - h[i] * h[i];
        }
        dZ = dH;
      }
    });
    return loss;
  }
}
