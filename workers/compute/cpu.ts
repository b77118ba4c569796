// The float64 backend: tensors are matrices of workers/numeric/matrix.ts (whose products use its
// WebAssembly SIMD kernel when they are big enough); everything runs synchronously, so `read` and
// `flush` resolve at once.
import { matmul, matmulNT, matmulTN } from '../numeric/matrix';
import { checkData, checkDims, checkNoAlias, checkSameShape, checkSameSize, checkShape, productDims, type ProductKind } from './checks';
import type { ComputeBackend, ScalarLog, Tensor } from './types';

class CpuTensor implements Tensor {
  readonly size: number;
  readonly data: Float64Array;
  constructor(readonly rows: number, readonly cols: number) {
    this.size = rows * cols;
    this.data = new Float64Array(this.size);
  }
}

function own(t: Tensor): CpuTensor {
  if (!(t instanceof CpuTensor)) throw new Error('cpu backend: tensor belongs to another backend');
  return t;
}

/** out = op(A) op(B). */
function product(kind: ProductKind, a: CpuTensor, b: CpuTensor, out: CpuTensor): void {
  productDims(kind, a, b, out);
  if (kind === 'NN') matmul(a, b, out);
  else if (kind === 'TN') matmulTN(a, b, out);
  else matmulNT(a, b, out);
}

/** Applies f entrywise: out[i] = f(i). */
function map(out: CpuTensor, f: (i: number) => number): void {
  const o = out.data;
  for (let i = 0; i < o.length; i++) o[i] = f(i);
}

export class CpuBackend implements ComputeBackend {
  readonly device = 'cpu';
  readonly precision = 'float64';
  readonly label = 'cpu-float64';

  tensor(rows: number, cols: number, data?: ArrayLike<number>): Tensor {
    checkDims(rows, cols);
    const t = new CpuTensor(rows, cols);
    if (data) this.write(t, data);
    return t;
  }

  write(t: Tensor, data: ArrayLike<number>): void {
    checkData('write', t, data);
    own(t).data.set(data);
  }

  async read(t: Tensor): Promise<Float64Array> {
    return this.readNow(t);
  }

  /** `read` without the promise: the CPU never has work pending (lets CPU runs stay synchronous). */
  readNow(t: Tensor): Float64Array {
    return Float64Array.from(own(t).data);
  }

  scalarLog(capacity: number): ScalarLog {
    const values = new Float64Array(capacity);
    let length = 0;
    return {
      capacity,
      get length() {
        return length;
      },
      push(t) {
        const src = own(t).data;
        if (length + src.length > capacity) throw new Error(`scalarLog: capacity ${capacity} exceeded; flush more often`);
        values.set(src, length);
        length += src.length;
      },
      async flush() {
        const out = values.slice(0, length);
        length = 0;
        return out;
      },
    };
  }

  copy(src: Tensor, dst: Tensor): void {
    checkSameShape('copy', src, dst);
    checkNoAlias('copy', dst, src);
    own(dst).data.set(own(src).data);
  }

  reshapeCopy(src: Tensor, dst: Tensor): void {
    checkSameSize('reshapeCopy', src, dst);
    checkNoAlias('reshapeCopy', dst, src);
    own(dst).data.set(own(src).data);
  }

  matmul(a: Tensor, b: Tensor, out: Tensor): void {
    product('NN', own(a), own(b), own(out));
  }

  matmulTN(a: Tensor, b: Tensor, out: Tensor): void {
    product('TN', own(a), own(b), own(out));
  }

  matmulNT(a: Tensor, b: Tensor, out: Tensor): void {
    product('NT', own(a), own(b), own(out));
  }

  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void {
    checkSameShape('axpby', x, y, out);
    checkNoAlias('axpby', out, x, y);
    const X = own(x).data, Y = own(y).data;
    map(own(out), (i) => alpha * X[i] + beta * Y[i]);
  }

  axpy(alpha: number, x: Tensor, y: Tensor): void {
    checkSameShape('axpy', x, y);
    checkNoAlias('axpy', y, x);
    // A plain loop: the update of every GD step (the closure of map cost ~1 µs per call at d = 8).
    const X = own(x).data, Y = own(y).data;
    for (let i = 0; i < Y.length; i++) Y[i] += alpha * X[i];
  }

  scale(alpha: number, x: Tensor): void {
    const X = own(x).data;
    map(own(x), (i) => alpha * X[i]);
  }

  sgdStep(w: Tensor, grad: Tensor, lr: number, weightDecay = 0): void {
    checkSameShape('sgdStep', w, grad);
    checkNoAlias('sgdStep', w, grad);
    const W = own(w).data, G = own(grad).data;
    map(own(w), (i) => W[i] - lr * (G[i] + weightDecay * W[i]));
  }

  sgdStepBy(w: Tensor, grad: Tensor, lr: Tensor): void {
    checkSameShape('sgdStepBy', w, grad);
    checkShape('sgdStepBy', 'lr', lr, 1, 1);
    checkNoAlias('sgdStepBy', w, grad, lr);
    const W = own(w).data, G = own(grad).data, rate = own(lr).data[0];
    map(own(w), (i) => W[i] - rate * G[i]);
  }

  normAdaptiveRate(paramSq: Tensor, gradSq: Tensor, out: Tensor, c: number, k: number, rho: number): void {
    for (const [name, t] of [['paramSq', paramSq], ['gradSq', gradSq], ['out', out]] as const) checkShape('normAdaptiveRate', name, t, 1, 1);
    checkNoAlias('normAdaptiveRate', out, paramSq, gradSq);
    const norm = Math.sqrt(own(paramSq).data[0]);
    own(out).data[0] = Math.min(c / norm ** k, (rho * norm) / Math.sqrt(own(gradSq).data[0]));
  }

