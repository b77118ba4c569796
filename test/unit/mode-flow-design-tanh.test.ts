// The mode-flow extensions behind claims 000-10 and 000-11, against known answers: the coupled
// flow of a design matrix and the Bregman minimizer (L = 1: the Euclidean projection; L = 2: a
// scalar equation by symmetry), and the scalar tanh chain (its gradient by finite differences, and
// depth 1, where it is linear regression with a closed-form time).
import { describe, expect, it } from 'vitest';
import type { AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/mode-flow';
import { bregmanMinimizer, vertexMinimizer } from '../../workers/families/mode-flow/bregman-minimizer';
import { escapeTimeScaling } from '../../workers/families/mode-flow/escape-time-scaling';
import { implicitBias } from '../../workers/families/mode-flow/implicit-bias';
import { tanhChain } from '../../workers/families/mode-flow/tanh-chain';
import { fakeRunContext } from './fake-run-context';

/** Two observations of three modes: the zero-loss set is the segment (1, 1, 0) → (0, 0, 2.4). */
const A = [[1, 0, 1 / 2.4], [0, 1, 1 / 2.4]];
const TEACHER = [0.5, 0.5, 1.2];

function bisect(f: (x: number) => number, lo: number, hi: number): number {
  for (let k = 0; k < 200; k++) {
    const mid = 0.5 * (lo + hi);
    if (Math.sign(f(mid)) === Math.sign(f(lo))) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

function designRun(depth: number, initScale: number): AnalysisRunInput {
  const params = { depth, targets: TEACHER, design: A, initScale, tolerance: 1e-10, rtol: 1e-11 };
  const summary = family.run(family.params.parse(params), fakeRunContext()) as AnalysisRunInput['summary'];
  return { runId: depth, params, seed: 0, status: 'done', summary };
}

describe('Bregman minimizer over {Aσ = y} (bregman-minimizer.ts)', () => {
  it('L = 1 is the Euclidean projection σ(0) + Aᵀ(AAᵀ)⁻¹(y − Aσ(0))', () => {
    // AAᵀ = [[1 + c², c²], [c², 1 + c²]] with c = 1/2.4; y − Aσ(0) = (1 − 0.3(1 + c))·(1, 1), so λ = that / (1 + 2c²) on both rows.
    const c = 1 / 2.4, r = 1 - 0.3 * (1 + c), lambda = r / (1 + 2 * c * c);
    const expected = [0.3 + lambda, 0.3 + lambda, 0.3 + 2 * c * lambda];
    const { sigma, converged } = bregmanMinimizer(1, A, TEACHER, [0.3, 0.3, 0.3]);
    expect(converged).toBe(true);
    sigma.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('L = 2: σ₁ = σ₂ = s with s + σ₀^{1−1/1.2}s^{1/1.2}/2.4 = 1 (KKT σᵢ = σ₀e^{2(Aᵀλ)ᵢ}, by symmetry)', () => {
    const s0 = 0.01;
    const s = bisect((x) => x + (s0 ** (1 - 1 / 1.2) * x ** (1 / 1.2)) / 2.4 - 1, 1e-9, 1);
    const { sigma } = bregmanMinimizer(2, A, TEACHER, [s0, s0, s0]);
    expect(sigma[0]).toBeCloseTo(s, 12);
    expect(sigma[1]).toBeCloseTo(s, 12);
    expect(sigma[2]).toBeCloseTo(2.4 * (1 - s), 11);
  });
});

describe('flow with a design matrix and the implicit-bias analysis (000-10)', () => {
  const runs = [designRun(1, 0.3), designRun(2, 0.1), designRun(3, 0.1)];
  const result = implicitBias.run(runs);

  it('every limit is the Bregman minimizer to 1e-6, and far from the teacher (the check can tell them apart)', () => {
    expect(result.checks).toHaveLength(3);
    result.checks.forEach((c) => {
      expect(c.claim).toBe('000-10');
      expect(c.pass, `${c.name}: ${c.value}`).toBe(true);
      expect(c.value as number).toBeLessThan(1e-8);
    });
    result.rows.forEach((r) => expect(r.toTeacher as number).toBeGreaterThan(0.4));
    // Depth moves the limit toward the ℓ¹ minimizer (1, 1, 0): σ₃ falls from L = 1 to L = 3.
    const third = runs.map((r) => (r.summary?.finalSigmas as number[])[2]);
    expect(third[0]).toBeGreaterThan(third[1]);
    expect(third[1]).toBeGreaterThan(third[2]);
  });

  it('small init selects the ℓ¹ minimizer (1, 1, 0), not the ℓ^{2/3} minimizer (0, 0, 2.4) (Σσ^{2/3}: 2 against 1.79)', () => {
    const l1 = vertexMinimizer(A, TEACHER, 1) as number[];
    const quasi = vertexMinimizer(A, TEACHER, 2 / 3) as number[];
    [1, 1, 0].forEach((v, i) => expect(l1[i]).toBeCloseTo(v, 12));
    [0, 0, 2.4].forEach((v, i) => expect(quasi[i]).toBeCloseTo(v, 12));
    const small = implicitBias.run([designRun(3, 0.03)]);
    expect(small.checks[0].pass).toBe(true);
    expect(small.rows[0].toL1 as number).toBeLessThan(0.01);
    expect(small.rows[0].toQuasiNorm as number).toBeGreaterThan(0.9);
  });

  it('fails a limit that is another zero-loss point (the teacher)', () => {
    const moved = { ...runs[1], summary: { ...runs[1].summary, finalSigmas: TEACHER } };
    expect(implicitBias.run([moved]).checks[0].pass).toBe(false);
  });

  it('refuses a design row of the wrong length, naming the field', () => {
    const parsed = family.params.safeParse({ targets: [1, 2], design: [[1, 2, 3]] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].path).toEqual(['design', 0]);
  });
});

describe('scalar tanh chain (000-11)', () => {
  it('its gradient matches central differences', () => {
    const w = [0.7, -0.4, 1.3, 0.9];
    const gradient = new Float64Array(4);
    tanhChain(w, gradient);
    w.forEach((_, l) => {
      const up = [...w], down = [...w];
      up[l] += 1e-6;
      down[l] -= 1e-6;
      expect(gradient[l]).toBeCloseTo((tanhChain(up) - tanhChain(down)) / 2e-6, 8);
    });
  });

  it('the slope follows r, the layers at scale ε, not L: L = 4 with one layer at 1 has slope −1 (000-11)', () => {
    const runs: AnalysisRunInput[] = [];
    for (const unitLayers of [0, 1]) {
      for (const initScale of [0.005, 0.008, 0.013, 0.02, 0.03]) {
        const params = { depth: 4, unitLayers, targets: [1], activation: 'tanh', initScale };
        runs.push({ runId: runs.length + 1, params, seed: 0, status: 'done', summary: family.run(family.params.parse(params), fakeRunContext()) as AnalysisRunInput['summary'] });
      }
    }
    const checks = escapeTimeScaling.run(runs).checks.filter((c) => c.claim === '000-11');
    expect(checks.map((c) => c.expected)).toEqual([-2, -1]);
    checks.forEach((c) => expect(c.pass, `${c.name}: ${c.value}`).toBe(true));
  });

  it('refuses unit layers that leave fewer than 2 at scale ε, or on the linear channels, naming the field', () => {
    for (const params of [{ depth: 3, unitLayers: 2, activation: 'tanh' }, { depth: 4, unitLayers: 1 }]) {
      const parsed = family.params.safeParse(params);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0].path).toEqual(['unitLayers']);
    }
  });

  it('depth 1 is linear: escape at t = ln((s − a₀)/(s/2))', () => {
    const summary = family.run(family.params.parse({ depth: 1, targets: [2], initScale: 0.1, activation: 'tanh' }), fakeRunContext()) as Record<string, number[]>;
    expect(summary.escapeTimes[0]).toBeCloseTo(Math.log((2 - 0.1) / 1), 8);
  });
});
