// Scalar measures of a state x recorded by a run: the normalized L∞ margin (App. F), the distance
// to the ground truth and the L₁ norm.
import type { Problem } from './problem';

/** Normalized L∞ margin min_j yⱼ⟨zⱼ, x⟩/‖x‖∞ (labels folded into the rows); NaN at x = 0. */
export function linfMargin(problem: Problem, x: Float64Array): number {
  const { rows, n, k } = problem;
  let max = 0;
  for (let c = 0; c < n; c++) max = Math.max(max, Math.abs(x[c]));
  let min = Infinity;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += rows[j * n + c] * x[c];
    min = Math.min(min, s);
  }
  return max > 0 ? min / max : NaN;
}

/**
 * Distance to the ground truth: ‖x − x*‖ for regression; for classification, where only the
 * direction is identified, the distance between x and x* each divided by its L∞ norm (as Fig. 6 shows x).
 */
export function groundTruthDistance(problem: Problem, x: Float64Array, norm: 1 | 2): number {
  const gt = problem.groundTruth;
  let sx = 1, sg = 1;
  if (problem.task === 'classification') {
    sx = 0;
    sg = 0;
    for (let c = 0; c < x.length; c++) {
      sx = Math.max(sx, Math.abs(x[c]));
      sg = Math.max(sg, Math.abs(gt[c]));
    }
    sx = sx > 0 ? 1 / sx : 0;
    sg = 1 / sg;
  }
  let sum = 0;
  for (let c = 0; c < x.length; c++) {
    const d = Math.abs(x[c] * sx - gt[c] * sg);
    sum += norm === 1 ? d : d * d;
  }
  return norm === 1 ? sum : Math.sqrt(sum);
}

export function l1(x: Float64Array): number {
  let s = 0;
  for (let c = 0; c < x.length; c++) s += Math.abs(x[c]);
  return s;
}
