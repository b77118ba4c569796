// The Hessian of the steepest family's loss in the layer weights: exact products against central
// differences of ∇_w f = h ⊙ Π_{j≠i} w_j, the closed forms ∇²f = ZᵀZ/k at depth 1 (Lanczos top-k
// against its dense eigendecomposition) and [[λ²A, diag h], [diag h, 0]] at the L = 2 saddle init
// w₁ = 0, w₂ = λ, and a run that records it.
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/steepest';
import { diagonalHessianOperator } from '../../workers/families/steepest/hessian';
import { Objective } from '../../workers/families/steepest/objective';
import { steepestParams } from '../../workers/families/steepest/params';
import { makeProblem, type Problem } from '../../workers/families/steepest/problem';
import { lanczosTop } from '../../workers/numeric/lanczos';
import { zeros } from '../../workers/numeric/matrix';
import { createRng } from '../../workers/numeric/rng';
import { symmetricEigen } from '../../workers/numeric/svd';
import { fakeRunContext } from './fake-run-context';

function setup(raw: Record<string, unknown>): { problem: Problem; objective: Objective } {
  const problem = makeProblem(steepestParams.parse(raw), createRng(1));
  return { problem, objective: new Objective(problem) };
}

/** ∇_w f for layer-major w. */
function weightGradient(problem: Problem, objective: Objective, w: Float64Array, depth: number): Float64Array {
  const n = problem.n, x = new Float64Array(n).fill(1), h = new Float64Array(n);
  for (let i = 0; i < depth; i++) for (let c = 0; c < n; c++) x[c] *= w[i * n + c];
  objective.gradient(x, h, null);
  return Float64Array.from(w, (_, idx) => {
    const i = Math.floor(idx / n), c = idx % n;
    let g = h[c];
    for (let j = 0; j < depth; j++) if (j !== i) g *= w[j * n + c];
    return g;
  });
}

function materialise(apply: (v: Float64Array, out: Float64Array) => void, size: number): Float64Array {
  const m = new Float64Array(size * size), e = new Float64Array(size), col = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    e.fill(0);
    e[j] = 1;
    apply(e, col);
    for (let i = 0; i < size; i++) m[i * size + j] = col[i];
  }
  return m;
}

describe('steepest: Hessian of f in the layer weights', () => {
  it.each([
    ['regression, L = 3', { task: 'regression', features: 6, samples: 20, support: 2 }, 3],
    ['classification, L = 2', { task: 'classification', features: 5, samples: 15, support: 2 }, 2],
  ])('H v matches central differences of ∇_w f (%s)', (_name, raw, depth) => {
    const { problem, objective } = setup(raw);
    const rng = createRng(4);
    const w = Float64Array.from({ length: depth * problem.n }, () => 0.6 * rng.normal());
    const { apply, size } = diagonalHessianOperator(problem, objective, w, depth);
    const v = Float64Array.from({ length: size }, () => rng.normal());
    const step = 1e-5;
    const up = weightGradient(problem, objective, w.map((x, i) => x + step * v[i]), depth);
    const down = weightGradient(problem, objective, w.map((x, i) => x - step * v[i]), depth);
    const hv = new Float64Array(size);
    apply(v, hv);
    const scale = Math.max(...hv.map(Math.abs));
    hv.forEach((x, i) => expect(Math.abs(x - (up[i] - down[i]) / (2 * step))).toBeLessThan(1e-7 * scale));
  });

  it('depth 1: Lanczos top-4 of ∇²f equals the top of ZᵀZ/k (dense Jacobi, ≤ 1e-10 relative)', () => {
    const { problem, objective } = setup({ features: 40, samples: 60 });
    const { apply, size } = diagonalHessianOperator(problem, objective, new Float64Array(40).fill(0.1), 1);
    const gram = zeros(40, 40);
    for (let j = 0; j < problem.k; j++) for (let r = 0; r < 40; r++) for (let c = 0; c < 40; c++) gram.data[r * 40 + c] += (problem.rows[j * 40 + r] * problem.rows[j * 40 + c]) / problem.k;
    const exact = symmetricEigen(gram).values;
    lanczosTop(apply, size, 4, createRng(2)).values.forEach((v, i) => expect(Math.abs(v / exact[i] - 1)).toBeLessThan(1e-10));
  });

  it('L = 2 at the saddle init w₁ = 0, w₂ = λ: H = [[λ²A, diag h], [diag h, 0]] with h = ∇f(0) = −Zᵀy/k', () => {
    const { problem, objective } = setup({ features: 4, samples: 10, support: 2 });
    const n = 4, lambda = 0.3;
    const w = Float64Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : lambda));
    const h = materialise(diagonalHessianOperator(problem, objective, w, 2).apply, 2 * n);
    const grad0 = new Float64Array(n);
    objective.gradient(new Float64Array(n), grad0, null);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        let a = 0;
        for (let j = 0; j < problem.k; j++) a += (problem.rows[j * n + r] * problem.rows[j * n + c]) / problem.k;
        expect(h[r * 2 * n + c]).toBeCloseTo(lambda * lambda * a, 14);
        expect(h[r * 2 * n + n + c]).toBeCloseTo(r === c ? grad0[r] : 0, 14);
        expect(h[(n + r) * 2 * n + n + c]).toBe(0);
      }
    }
  });

  it('a run records hessianTop/i and hessianTrace every hessianEvery records and a final top-k', async () => {
    const p = steepestParams.parse({ features: 10, samples: 30, support: 2, depth: 2, q: 2, learningRate: 0.05, steps: 2000, recordPoints: 20, hessianTopK: 2, hessianTraceProbes: 4, hessianEvery: 5 });
    const ctx = fakeRunContext();
    const summary = await family.run(p, ctx);
    const records = ctx.series('loss').x.length;
    expect(ctx.series('hessianTop/1').x).toHaveLength(Math.ceil(records / 5));
    expect(ctx.series('hessianTrace').x).toHaveLength(Math.ceil(records / 5));
    const [first, second] = summary.finalHessianTop as number[];
    expect(first).toBeGreaterThanOrEqual(second);
    // GD converged: below its stability limit 2/η.
    expect(first).toBeLessThan(2 / 0.05);
    expect(family.theory?.(p).some((s) => s.id === 'stabilityThreshold' && s.y[0] === 40)).toBe(true);
  });
});
