// The full models of paper 002 on canonical-basis inputs X = I_d: P pathways of L_p square d × d
// layers, pathway output Y_p = W_{L−1} σ(… σ(W_0 X)), loss ½‖Σ_p Y_p − T‖²_F. With σ = identity
// this is the deep linear network of §3 (Y_p = W_{L−1}⋯W_0, eq. (1)–(3)); with σ = tanh it is the
// multi-pathway MLP of Fig. 3. All weights live in one flat vector θ so Hessian-vector products
// can difference gradients.
import { matmul, matmulNT, matmulTN, zeros, type Matrix } from '../../numeric/matrix';

export type Activation = 'linear' | 'tanh';

export interface NetShape {
  d: number;
  depths: readonly number[];
  activation: Activation;
}

/** Offset of layer l of pathway p in θ. */
export function layerOffsets(shape: NetShape): number[][] {
  let offset = 0;
  return shape.depths.map((L) =>
    Array.from({ length: L }, () => {
      const o = offset;
      offset += shape.d * shape.d;
      return o;
    }),
  );
}

export function parameterCount(shape: NetShape): number {
  return shape.depths.reduce((sum, L) => sum + L, 0) * shape.d * shape.d;
}

const view = (theta: Float64Array, offset: number, d: number): Matrix => ({ rows: d, cols: d, data: theta.subarray(offset, offset + d * d) });

export class MatrixNet {
  private readonly offsets: number[][];
  /** Hidden states H_l per pathway (H_0 = I), kept from the forward pass for backpropagation. */
  private readonly hidden: Matrix[][];
  readonly outputs: Matrix[];
  readonly residual: Matrix;

  constructor(readonly shape: NetShape, readonly target: Matrix) {
    const { d } = shape;
    this.offsets = layerOffsets(shape);
    this.hidden = shape.depths.map((L) => Array.from({ length: L }, () => zeros(d, d)));
    for (const h of this.hidden) for (let i = 0; i < d; i++) h[0].data[i * d + i] = 1;
    this.outputs = shape.depths.map(() => zeros(d, d));
    this.residual = zeros(d, d);
  }

  /** Forward pass: every Y_p and R = Σ Y_p − T; returns ½‖R‖²_F. */
  forward(theta: Float64Array): number {
    const { d, depths, activation } = this.shape;
    const R = this.residual.data;
    for (let i = 0; i < R.length; i++) R[i] = -this.target.data[i];
    depths.forEach((L, p) => {
      const H = this.hidden[p];
      for (let l = 0; l + 1 < L; l++) {
        matmul(view(theta, this.offsets[p][l], d), H[l], H[l + 1]);
        if (activation === 'tanh') {
          const h = H[l + 1].data;
          for (let i = 0; i < h.length; i++) h[i] = Math.tanh(h[i]);
        }
      }
      matmul(view(theta, this.offsets[p][L - 1], d), H[L - 1], this.outputs[p]);
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
        matmulNT(dZ, H[l], view(grad, this.offsets[p][l], d));
        if (l === 0) break;
        const dH = matmulTN(view(theta, this.offsets[p][l], d), dZ);
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
