// The recorded steepest loss goes below 1e-16·f(0): the Gram form ½xᵀAx − bᵀx + ‖y‖²/(2k) cancels
// there, the residual form ‖Zx − y‖²/(2k) does not. Closed form: at x = x* + δ·e₀ the loss is
// δ²·‖Z e₀‖²/(2k) exactly (y = Zx*), so it can be checked far below the Gram form's floor.
import { describe, expect, it } from 'vitest';
import { createRng } from '../../workers/numeric/rng';
import { Objective } from '../../workers/families/steepest/objective';
import { makeProblem } from '../../workers/families/steepest/problem';
import { steepestParams } from '../../workers/families/steepest/params';

describe('steepest regression loss near the minimum', () => {
  it('matches δ²‖Ze₀‖²/(2k) to 1e-5 relative at δ = 1e-8, where the loss is below 1e-16·f(0)', () => {
    // 2k > n: the Gram form is what the gradient uses.
    const p = steepestParams.parse({ task: 'regression', features: 20, samples: 60, support: 3 });
    const problem = makeProblem(p, createRng(5));
    expect(problem.gram).not.toBeNull();
    const objective = new Objective(problem);
    const scratch = new Float64Array(p.features);
    const f0 = objective.loss(new Float64Array(p.features), scratch);
    expect(f0).toBeCloseTo(problem.halfMeanSquare, 12);
    const x = Float64Array.from(problem.groundTruth);
    x[0] += 1e-8;
    // The step as stored (x*₀ + 1e-8 rounds); the dot products' rounding, ~n·ε·|y|, is 1e-7 of Zδ.
    const delta = x[0] - problem.groundTruth[0];
    let column = 0;
    for (let j = 0; j < problem.k; j++) column += problem.rows[j * p.features] ** 2;
    const exact = (delta * delta * column) / (2 * problem.k);
    expect(exact / f0).toBeLessThan(1e-16);
    const loss = objective.loss(x, scratch);
    expect(Math.abs(loss - exact) / exact).toBeLessThan(1e-5);
    // At x* itself only the dot products' rounding is left: ~(n·ε·|y|)², far below the Gram floor.
    expect(objective.loss(Float64Array.from(problem.groundTruth), scratch)).toBeLessThan(1e-28 * f0);
  });

  it('the Gram form the gradient step uses is never negative at an interpolating x (rounding cancels to ±1e-16·f(0))', () => {
    // A negative loss from the cancellation read as log f = NaN and stopped a converged run as diverged.
    const p = steepestParams.parse({ task: 'regression', features: 30, samples: 20, support: 3 });
    const grad = new Float64Array(p.features);
    const losses = Array.from({ length: 40 }, (_, seed) => {
      const problem = makeProblem(p, createRng(seed));
      return new Objective(problem).gradient(Float64Array.from(problem.groundTruth), grad, null);
    });
    expect(Math.min(...losses)).toBeGreaterThanOrEqual(0);
  });
});
