// The data X (d_in × N), the loss gradient at the origin G = ∇C(0) (d_out × N) and the cost C
// whose gradient flow the "actual loss" integrates (paper 004 §2 and App. A.1).
import { type Matrix, zeros } from '../../numeric/matrix';

export interface Cost {
  /** C(Y) − C(0). */
  value(y: Matrix): number;
  /** ∂C/∂Y at Y. */
  gradient(y: Matrix): Matrix;
}

export interface Problem {
  x: Matrix;
  g: Matrix;
  cost: Cost;
  /** ‖X − uvᵀ‖_F of near-rank-one data (Prop. 3.3's ε); absent for other data. */
  noise?: number;
}

/**
 * N points on the unit circle, x_j = (sin(2πj/N), cos(2πj/N)), j = 1…N (paper 004, Example 1).
 * Coordinates that are zero in exact arithmetic (sin π = 1.2e−16 in floating point) are set to 0:
 * the optima put those points exactly on a ReLU kink, and rounding would pick a side at random.
 */
export function circleInputs(points: number): Matrix {
  const x = zeros(2, points);
  const exact = (v: number): number => (Math.abs(v) < 1e-14 ? 0 : v);
  for (let j = 1; j <= points; j++) {
    x.data[j - 1] = exact(Math.sin((2 * Math.PI * j) / points));
    x.data[points + j - 1] = exact(Math.cos((2 * Math.PI * j) / points));
  }
  return x;
}

/** G_j = (−1)^j, j = 1…N (Example 1). */
export function alternatingGradient(points: number): Matrix {
  const g = zeros(1, points);
  for (let j = 1; j <= points; j++) g.data[j - 1] = j % 2 === 0 ? 1 : -1;
  return g;
}

/** Rows of `points` (N × d) as the columns of a d × N matrix. */
export function columnsOf(points: readonly (readonly number[])[]): Matrix {
  const n = points.length, d = points[0].length;
  const m = zeros(d, n);
  points.forEach((p, j) => p.forEach((v, i) => (m.data[i * n + j] = v)));
  return m;
}

/** Squared loss with targets −G, C(Y) = ½‖Y + G‖² − ½‖G‖²: the cost whose gradient at 0 is a given G. */
export function quadraticCost(g: Matrix): Cost {
  return {
    value(y) {
      let s = 0;
      for (let i = 0; i < y.data.length; i++) s += y.data[i] * g.data[i] + 0.5 * y.data[i] ** 2;
      return s;
    },
    gradient(y) {
      return { rows: y.rows, cols: y.cols, data: y.data.map((v, i) => v + g.data[i]) };
    },
  };
}

/** C(Y) = (1/N)‖Y − Y*‖² (App. A.1), so G = −(2/N) Y*. */
export function meanSquaredCost(targets: Matrix): Cost {
  const n = targets.cols;
  return {
    value(y) {
      let s = 0;
      for (let i = 0; i < y.data.length; i++) s += (y.data[i] - targets.data[i]) ** 2 - targets.data[i] ** 2;
      return s / n;
    },
    gradient(y) {
      return { rows: y.rows, cols: y.cols, data: y.data.map((v, i) => (2 * (v - targets.data[i])) / n) };
    },
  };
}

/** Mean cross-entropy of softmax over the d_out outputs of each column; labels are class indices. */
export function crossEntropyCost(labels: readonly number[], classes: number): Cost {
  const n = labels.length;
  const logSumExp = (y: Matrix, j: number): number => {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, y.data[k * n + j]);
    let s = 0;
    for (let k = 0; k < classes; k++) s += Math.exp(y.data[k * n + j] - max);
    return max + Math.log(s);
  };
  return {
    value(y) {
      let s = 0;
      for (let j = 0; j < n; j++) s += logSumExp(y, j) - y.data[labels[j] * n + j] - Math.log(classes);
      return s / n;
    },
    gradient(y) {
      const d = zeros(classes, n);
      for (let j = 0; j < n; j++) {
        const lse = logSumExp(y, j);
        for (let k = 0; k < classes; k++) d.data[k * n + j] = Math.exp(y.data[k * n + j] - lse) / n;
        d.data[labels[j] * n + j] -= 1 / n;
      }
      return d;
    },
  };
}

export function withGradient(x: Matrix, cost: Cost, outputDim: number): Problem {
  return { x, cost, g: cost.gradient(zeros(outputDim, x.cols)) };
}
