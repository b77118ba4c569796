// Balance residuals of Lemma 4.5: B_{j,c} = |w_{1,c}|^q − |w_{j,c}|^q for layers j = 2…L, which
// steepest flow with decoupled weight decay α carries as B(t) = B(0)·exp(−q∫α).

/** B_{j,c} for j = 2…L, pair-major ((L−1) × n); empty for depth 1. */
export function balanceResiduals(w: Float64Array, n: number, depth: number, q: number): Float64Array {
  const out = new Float64Array((depth - 1) * n);
  for (let j = 1; j < depth; j++) {
    for (let c = 0; c < n; c++) out[(j - 1) * n + c] = Math.abs(w[c]) ** q - Math.abs(w[j * n + c]) ** q;
  }
  return out;
}

/** The predicted factor exp(−q·η·α₂·t) after t steps of decoupled decay α₂ at step size η. */
export function balanceDecayFactor(q: number, learningRate: number, decoupledDecay: number, step: number): number {
  return Math.exp(-q * learningRate * decoupledDecay * step);
}

/** Per pair: the mean residual over features, and the projection Σ B(t)B(0)/Σ B(0)² (NaN if B(0) = 0). */
export function balanceSummaries(now: Float64Array, initial: Float64Array, n: number): { mean: number[]; ratio: number[] } {
  const pairs = n === 0 ? 0 : now.length / n;
  const mean: number[] = [];
  const ratio: number[] = [];
  for (let j = 0; j < pairs; j++) {
    let sum = 0, dot = 0, norm = 0;
    for (let c = j * n; c < (j + 1) * n; c++) {
      sum += now[c];
      dot += now[c] * initial[c];
      norm += initial[c] * initial[c];
    }
    mean.push(sum / n);
    ratio.push(norm > 0 ? dot / norm : NaN);
  }
  return { mean, ratio };
}

/** Table 4's "balance distance": mean |B(t) − B(0)·factor| over pairs and features (0 for depth 1). */
export function balanceDistance(now: Float64Array, initial: Float64Array, factor: number): number {
  if (now.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < now.length; i++) sum += Math.abs(now[i] - initial[i] * factor);
  return sum / now.length;
}
