// Outcome labels of multipath runs (paper 002 §5): 'diverged' only for a blow-up, a bounded run
// that never converged is 'oscillating' (it met the edge of stability) or 'not-converged' (still on
// a plateau); re-balancing classes need the edge of stability; and a reduced-model orbit the full
// network does not keep says so.
import { describe, expect, it, vi } from 'vitest';
import { getFamily } from '../../workers/families/index';
import { transverseGrowth } from '../../workers/families/multipath/full-network-check';
import { fakeRunContext } from './fake-run-context';

const family = getFamily('multipath');
const FIG1 = { pathways: 2, depth: 3, targets: [1], initScale: 0.01, initAsymmetry: 0.1, maxSteps: 20_000 };
const run = async (params: Record<string, unknown>) => (await family.run(family.params.parse(params), fakeRunContext())) as Record<string, unknown>;

describe('multipath outcome labels', () => {
  it('a bounded period-2 orbit beyond 2/λ_balanced is oscillating, not diverged, and agrees with "no stable minimum"', async () => {
    const s = await run({ ...FIG1, learningRate: 1.0 });
    expect(s.converged).toBe(0);
    expect(s.outcome).toBe('oscillating');
    expect(s.divergedStep).toBeNull();
    expect(Math.max(...(s.finalValues as number[]).map(Math.abs))).toBeLessThan(2);
    expect(s.predictedOutcome).toBe('no-stable-minimum');
  });

  it('a run still on its plateau when maxSteps runs out is not-converged', async () => {
    const s = await run({ ...FIG1, initScale: 0.001, learningRate: 0.3, maxSteps: 200 });
    expect(s.converged).toBe(0);
    expect(num(s.finalLoss)).toBeGreaterThan(0.4);
    expect(s.edgeOfStabilityStep).toBeNull();
    expect(s.outcome).toBe('not-converged');
  });

  it('an unconverged orbit at the edge of stability is not called winner-takes-all', async () => {
    // η = 0.75 re-balances and converges at step ≈ 400; cut at 250 it is still oscillating.
    const s = await run({ ...FIG1, learningRate: 0.75, maxSteps: 250 });
    expect(s.converged).toBe(0);
    expect(s.edgeOfStabilityStep).not.toBeNull();
    expect(s.outcome).toBe('oscillating');
  });

  it('gradient flow and small steps from a symmetric start end at the flow split, not "re-balancing"', async () => {
    const flow = await run({ ...FIG1, initAsymmetry: 0, dynamics: 'flow', learningRate: 0.75 });
    expect(flow.converged).toBe(1);
    expect(flow.edgeOfStabilityStep).toBeNull();
    expect(num(flow.rebalancingProgress)).toBeGreaterThan(0.9);
    expect(flow.outcome).toBe('flow-split');
    const small = await run({ ...FIG1, initAsymmetry: 0, learningRate: 0.3 });
    expect(small.edgeOfStabilityStep).toBeNull();
    expect(small.outcome).toBe('flow-split');
    expect(small.predictedOutcome).toBe('flow-split');
  });

  it('a reduced orbit the full network leaves (cross-mode direction) says so; a converged run has no such note', async () => {
    const s = await run({ ...FIG1, targets: [1, 0.9], learningRate: 1.2 });
    expect(s.outcome).toBe('oscillating');
    expect(num(s.crossModeGrowth)).toBeGreaterThan(1.01);
    expect(String(s.outcomeNote)).toMatch(/^reduced model only: .* full network does not stay on it; .*cross-mode Hessian direction/);
    const converged = await run({ ...FIG1, learningRate: 0.75 });
    expect(converged.converged).toBe(1);
    expect(converged.crossModeGrowth).toBeNull();
    expect(converged.outcomeNote).toBeUndefined();
  });
});

describe('transverseGrowth at a minimum (closed form |1 − η λ_ij|, λ_ij = Σ_l σ_i^{2(L−l)} σ_j^{2(l−1)})', () => {
  it('one mode, L = 3, w = 1: the mode–null direction has λ = 1, so the factor is |1 − η| when above 1', () => {
    expect(transverseGrowth({ targets: [1], depths: [3] }, Float64Array.of(1), 2.5, 64)).toBeCloseTo(1.5, 6);
    // Below 2/λ it decays; the zero-curvature directions stay: factor 1.
    expect(transverseGrowth({ targets: [1], depths: [3] }, Float64Array.of(1), 0.5, 64)).toBeCloseTo(1, 6);
  });

  it('two modes, σ = (1, 0.5): λ_01 = 1 + 0.25 + 0.0625 = 1.3125, factor |1 − 2·1.3125| = 1.625', () => {
    expect(transverseGrowth({ targets: [1, 0.125], depths: [3] }, Float64Array.of(1, 0.5), 2, 64)).toBeCloseTo(1.625, 6);
  });
});

function num(value: unknown): number {
  if (typeof value !== 'number') throw new Error(`expected a number, got ${String(value)}`);
  return value;
}

describe('multipath sweep analyses', () => {
  it('parse each run\'s params once, however many analyses read them', async () => {
    const { multipathParams } = await import('../../workers/families/multipath/params');
    const { analyze } = await import('../../workers/pool-worker');
    const runs = [0.3, 0.5, 0.75].flatMap((learningRate, i) =>
      [1, 2].map((pathways, j) => ({ runId: 2 * i + j + 1, paramsJson: JSON.stringify(family.params.parse({ ...FIG1, learningRate, pathways })), seed: 0, status: 'done', summaryJson: JSON.stringify({ outcome: 'winner-takes-all' }) })),
    );
    const spy = vi.spyOn(multipathParams, 'safeParse');
    try {
      const results = JSON.parse(await analyze({ family: 'multipath', runs })) as unknown[];
      expect(results.length).toBeGreaterThanOrEqual(2);
      expect(spy).toHaveBeenCalledTimes(runs.length);
    } finally {
      spy.mockRestore();
    }
  });
});
