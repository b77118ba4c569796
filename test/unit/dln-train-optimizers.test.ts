// dln-train's heavy-ball momentum and Adam against closed forms on a one-parameter problem
// ℓ = ½(w − s)² (depth 1, 1 × 1): heavy ball satisfies e_{k+1} = (1 + β − η)e_k − βe_{k−1}, e₁ = (1 − η)e₀,
// so e_k = A r₁ᵏ + B r₂ᵏ with r² − (1 + β − η)r + β = 0; Adam with β₁ = β₂ = ε = 0 is sign descent,
// e_k = e₀ + kη until it crosses 0. β = 0 is plain GD, bit for bit, on a deep network.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { dlnTrainParams } from '../../workers/families/dln-train/params';
import { gpuForTests } from './compute-fixtures';
import { fakeRunContext, type RecordingContext } from './fake-run-context';
import type { RunSummary } from '../../workers/family';

async function train(p: Record<string, unknown>): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  const summary = await family.run(dlnTrainParams.parse(p), ctx);
  return { summary, ctx };
}

const probe = await gpuForTests();
const scalar = { depth: 1, targetSingularValues: [2], init: 'identity', initScale: 0.5, recordEvery: 1 };
const e0 = 0.5 - 2;

describe('momentum and Adam on ℓ = ½(w − s)²', () => {
  it('heavy ball follows e_k = A r₁ᵏ + B r₂ᵏ (η = 0.05, β = 0.3: real roots; loss ≤ 1e-9 relative over 200 steps)', async () => {
    const [eta, beta] = [0.05, 0.3];
    const { ctx } = await train({ ...scalar, optimizer: 'momentum', learningRate: eta, momentum: beta, horizon: 200 * eta });
    const b = 1 + beta - eta, root = Math.sqrt(b * b - 4 * beta);
    const [r1, r2] = [(b + root) / 2, (b - root) / 2];
    // A + B = e₀, A r₁ + B r₂ = (1 − η) e₀.
    const a = (e0 * (1 - eta) - e0 * r2) / (r1 - r2), bb = e0 - a;
    const { x, y } = ctx.series('loss');
    expect(x).toHaveLength(201);
    x.forEach((t, i) => {
      const k = Math.round(t / eta);
      const e = a * r1 ** k + bb * r2 ** k;
      expect(Math.abs(y[i] / (0.5 * e * e) - 1)).toBeLessThan(1e-9);
    });
  });

  it('heavy ball with complex roots (η = 0.5, β = 0.5) oscillates at |r| = √β', async () => {
    const { ctx } = await train({ ...scalar, optimizer: 'momentum', learningRate: 0.5, momentum: 0.5, horizon: 60 * 0.5 });
    const y = ctx.series('loss').y;
    // ½e_k² decays like β^k times a bounded oscillation: over 40 steps the envelope shrinks by β⁴⁰.
    const envelope = (from: number) => Math.max(...y.slice(from, from + 10));
    expect(envelope(50) / envelope(10)).toBeGreaterThan(0.5 ** 40 / 50);
    expect(envelope(50) / envelope(10)).toBeLessThan(0.5 ** 40 * 50);
  });

  it('Adam with β₁ = β₂ = ε = 0 is sign descent: e_k = e₀ + kη exactly until it crosses 0', async () => {
    const eta = 0.01;
    const { ctx } = await train({ ...scalar, optimizer: 'adam', learningRate: eta, beta1: 0, beta2: 0, epsilon: 0, horizon: 100 * eta });
    const { x, y } = ctx.series('loss');
    x.forEach((t, i) => {
      const k = Math.round(t / eta);
      expect(y[i]).toBeCloseTo(0.5 * (e0 + k * eta) ** 2, 12);
    });
  });

  it('Adam with its defaults fits the Saxe two-mode target', async () => {
    const { summary } = await train({ optimizer: 'adam', learningRate: 0.01, horizon: 30, initScale: 0.1 });
    expect(summary.finalLoss as number).toBeLessThan(1e-6);
  });

  it.skipIf(!probe.available).each(['momentum', 'adam'])('%s on WebGPU (float32) ends within 1e-4 of the float64 CPU run', async (optimizer) => {
    const p = { depth: 3, dim: 4, targetSingularValues: [2, 1], singularVectors: 'random', init: 'small-random', initScale: 0.3, learningRate: 0.01, horizon: 3, optimizer };
    const [cpu, gpu] = [await train({ ...p, device: 'cpu' }), await train({ ...p, device: 'gpu' })];
    expect(gpu.ctx.devices[0]?.device).toBe('gpu');
    (cpu.summary.finalSigmas as number[]).forEach((s, i) => expect(Math.abs((gpu.summary.finalSigmas as number[])[i] - s)).toBeLessThan(1e-4 * 2));
  });

  it('momentum β = 0 is plain GD bit for bit (depth 3, random init)', async () => {
    // Width 4: GD takes the fused step, bit for bit the general path where widths are multiples of 4 (dln-train-fused-step.test.ts).
    const p = { depth: 3, dim: 4, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', init: 'small-random', initScale: 0.3, learningRate: 0.02, horizon: 4 };
    const [gd, hb] = [await train({ ...p, optimizer: 'gd' }), await train({ ...p, optimizer: 'momentum', momentum: 0 })];
    expect(hb.ctx.series('loss').y).toEqual(gd.ctx.series('loss').y);
  });
});
