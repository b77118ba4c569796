// matrix-net.ts's full-matrix network and Tanh MLP on a compute backend: the layers, hidden states,
// gradients and back-propagation workspaces stay on the device across GD steps. The ops mirror
// MatrixNet one for one (R = −T + Σ_p Y_p accumulated in the same order, H_0 = I multiplied in,
// dZ ⊙ (1 − H²)), so on the float64 CPU backend every number equals MatrixNet's.
import type { ComputeBackend, Tensor } from '../../compute/index';
import type { Matrix } from '../../numeric/matrix';
import { layerOffsets, layerSize, type NetShape } from './matrix-net';

export class DeviceMatrixNet {
  /** layers[p][l] = W_l of pathway p (h × d first, h × h middle, d × h last). */
  readonly layers: Tensor[][];
  /** Y_p of the last gradient(). */
  readonly outputs: Tensor[];
  /** ½‖Σ_p Y_p − T‖²_F of the last gradient() (1×1). */
  readonly loss: Tensor;
  /** grads[p][l] = ∂loss/∂W_l of the last gradient(). */
  readonly grads: Tensor[][];
  /** hidden[p][l] = H_l (hidden[p][0] = I_d, shared; the others h × d). */
  private readonly hidden: Tensor[][];
  private readonly negTarget: Tensor;
  private readonly residual: Tensor;
  /** Pre-activation W_l H_l before tanh; ∂/∂H_l before the tanh derivative; two alternating ∂/∂Z (all h × d). */
  private readonly pre: Tensor;
  private readonly dHidden: Tensor;
  private readonly dZ: [Tensor, Tensor];

  constructor(
    private readonly be: ComputeBackend,
    readonly shape: NetShape,
    target: Matrix,
    theta: Float64Array,
  ) {
    const { d, depths } = shape;
    const h = shape.width ?? d;
    const square = (data?: ArrayLike<number>): Tensor => be.tensor(d, d, data);
    const hiddenState = (): Tensor => be.tensor(h, d);
    const offsets = layerOffsets(shape);
    const identity = square(Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0)));
    const layer = (L: number, l: number, offset?: number): Tensor => {
      const [rows, cols] = layerSize(shape, L, l);
      return be.tensor(rows, cols, offset === undefined ? undefined : theta.subarray(offset, offset + rows * cols));
    };
    this.layers = depths.map((L, p) => Array.from({ length: L }, (_, l) => layer(L, l, offsets[p][l])));
    this.grads = depths.map((L) => Array.from({ length: L }, (_, l) => layer(L, l)));
    this.hidden = depths.map((L) => [identity, ...Array.from({ length: L - 1 }, hiddenState)]);
    this.outputs = depths.map(() => square());
    this.negTarget = square(target.data.map((v) => -v));
    this.residual = square();
    this.pre = hiddenState();
    this.dHidden = hiddenState();
    this.dZ = [hiddenState(), hiddenState()];
    this.loss = be.tensor(1, 1);
  }

  /** Enqueues the forward pass (outputs, loss) and the gradient of every layer at the current weights. */
  gradient(): void {
    const { be, layers, hidden, outputs, residual, grads } = this;
    const tanh = this.shape.activation === 'tanh';
    be.copy(this.negTarget, residual);
    layers.forEach((W, p) => {
      const H = hidden[p], L = W.length;
      for (let l = 0; l + 1 < L; l++) {
        if (!tanh) {
          be.matmul(W[l], H[l], H[l + 1]);
          continue;
        }
        be.matmul(W[l], H[l], this.pre);
        be.tanh(this.pre, H[l + 1]);
      }
      be.matmul(W[L - 1], H[L - 1], outputs[p]);
      be.axpy(1, outputs[p], residual);
    });
    be.sumSquares(residual, this.loss, 0.5);
    layers.forEach((W, p) => {
      const H = hidden[p];
      // dY = R; dW_l = dZ_l H_lᵀ; dH_l = W_lᵀ dZ_l; dZ_{l−1} = dH_l ⊙ (1 − H_l²) for tanh.
      let dZ = residual;
      for (let l = W.length - 1; l >= 0; l--) {
        be.matmulNT(dZ, H[l], grads[p][l]);
        if (l === 0) break;
        const next = dZ === this.dZ[0] ? this.dZ[1] : this.dZ[0];
        if (tanh) {
          be.matmulTN(W[l], dZ, this.dHidden);
          be.tanhBackward(H[l], this.dHidden, next);
        } else {
          be.matmulTN(W[l], dZ, next);
        }
        dZ = next;
      }
    });
  }
}
