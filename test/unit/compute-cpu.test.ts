// The float64 backend against closed forms: products (scalar and SIMD paths) against the triple loop, losses against values
// computable by hand, every gradient against central differences of the op's own forward value
// (error O(h²) ≈ 1e-8 at h = 1e-4), and the contract's bookkeeping (scalar logs, shape and alias errors).
import { describe, expect, it } from 'vitest';
import { CpuBackend, type Tensor } from '../../workers/compute/index';
import { gaussian32 } from './compute-fixtures';

const be = new CpuBackend();
const read = async (t: Tensor): Promise<number[]> => Array.from(await be.read(t));

/** Central difference of f at x along entry i. */
async function partial(f: (x: Float64Array) => Promise<number>, x: Float64Array, i: number, h = 1e-4): Promise<number> {
  const plus = Float64Array.from(x), minus = Float64Array.from(x);
  plus[i] += h;
  minus[i] -= h;
  return ((await f(plus)) - (await f(minus))) / (2 * h);
}

const transpose = (v: Float64Array, r: number, c: number): Float64Array =>
  Float64Array.from({ length: r * c }, (_, idx) => v[(idx % r) * c + Math.floor(idx / r)]);

describe('the CPU compute backend', () => {
  it('computes the three products like the triple loop', async () => {
    const [m, k, n] = [5, 7, 3];
    const a = gaussian32(m * k, 1), b = gaussian32(k * n, 2);
    const want = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) want[i * n + j] += a[i * k + p] * b[p * n + j];
    const out = be.tensor(m, n);
    be.matmul(be.tensor(m, k, a), be.tensor(k, n, b), out);
    (await read(out)).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    be.matmulTN(be.tensor(k, m, transpose(a, m, k)), be.tensor(k, n, b), out);
    (await read(out)).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
    be.matmulNT(be.tensor(m, k, a), be.tensor(n, k, transpose(b, k, n)), out);
    (await read(out)).forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
  });

  it('computes large products through the SIMD kernel: edge panels, several k and n blocks, transposes', async () => {
    // 37 and 263 are not multiples of the 4-wide panels; k = 300 spans two 256-deep blocks, n = 263 two 256-wide ones.
    const [m, k, n] = [37, 300, 263];
    const a = gaussian32(m * k, 3), b = gaussian32(k * n, 4);
    const want = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) want[i * n + j] += a[i * k + p] * b[p * n + j];
    const scale = want.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
    const out = be.tensor(m, n);
    const check = async () => (await read(out)).forEach((v, i) => expect(Math.abs(v - want[i]) / scale).toBeLessThan(1e-13));
    be.matmul(be.tensor(m, k, a), be.tensor(k, n, b), out);
    await check();
    be.matmulTN(be.tensor(k, m, transpose(a, m, k)), be.tensor(k, n, b), out);
    await check();
    be.matmulNT(be.tensor(m, k, a), be.tensor(n, k, transpose(b, k, n)), out);
    await check();
  });

  it('gives log C for uniform logits and one-hot targets, with gradient (1/C − y)/n', async () => {
    const n = 4, c = 5;
    const y = new Float64Array(n * c);
    for (let i = 0; i < n; i++) y[i * c + i] = 1;
    const grad = be.tensor(n, c), loss = be.tensor(1, 1);
    be.softmaxCrossEntropy(be.tensor(n, c, new Float64Array(n * c).fill(3)), be.tensor(n, c, y), grad, loss);
    expect((await read(loss))[0]).toBeCloseTo(Math.log(c), 14);
    (await read(grad)).forEach((g, i) => expect(g).toBeCloseTo((1 / c - y[i]) / n, 14));
  });

  it('returns the derivative of its softmax cross-entropy, soft targets and logits near 700 included', async () => {
    const n = 3, c = 4;
    const z = gaussian32(n * c, 5).map((v, i) => v + (i < c ? 700 : 0));
    const y = be.tensor(n, c, gaussian32(n * c, 6).map(Math.abs));
    const lossOf = async (logits: Float64Array): Promise<number> => {
      const loss = be.tensor(1, 1);
      be.softmaxCrossEntropy(be.tensor(n, c, logits), y, be.tensor(n, c), loss);
      return (await be.read(loss))[0];
    };
    expect(Number.isFinite(await lossOf(z))).toBe(true);
    const grad = be.tensor(n, c);
    be.softmaxCrossEntropy(be.tensor(n, c, z), y, grad, be.tensor(1, 1));
    const g = await read(grad);
    for (let i = 0; i < n * c; i++) expect(g[i]).toBeCloseTo(await partial(lossOf, z, i), 7);
  });

  it('back-propagates through ReLU and tanh: gradIn is the derivative of Σ gradOut ⊙ f(x)', async () => {
    const x = gaussian32(12, 7), gOut = gaussian32(12, 8);
    const cases = [
      { forward: (a: Tensor, o: Tensor) => be.relu(a, o), backward: (a: Tensor, y: Tensor, gi: Tensor) => be.reluBackward(a, be.tensor(3, 4, gOut), gi) },
      { forward: (a: Tensor, o: Tensor) => be.tanh(a, o), backward: (_: Tensor, y: Tensor, gi: Tensor) => be.tanhBackward(y, be.tensor(3, 4, gOut), gi) },
    ];
    for (const { forward, backward } of cases) {
      const objective = async (v: Float64Array): Promise<number> => {
        const out = be.tensor(3, 4);
        forward(be.tensor(3, 4, v), out);
        return (await be.read(out)).reduce((s, fx, i) => s + gOut[i] * fx, 0);
      };
      const xt = be.tensor(3, 4, x), y = be.tensor(3, 4), gIn = be.tensor(3, 4);
      forward(xt, y);
      backward(xt, y, gIn);
      const g = await read(gIn);
      for (let i = 0; i < 12; i++) expect(g[i]).toBeCloseTo(await partial(objective, x, i), 7);
    }
    const big = be.tensor(1, 3, [-800, 0, 800]), out = be.tensor(1, 3);
    be.tanh(big, out);
    expect(await read(out)).toEqual([-1, 0, 1]);
  });

  it('fuses the residual and its squared norm, and the entrywise updates', async () => {
    const diff = be.tensor(1, 3), loss = be.tensor(1, 1);
    be.squaredResidual(be.tensor(1, 3, [1, 2, 3]), be.tensor(1, 3, [0, 4, 3]), diff, loss);
    expect(await read(diff)).toEqual([1, -2, 0]);
    expect(await read(loss)).toEqual([5]);
    const w = be.tensor(1, 2, [1, -2]);
    be.sgdStep(w, be.tensor(1, 2, [0.5, 1]), 0.1, 0.2); // w − 0.1 (g + 0.2 w)
    (await read(w)).forEach((v, i) => expect(v).toBeCloseTo([1 - 0.1 * (0.5 + 0.2), -2 - 0.1 * (1 - 0.4)][i], 15));
    const row = be.tensor(1, 6);
    be.reshapeCopy(be.tensor(2, 3, [1, 2, 3, 4, 5, 6]), row);
    expect(await read(row)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => be.reshapeCopy(row, be.tensor(2, 2))).toThrow(/reshapeCopy: 1×6 and 2×2 hold different numbers of entries/);
    const adamW = be.tensor(1, 2, [1, -2]);
    // w − lr·c₁m/(√(c₂v) + ε) with c₁ = 2, c₂ = 4: 1 − 0.1·2·0.5/(√(4·0.25) + 0.5), −2 − 0.1·2·(−1)/(√(4·1) + 0.5).
    be.adamStep(adamW, be.tensor(1, 2, [0.5, -1]), be.tensor(1, 2, [0.25, 1]), be.tensor(1, 2, [2, 4]), 0.1, 0.5);
    (await read(adamW)).forEach((v, i) => expect(v).toBeCloseTo([1 - 0.1 / 1.5, -2 + 0.2 / 2.5][i], 15));
    const out = be.tensor(1, 2);
    be.axpby(2, be.tensor(1, 2, [1, 2]), -1, be.tensor(1, 2, [3, 5]), out);
    expect(await read(out)).toEqual([-1, -1]);
    const x = be.tensor(2, 3, [1, 2, 3, 4, 5, 6]);
    be.addRowVector(x, be.tensor(1, 3, [10, 20, 30]));
    expect(await read(x)).toEqual([11, 22, 33, 14, 25, 36]);
    const cols = be.tensor(1, 3), total = be.tensor(1, 1), squares = be.tensor(1, 1);
    be.colSums(x, cols, 0.5);
    be.sum(x, total);
    be.sumSquares(be.tensor(1, 2, [3, 4]), squares, 2);
    expect(await read(cols)).toEqual([12.5, 23.5, 34.5]);
    expect(await read(total)).toEqual([141]);
    expect(await read(squares)).toEqual([50]);
  });

  it('scores argmax agreement, taking the first index on ties', async () => {
    const acc = be.tensor(1, 1);
    be.accuracy(be.tensor(3, 2, [1, 1, 0, 2, 5, 1]), be.tensor(3, 2, [1, 0, 1, 0, 0, 1]), acc);
    expect(await read(acc)).toEqual([1 / 3]);
  });

  it('logs scalars in order until flushed, and refuses to overflow', async () => {
    const log = be.scalarLog(3), s = be.tensor(1, 1, [1]);
    log.push(s);
    be.scale(5, s);
    log.push(s);
    expect(log.length).toBe(2);
    expect(Array.from(await log.flush())).toEqual([1, 5]);
    expect(log.length).toBe(0);
    log.push(be.tensor(1, 3));
    expect(() => log.push(s)).toThrow('scalarLog: capacity 3 exceeded');
  });

  it('rejects mismatched shapes, aliased outputs and wrong data lengths with the op name', () => {
    const a = be.tensor(2, 3), b = be.tensor(2, 3);
    expect(() => be.matmul(a, b, be.tensor(2, 3))).toThrow('matmul: inner dimensions of 2×3 and 2×3 differ');
    expect(() => be.matmulTN(a, b, be.tensor(2, 2))).toThrow('matmulTN: out is 2×2, expected 3×3');
    expect(() => be.axpby(1, a, 1, b, a)).toThrow('axpby: the output may not alias an input');
    expect(() => be.mul(a, be.tensor(3, 2), b)).toThrow('mul: shapes 2×3, 3×2, 2×3 differ');
    expect(() => be.tensor(2, 2, [1, 2, 3])).toThrow('write: 3 values for a 2×2 tensor');
    expect(() => be.tensor(0, 2)).toThrow('dimensions must be positive integers');
  });
});
