// Small-initialization training on MNIST (paper 004 §3.3, App. B): a bias-free ReLU MLP with
// cross-entropy, Gaussian initial weights of std σ₀, minibatch SGD with the norm-adaptive rate
// lr(t) = c/‖θ(t)‖^k. Records the loss, the top singular values and the rank ratio of every layer,
// and the plateaus of the loss (escapes from saddles).
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { type Matrix, zeros } from '../../numeric/matrix';
import { crossEntropyCost } from './datasets';
import { CLASSES, mnistTrainingSet, type MnistSet, PIXELS } from './mnist-data';
import { backward, forward, layerSizes, randomWeights, squaredNorm, type Weights } from './network';
import { hiddenWidths, type ReluEscapeParams } from './params';
import { detectPlateaus, movingAverage } from './plateaus';
import { TopSingularValues } from './top-singular';

/**
 * Plateau detection on the loss smoothed over 5 records: flat within ±2% for 5% of the records, an
 * escape once 8% below the level. After the first escape the compressed runs decline slowly and
 * noisily; tighter settings would cut that decline into spurious plateaus.
 */
const PLATEAU_FLAT = 0.02;
const PLATEAU_DROP = 0.08;
const PLATEAU_MIN_SHARE = 0.05;
const SMOOTHING_HALF_WIDTH = 2;
const FLUSH_RECORDS = 20;

function batchOf(set: MnistSet, order: Int32Array, start: number, size: number): { x: Matrix; labels: number[] } {
  const x = zeros(PIXELS, size);
  const labels: number[] = [];
  for (let b = 0; b < size; b++) {
    const i = order[start + b];
    labels.push(set.labels[i]);
    for (let p = 0; p < PIXELS; p++) x.data[p * size + b] = set.pixels[i * PIXELS + p];
  }
  return { x, labels };
}