  adamStep(w: Tensor, m: Tensor, v: Tensor, corrections: Tensor, lr: number, epsilon: number): void {
    checkSameShape('adamStep', w, m, v);
    checkShape('adamStep', 'corrections', corrections, 1, 2);
    checkNoAlias('adamStep', w, m, v, corrections);
    const W = own(w).data, M = own(m).data, V = own(v).data, [c1, c2] = own(corrections).data;
    map(own(w), (i) => W[i] - (lr * c1 * M[i]) / (Math.sqrt(c2 * V[i]) + epsilon));
  }

  mul(a: Tensor, b: Tensor, out: Tensor): void {
    checkSameShape('mul', a, b, out);
    checkNoAlias('mul', out, a, b);
    const A = own(a).data, B = own(b).data;
    map(own(out), (i) => A[i] * B[i]);
  }

  addRowVector(x: Tensor, bias: Tensor): void {
    checkShape('addRowVector', 'bias', bias, 1, x.cols);
    checkNoAlias('addRowVector', x, bias);
    const X = own(x).data, b = own(bias).data, c = x.cols;
    map(own(x), (i) => X[i] + b[i % c]);
  }

  relu(x: Tensor, out: Tensor): void {
    checkSameShape('relu', x, out);
    checkNoAlias('relu', out, x);
    const X = own(x).data;
    map(own(out), (i) => Math.max(X[i], 0));
  }

  reluBackward(x: Tensor, gradOut: Tensor, gradIn: Tensor): void {
    checkSameShape('reluBackward', x, gradOut, gradIn);
    checkNoAlias('reluBackward', gradIn, x, gradOut);
    const X = own(x).data, G = own(gradOut).data;
    map(own(gradIn), (i) => (X[i] > 0 ? G[i] : 0));
  }

  tanh(x: Tensor, out: Tensor): void {
    checkSameShape('tanh', x, out);
    checkNoAlias('tanh', out, x);
    const X = own(x).data;
    map(own(out), (i) => Math.tanh(X[i]));
  }

  tanhBackward(y: Tensor, gradOut: Tensor, gradIn: Tensor): void {
    checkSameShape('tanhBackward', y, gradOut, gradIn);
    checkNoAlias('tanhBackward', gradIn, y, gradOut);
    const Y = own(y).data, G = own(gradOut).data;
    map(own(gradIn), (i) => (1 - Y[i] * Y[i]) * G[i]);
  }

  sum(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('sum', 'out', out, 1, 1);
    let s = 0;
    for (const v of own(x).data) s += v;
    own(out).data[0] = scale * s;
  }

  sumSquares(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('sumSquares', 'out', out, 1, 1);
    let s = 0;
    for (const v of own(x).data) s += v * v;
    own(out).data[0] = scale * s;
  }

  colSums(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('colSums', 'out', out, 1, x.cols);
    checkNoAlias('colSums', out, x);
    const X = own(x).data, o = own(out).data, c = x.cols;
    o.fill(0);
    for (let i = 0; i < X.length; i++) o[i % c] += X[i];
    for (let j = 0; j < c; j++) o[j] *= scale;
  }

  squaredResidual(pred: Tensor, target: Tensor, diff: Tensor, loss: Tensor): void {
    checkSameShape('squaredResidual', pred, target, diff);
    checkShape('squaredResidual', 'loss', loss, 1, 1);
    checkNoAlias('squaredResidual', diff, pred, target);
    const P = own(pred).data, T = own(target).data, D = own(diff).data;
    let s = 0;
    for (let i = 0; i < D.length; i++) {
      D[i] = P[i] - T[i];
      s += D[i] * D[i];
    }
    own(loss).data[0] = s;
  }

  softmaxCrossEntropy(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor): void {
    checkSameShape('softmaxCrossEntropy', logits, targets, grad);
    checkShape('softmaxCrossEntropy', 'loss', loss, 1, 1);
    checkNoAlias('softmaxCrossEntropy', grad, logits, targets);
    const Z = own(logits).data, Y = own(targets).data, G = own(grad).data;
    const n = logits.rows, c = logits.cols;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = i * c;
      let max = -Infinity;
      for (let j = 0; j < c; j++) max = Math.max(max, Z[r + j]);
      let sumExp = 0, ySum = 0;
      for (let j = 0; j < c; j++) {
        sumExp += Math.exp(Z[r + j] - max);
        ySum += Y[r + j];
      }
      const logSumExp = max + Math.log(sumExp);
      for (let j = 0; j < c; j++) {
        total += Y[r + j] * (logSumExp - Z[r + j]);
        G[r + j] = ((Math.exp(Z[r + j] - max) / sumExp) * ySum - Y[r + j]) / n;
      }
    }
    own(loss).data[0] = total / n;
  }

  accuracy(logits: Tensor, targets: Tensor, out: Tensor): void {
    checkSameShape('accuracy', logits, targets);
    checkShape('accuracy', 'out', out, 1, 1);
    const Z = own(logits).data, Y = own(targets).data, c = logits.cols;
    let hits = 0;
    for (let r = 0; r < Z.length; r += c) {
      if (argmax(Z, r, c) === argmax(Y, r, c)) hits++;
    }
    own(out).data[0] = hits / logits.rows;
  }

  async flush(): Promise<void> {}

  dispose(): void {}
}

function argmax(v: Float64Array, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (v[start + j] > v[start + best]) best = j;
  return best;
}
