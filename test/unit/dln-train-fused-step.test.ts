// dln-train's fused GD step (wasm-deep-linear.ts: the matrices kept in one WebAssembly memory, the step on the
// unpacked kernel in one call, or on the packed kernel past UNPACKED_MAX_WIDTH) against the general path it
// replaces on the CPU (DeviceDescent: the backend's ops one by one): the same trajectory bit for bit where
// every width is a multiple of 4, within 1e-12 relative at odd widths (the general path's tiled loop groups
// its sums differently there), across depths 1–5 and rectangular layers; the loss, W_eff and the anchor
// distance the descent loop reads as well. The packed step matches the general path bit for bit at any width
// where every product of the step is large enough for its packed kernel (both sum in k order; the step's zero
// padding adds exact zeros). Fused multiply-add against a multiply then an add: the same trajectory to 1e-12. Through the family, GD
// from the aligned init follows each mode's exact scalar recurrence a ← a + η(s − a^L)a^{L−1} (paper 001
// §5: aligned modes decouple), whose L = 2 limit is the logistic a(t) = s/(1 + (s/a₀ − 1)e^{−2st}).
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../workers/compute/cpu';
import { descentEngine, DeviceDescent, FusedTargetDescent, type DescentEngine } from '../../workers/families/dln-train/descent';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { targetObjective } from '../../workers/families/dln-train/task';
import { logisticMode } from '../../workers/families/dln-train/theory';
import { type Matrix, randomGaussian } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { DeepLinearDescent, UNPACKED_MAX_WIDTH } from '../../workers/numeric/wasm-deep-linear';
import { fusedMultiplyAddAvailable } from '../../workers/numeric/wasm-gemm';
import { enableRelaxedSimd } from '../../workers/numeric/relaxed-simd';
import type { Tensor } from '../../workers/compute/index';
import { fakeRunContext } from './fake-run-context';

/** Runs a read to its value on the CPU backend. */
function read<T>(be: CpuBackend, reading: Generator<readonly Tensor[], T, Float64Array[]>): T {
  let next = reading.next([]);
  while (!next.done) next = reading.next(next.value.map((t) => be.readNow(t)));
  return next.value;
}

interface Snapshot {
  loss: number;
  product: Float64Array;
  layers: Float64Array[];
  moved: number;
}

/** The state every `every` steps, with the anchor at step 0 (as the escape tracker sets it). */
function trajectory(engine: DescentEngine, be: CpuBackend, steps: number, every: number): Snapshot[] {
  const out: Snapshot[] = [];
  const rng = createRng(1);
  engine.anchorHere();
  for (let step = 0; step <= steps; step++) {
    if (step % every === 0) out.push({ ...read(be, engine.state()), moved: read(be, engine.squaredDistanceFromAnchor()) });
    engine.advance(rng);
  }
  return out;
}

function problem(widths: number[], seed: number): { initial: Matrix[]; target: Matrix } {
  const rng = createRng(seed);
  const depth = widths.length - 1;
  const target = randomGaussian(widths[depth], widths[0], rng);
  const initial = Array.from({ length: depth }, (_, l) => randomGaussian(widths[l + 1], widths[l], rng, 0.5 / Math.sqrt(widths[l])));
  return { initial, target };
}

const maxAbs = (xs: Float64Array): number => xs.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

/** op(A) op(B) in plain loops, each entry summed in k order with a multiply then an add (the unfused kernels' sums). */
function loopProduct(a: Matrix, transposeA: boolean, b: Matrix, transposeB: boolean): Matrix {
  const m = transposeA ? a.cols : a.rows, k = transposeA ? a.rows : a.cols, n = transposeB ? b.rows : b.cols;
  const at = (x: Matrix, i: number, j: number, t: boolean) => (t ? x.data[j * x.cols + i] : x.data[i * x.cols + j]);
  const data = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(a, i, p, transposeA) * at(b, p, j, transposeB);
      data[i * n + j] = s;
    }
  return { rows: m, cols: n, data };
}

/** GD on ½‖W_L ⋯ W₁ − T‖² in plain loops (the fused step's operations in its order): Σ(W_eff − T)² after each of `steps` steps. */
function loopDescent(initial: readonly Matrix[], target: Matrix, eta: number, steps: number): { losses: number[]; layers: Float64Array[] } {
  const layers: Matrix[] = initial.map((w) => ({ ...w, data: Float64Array.from(w.data) }));
  const forward = () => {
    const prefix = [layers[0]];
    for (let l = 1; l < layers.length; l++) prefix.push(loopProduct(layers[l], false, prefix[l - 1], false));
    const last = prefix[prefix.length - 1];
    return { prefix, g: { ...last, data: last.data.map((x, i) => x - target.data[i]) } };
  };
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { prefix, g } = forward();
    const grads: Matrix[] = [];
    let back: Matrix = g;
    for (let l = layers.length - 1; l >= 1; l--) {
      grads[l] = loopProduct(back, false, prefix[l - 1], true);
      back = loopProduct(layers[l], true, back, false);
    }
    grads[0] = back;
    layers.forEach((w, l) => w.data.forEach((x, i) => (w.data[i] = x + -eta * grads[l].data[i])));
    losses.push(forward().g.data.reduce((s, e) => s + e * e, 0));
  }
  return { losses, layers: layers.map((w) => w.data) };
}

