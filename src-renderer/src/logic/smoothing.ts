// Display smoothing of a curve, applied to the points on screen (the stored data are untouched).
// Windows count points, so they act the same on linear and log-x (log-spaced) samples.

export type Smoothing =
  | { kind: 'none' }
  /** TensorBoard-style exponential moving average, debiased so the start is not pulled to 0. */
  | { kind: 'ema'; weight: number }
  /** Centred moving average over `window` points (odd), truncated at the ends. */
  | { kind: 'moving'; window: number }
  /** Gaussian kernel with standard deviation `sigma` points, cut at 3σ, renormalised at the ends. */
  | { kind: 'gaussian'; sigma: number };

/** Non-finite inputs stay non-finite in the output and do not enter any average. */
export function smooth(y: readonly number[], smoothing: Smoothing): number[] {
  switch (smoothing.kind) {
    case 'none':
      return [...y];
    case 'ema':
      return ema(y, smoothing.weight);
    case 'moving': {
      const half = Math.max(0, Math.floor(smoothing.window / 2));
      return convolve(y, Array.from({ length: 2 * half + 1 }, () => 1));
    }
    case 'gaussian': {
      const sigma = Math.max(smoothing.sigma, 1e-9);
      const half = Math.ceil(3 * sigma);
      return convolve(y, Array.from({ length: 2 * half + 1 }, (_, j) => Math.exp(-((j - half) ** 2) / (2 * sigma * sigma))));
    }
  }
}

function ema(y: readonly number[], weight: number): number[] {
  const beta = Math.min(Math.max(weight, 0), 0.999999);
  let average = 0;
  let steps = 0;
  return y.map((value) => {
    if (!Number.isFinite(value)) return value;
    average = beta * average + (1 - beta) * value;
    steps++;
    return average / (1 - beta ** steps);
  });
}

/** Weighted centred average with a symmetric kernel; weights renormalised over the finite neighbours. */
function convolve(y: readonly number[], kernel: readonly number[]): number[] {
  const half = (kernel.length - 1) / 2;
  return y.map((value, i) => {
    if (!Number.isFinite(value)) return value;
    let sum = 0;
    let weights = 0;
    for (let j = -half; j <= half; j++) {
      const neighbour = y[i + j];
      if (neighbour === undefined || !Number.isFinite(neighbour)) continue;
      sum += kernel[j + half] * neighbour;
      weights += kernel[j + half];
    }
    return sum / weights;
  });
}