function shuffled(n: number, ctx: RunContext): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(ctx.rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Training accuracy over the whole set, in chunks of 500 digits. */
function accuracy(weights: Weights, set: MnistSet): number {
  let correct = 0;
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  for (let start = 0; start < set.count; start += 500) {
    const size = Math.min(500, set.count - start);
    const { x, labels } = batchOf(set, order, start, size);
    const pass = forward(weights, x);
    const y = pass.pre[pass.pre.length - 1];
    labels.forEach((label, b) => {
      let best = 0;
      for (let c = 1; c < CLASSES; c++) if (y.data[c * size + b] > y.data[best * size + b]) best = c;
      if (best === label) correct++;
    });
  }
  return correct / set.count;
}

export function runMnist(p: ReluEscapeParams, ctx: RunContext): RunSummary {
  ctx.progress(0);
  const set = mnistTrainingSet(p.samples, ctx.rng);
  const sizes = layerSizes(PIXELS, hiddenWidths(p), CLASSES);
  const weights = randomWeights(sizes, ctx.rng, p.initStd);
  const depth = weights.length;
  const stepsPerEpoch = Math.floor(p.samples / p.batchSize);
  const totalSteps = stepsPerEpoch * p.epochs;
  const every = Math.max(1, Math.ceil(totalSteps / p.records));
  const trackers = weights.map(() => new TopSingularValues(p.topSingular, ctx.rng));

  const stepAxis: number[] = [];
  const lossSeries: number[] = [];
  const normSeries: number[] = [];
  const rankSeries: number[][] = weights.map(() => []);
  const svSeries: number[][][] = weights.map(() => Array.from({ length: p.topSingular }, () => []));
  let lossSum = 0, lossCount = 0, step = 0;
  let order = shuffled(p.samples, ctx);

  // Records not yet emitted go out in chunks of FLUSH_RECORDS, so charts fill in while training runs.
  let emitted = 0;
  const flush = (): void => {
    const end = stepAxis.length;
    if (end === emitted) return;
    // Each chunk owns its arrays: the host transfers (detaches) them.
    const piece = (values: number[]): Float64Array => Float64Array.from(values.slice(emitted, end));
    ctx.emit({ metric: 'trainLoss', x: piece(stepAxis), y: piece(lossSeries) });
    ctx.emit({ metric: 'paramNorm', x: piece(stepAxis), y: piece(normSeries) });
    rankSeries.forEach((r, l) => ctx.emit({ metric: `rankRatio/${l + 1}`, x: piece(stepAxis), y: piece(r) }));
    svSeries.forEach((layer, l) => layer.forEach((v, i) => ctx.emit({ metric: `sv/${l + 1}/${i + 1}`, x: piece(stepAxis), y: piece(v) })));
    emitted = end;
  };

  const record = (): void => {
    stepAxis.push(step);
    lossSeries.push(lossSum / lossCount);
    normSeries.push(Math.sqrt(squaredNorm(weights)));
    weights.forEach((w, l) => {
      const sv = trackers[l].of(w);
      const frob2 = w.data.reduce((a, v) => a + v * v, 0);
      rankSeries[l].push(frob2 > 0 ? Math.max(0, 1 - sv[0] ** 2 / frob2) : 0);
      sv.forEach((s, i) => svSeries[l][i].push(s));
    });
    lossSum = 0;
    lossCount = 0;
  };

  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let b = 0; b < stepsPerEpoch; b++) {
      if (ctx.signal.aborted) return {};
      const { x, labels } = batchOf(set, order, b * p.batchSize, p.batchSize);
      const cost = crossEntropyCost(labels, CLASSES);
      const pass = forward(weights, x);
      const y = pass.pre[pass.pre.length - 1];
      const loss = cost.value(y) + Math.log(CLASSES);
      if (!Number.isFinite(loss)) throw new DivergedError(`non-finite training loss at step ${step}`);
      const grads = backward(weights, pass, cost.gradient(y));
      const norm = Math.sqrt(squaredNorm(weights));
      // The cap binds only where a step of c/‖θ‖^k would move θ by more than ρ‖θ‖ (at an escape).
      const lr = Math.min(p.lrConstant / norm ** p.lrPower, (p.maxRelativeStep * norm) / Math.sqrt(squaredNorm(grads)));
      weights.forEach((w, l) => {
        const d = grads[l].data;
        for (let i = 0; i < w.data.length; i++) w.data[i] -= lr * d[i];
      });
      lossSum += loss;
      lossCount++;
      step++;
      if (step % every === 0 || step === totalSteps) {
        record();
        if (stepAxis.length - emitted >= FLUSH_RECORDS) flush();
        ctx.progress((0.95 * step) / totalSteps);
      }
    }
    order = shuffled(p.samples, ctx);
  }

  flush();
  const plateaus = detectPlateaus(movingAverage(lossSeries, SMOOTHING_HALF_WIDTH), PLATEAU_FLAT, PLATEAU_DROP, Math.max(3, Math.round(PLATEAU_MIN_SHARE * lossSeries.length)));
  const escapes = plateaus.flatMap((pl) => (pl.escape === null ? [] : [pl.escape]));
  ctx.emit({ metric: 'plateauEscapes', x: Float64Array.from(escapes, (k) => stepAxis[k]), y: Float64Array.from(escapes, (k) => lossSeries[k]) });
  ctx.progress(1);

  const first = escapes[0];
  return {
    finalLoss: lossSeries[lossSeries.length - 1],
    trainAccuracy: accuracy(weights, set),
    plateauCount: plateaus.length,
    plateauLevels: plateaus.map((pl) => pl.level),
    escapeSteps: escapes.map((k) => stepAxis[k]),
    firstEscapeStep: first === undefined ? null : stepAxis[first],
    rankRatiosAfterFirstEscape: first === undefined ? null : rankSeries.map((r) => r[first]),
    finalRankRatios: rankSeries.map((r) => r[r.length - 1]),
    depth,
    steps: totalSteps,
    dataMean: set.mean,
    dataStd: set.std,
  };
}