describe('fused dln-train GD step', () => {
  const eta = 0.02, steps = 150;
  it.each([
    [[16, 16, 16, 16]],
    [[8, 8]],
    [[12, 8, 4]],
    [[4, 16, 8, 12]],
    [[32, 32, 32, 32]],
    [[8, 4, 4, 4, 4, 8]],
  ])('widths %j: the general path bit for bit', (widths) => {
    const { initial, target } = problem(widths, widths.length + widths[0]);
    const be = new CpuBackend();
    const general = trajectory(new DeviceDescent(be, targetObjective(be, target), initial, { kind: 'plain', learningRate: eta }, null), be, steps, 50);
    const fused = trajectory(new FusedTargetDescent(initial, target, eta), be, steps, 50);
    fused.forEach((s, i) => {
      const g = general[i];
      expect(s.loss).toBe(g.loss);
      expect(s.moved).toBe(g.moved);
      expect(Array.from(s.product)).toEqual(Array.from(g.product));
      s.layers.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(g.layers[l])));
    });
    // It trained: the loss fell and W_eff moved away from the anchor.
    expect(fused[fused.length - 1].loss).toBeLessThan(0.9 * fused[0].loss);
    expect(fused[fused.length - 1].moved).toBeGreaterThan(1e-3);
  });

  it.each([
    [[5, 7, 3]],
    [[1, 9, 2, 6]],
    [[17, 17, 17, 17]],
    [[3, 3, 3, 3, 3, 3]],
    [[13, 6]],
  ])('widths %j (padded to multiples of 4): the general path within 1e-12 relative', (widths) => {
    const { initial, target } = problem(widths, 7 + widths[0]);
    const be = new CpuBackend();
    const general = trajectory(new DeviceDescent(be, targetObjective(be, target), initial, { kind: 'plain', learningRate: eta }, null), be, steps, 50);
    const fused = trajectory(new FusedTargetDescent(initial, target, eta), be, steps, 50);
    fused.forEach((s, i) => {
      const g = general[i];
      // Against the starting loss: a loss near 0 is a difference of O(1) entries.
      expect(Math.abs(s.loss - g.loss)).toBeLessThanOrEqual(1e-12 * general[0].loss);
      expect(Math.abs(s.moved - g.moved)).toBeLessThanOrEqual(1e-12 * Math.max(g.moved, maxAbs(g.product) ** 2));
      expect(maxDiff(s.product, g.product)).toBeLessThanOrEqual(1e-12 * maxAbs(g.product));
      s.layers.forEach((w, l) => expect(maxDiff(w, g.layers[l])).toBeLessThanOrEqual(1e-12 * maxAbs(g.layers[l])));
    });
    expect(fused[fused.length - 1].loss).toBeLessThan(0.9 * fused[0].loss);
  });

  it.each([
    [[36, 40, 44, 36]],
    [[37, 41, 35, 39]],
    [[260, 8, 260]],
    [[UNPACKED_MAX_WIDTH + 1, 33, 40]],
  ])('widths %j on the packed kernel: the general path bit for bit', (widths) => {
    const { initial, target } = problem(widths, 11 + widths[0]);
    const be = new CpuBackend();
    const few = 20;
    const general = trajectory(new DeviceDescent(be, targetObjective(be, target), initial, { kind: 'plain', learningRate: eta }, null), be, few, 10);
    const packed = trajectory(new FusedTargetDescent(initial, target, eta, true), be, few, 10);
    packed.forEach((s, i) => {
      const g = general[i];
      expect(s.loss).toBe(g.loss);
      expect(s.moved).toBe(g.moved);
      expect(Array.from(s.product)).toEqual(Array.from(g.product));
      s.layers.forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(g.layers[l])));
    });
    expect(packed[packed.length - 1].loss).toBeLessThan(packed[0].loss);
  });

  it.each([
    [[16, 16, 16, 16]],
    [[5, 7, 3]],
    [[40, 36, 44]],
  ])('widths %j: the packed and unpacked steps, and fused multiply-add against a multiply then an add', (widths) => {
    const { initial, target } = problem(widths, 5 + widths[0]);
    const run = (fused: boolean, packed: boolean) => {
      const step = new DeepLinearDescent(initial, target, eta, fused, packed);
      return Array.from({ length: 4 }, () => {
        for (let i = 0; i < 50; i++) step.step();
        return { loss: step.squaredResidual(), product: step.product(), layers: step.layers() };
      });
    };
    // The same sums in the same order: the packing and blocking do not show.
    for (const fused of [true, false]) expect(run(fused, true)).toEqual(run(fused, false));
    // One rounding per multiply-add or two: ~1 ulp per step, 200 steps of a contracting descent stay within 1e-12.
    const withFma = run(true, true), without = run(false, true);
    withFma.forEach((s, i) => {
      const g = without[i];
      expect(Math.abs(s.loss - g.loss)).toBeLessThanOrEqual(1e-12 * without[0].loss);
      expect(maxDiff(s.product, g.product)).toBeLessThanOrEqual(1e-12 * maxAbs(g.product));
      s.layers.forEach((w, l) => expect(maxDiff(w, g.layers[l])).toBeLessThanOrEqual(1e-12 * maxAbs(g.layers[l])));
    });
    // …and they are two kernels: one rounding per multiply-add shows somewhere in the layers.
    expect(withFma.some((s, i) => s.layers.some((w, l) => maxDiff(w, without[i].layers[l]) > 0))).toBe(true);
  });

  it('where the engine has no relaxed SIMD the fused kernels do not compile, and the step falls back to a multiply then an add, equal to plain loops bit for bit', () => {
    const { initial, target } = problem([5, 9, 3, 7], 4);
    const expected = loopDescent(initial, target, eta, 30);
    setFlagsFromString('--no-experimental-wasm-relaxed-simd');
    try {
      expect(fusedMultiplyAddAvailable()).toBe(false);
      // An architecture no other test compiles: its module is assembled and compiled here, without the flag.
      const wide = problem([6, 10, 6], 5);
      expect(() => new DeepLinearDescent(wide.initial, wide.target, eta, true, false)).toThrow(WebAssembly.CompileError);
      const step = new DeepLinearDescent(initial, target, eta, fusedMultiplyAddAvailable(), false);
      const losses = expected.losses.map(() => (step.step(), step.squaredResidual()));
      expect(losses).toEqual(expected.losses);
      step.layers().forEach((w, l) => expect(Array.from(w)).toEqual(Array.from(expected.layers[l])));
    } finally {
      enableRelaxedSimd();
    }
    expect(fusedMultiplyAddAvailable()).toBe(true);
    expect(expected.losses[29]).toBeLessThan(0.9 * expected.losses[0]);
  });

  it('the family takes it for CPU full-batch GD on the target at any width, the general path otherwise', () => {
    const be = new CpuBackend();
    const plain = { kind: 'plain', learningRate: 0.01 } as const;
    const small = problem([4, 4, 4], 1), wide = problem([UNPACKED_MAX_WIDTH + 1, 4], 2);
    expect(descentEngine(be, targetObjective(be, small.target), small.initial, plain, null)).toBeInstanceOf(FusedTargetDescent);
    expect(descentEngine(be, targetObjective(be, wide.target), wide.initial, plain, null)).toBeInstanceOf(FusedTargetDescent);
    expect(descentEngine(be, targetObjective(be, small.target), small.initial, { kind: 'momentum', learningRate: 0.01, momentum: 0.9 }, null)).toBeInstanceOf(DeviceDescent);
    // An objective that is not ½‖W_eff − T‖² (completion, sensing, regression) has no target.
    const { target: _, ...masked } = targetObjective(be, small.target);
    expect(descentEngine(be, masked, small.initial, plain, null)).toBeInstanceOf(DeviceDescent);
  });

  it('a layer whose width does not chain, or a target of the wrong shape, is refused with the sizes', () => {
    const { initial, target } = problem([4, 6, 5], 3);
    expect(() => new FusedTargetDescent([initial[1], initial[0]], target, 0.1)).toThrow(/layer 2 is 6×4, its input has width 5/);
    expect(() => new FusedTargetDescent(initial, randomGaussian(4, 5, createRng(1)), 0.1)).toThrow(/target is 4×5, W_eff is 5×4/);
  });

  it.each([2, 3])('family GD from the aligned init, L = %i: each σ_α follows its scalar recurrence a ← a + η(s − a^L)a^{L−1}', async (depth) => {
    const s = [3, 1, 0.5], a0 = 0.3, eta = 0.01, horizon = depth === 2 ? 6 : 20;
    const ctx = fakeRunContext();
    await family.run(dlnTrainParams.parse({ depth, dim: 5, targetSingularValues: s, singularVectors: 'random', init: 'aligned', initScale: a0, optimizer: 'gd', learningRate: eta, horizon }), ctx);
    expect(ctx.devices.map((d) => d.device)).toEqual(['cpu']);
    s.forEach((target, alpha) => {
      const { x, y } = ctx.series(`sigma/${alpha}`);
      let a = a0, step = 0;
      x.forEach((t, i) => {
        for (const at = Math.round(t / eta); step < at; step++) a += eta * (target - a ** depth) * a ** (depth - 1);
        // Seen: ≤ 2e-14 (the recorded σ is W_eff's computed SVD in rotated bases).
        expect(Math.abs(y[i] / a ** depth - 1)).toBeLessThan(1e-12);
      });
      expect(y[y.length - 1]).toBeGreaterThan(0.9 * target);
      // L = 2 at η → 0 is the logistic (paper 001 §5.3); at η = 0.01 the recurrence is within O(η) of it.
      if (depth === 2) x.forEach((t, i) => expect(Math.abs(y[i] - logisticMode(target, a0 ** 2, t))).toBeLessThan(0.05 * target));
    });
  });
});
