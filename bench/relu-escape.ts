// relu-escape: projected-descent restarts per second on Example 1 (circle, depth 3) at widths 4, 16
// and 64, against bare L₀ + ∇L₀ evaluations at the same size (the projection's overhead); and MNIST
// training steps per second at the example's size (depth 6, width 64, batch 32) with the records
// (top-10 singular values of every layer), against the same steps without records. Same run.
import { family } from '../workers/families/relu-escape';
import { alternatingGradient, circleInputs } from '../workers/families/relu-escape/datasets';
import { layerSizes, localizedLossAndGradient } from '../workers/families/relu-escape/network';
import { projectedDescent, randomStart } from '../workers/families/relu-escape/sphere-descent';
import { createRng } from '../workers/numeric/rng';
import type { BenchFigure } from './figures';
import { quietContext } from './run-context';

const STEPS = 2000;

function seconds(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

async function mnistSeconds(records: number, epochs: number): Promise<number> {
  const params = family.params.parse({ experiment: 'mnist', depth: 6, hiddenWidth: 64, samples: 1000, epochs, records });
  const ctx = quietContext();
  const t0 = performance.now();
  await family.run(params, ctx);
  return (performance.now() - t0) / 1000;
}

export async function benchReluEscape(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const x = circleInputs(8);
  const g = alternatingGradient(8);
  const rng = createRng(1);
  for (const width of [4, 16, 64]) {
    const sizes = layerSizes(2, [width, width], 1);
    const restarts = width === 64 ? 3 : 10;
    const descent = seconds(() => {
      for (let r = 0; r < restarts; r++) projectedDescent(randomStart(sizes, rng), x, g, { steps: STEPS, stepSize: 0.1, stepDecay: 50, record: 200 });
    });
    const theta = randomStart(sizes, rng);
    const bare = seconds(() => {
      for (let k = 0; k < restarts * STEPS; k++) localizedLossAndGradient(theta, x, g);
    });
    figures.push({
      name: `circle restarts/s, width ${width} (${STEPS} steps each)`,
      value: restarts / descent,
      unit: '1/s',
      baseline: 'bare L₀ + ∇L₀ evaluations',
      ratio: bare / descent,
    });
  }
  await mnistSeconds(20, 1); // loads and caches the digits so neither timing below includes it
  const epochs = 10;
  const steps = epochs * Math.floor(1000 / 32);
  const withRecords = await mnistSeconds(200, epochs);
  const fewRecords = await mnistSeconds(20, epochs);
  figures.push({ name: 'MNIST steps/s, depth 6, width 64, batch 32, 200 records', value: steps / withRecords, unit: '1/s', baseline: '20 records', ratio: fewRecords / withRecords });
  return figures;
}
