// Small-initialization training on MNIST (paper 004 §3.3, App. B): a bias-free ReLU MLP with
// cross-entropy, Gaussian initial weights of std σ₀, minibatch SGD with the norm-adaptive rate
// lr(t) = c/‖θ(t)‖^k. Records the loss, the top singular values and the rank ratio of every layer,
// and the plateaus of the loss (escapes from saddles). The steps run on the compute backend the
// `device` parameter selects (device-mlp.ts); the weights come back to the CPU only at records.
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { createRng, shuffleInPlace } from '../../numeric/rng';
import { runProgram, type ComputeBackend, type DeviceProgram, type SelectOptions } from '../../compute/index';
import { CLASSES, mnistTrainingSet, type MnistSet, PIXELS } from './mnist-data';
import { DeviceMlp } from './device-mlp';
import { layerSizes, randomWeights, squaredNorm, type Weights } from './network';
import { hiddenWidths, type ReluEscapeParams } from './params';
import { lossPlateaus, plateauDistinctness } from './plateaus';
import { TopSingularValues } from './top-singular';
import { anchorSteps, pairSteps } from '../record-schedule';
import { SeriesLog } from '../series-log';

const FLUSH_RECORDS = 20;

/** Rows b of a batch: the pixels of digit order[start + b] and its one-hot label. */
function fillBatch(set: MnistSet, order: Int32Array, start: number, inputs: Float64Array, targets: Float64Array): void {
  const size = inputs.length / PIXELS;
  targets.fill(0);
  for (let b = 0; b < size; b++) {
    const i = order[start + b];
    inputs.set(set.pixels.subarray(i * PIXELS, (i + 1) * PIXELS), b * PIXELS);
    targets[b * CLASSES + set.labels[i]] = 1;
  }
}

function shuffled(n: number, ctx: RunContext): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(order, ctx.rng);
  return order;
}

/**
 * Training accuracy over the whole set, in chunks of 500 digits, counted on the device. While W_L is
 * rank one (after the first escapes) the logits are u·c(x), so the argmax takes at most two classes
 * and a class-balanced set caps the accuracy at 2/K = 0.2: a true reading, not a counting error.
 */
export function* trainingAccuracy(be: ComputeBackend, mlp: DeviceMlp, set: MnistSet): DeviceProgram<number> {
  const hits = be.tensor(1, 1);
  const order = Int32Array.from({ length: set.count }, (_, i) => i);
  for (let start = 0; start < set.count; start += 500) {
    const size = Math.min(500, set.count - start);
    const [inputs, targets] = [new Float64Array(size * PIXELS), new Float64Array(size * CLASSES)];
    fillBatch(set, order, start, inputs, targets);
    mlp.countCorrect(inputs, targets, size, hits);
    yield [];
  }
  const [correct] = yield [hits];
  return Math.round(correct[0]) / set.count;
}

/**
 * Runs on the backend the `device` parameter selects (reported to the host): synchronously on the
 * CPU, so a CPU run stays a plain call. `options` lets tests substitute the WebGPU provider.
 */
export function runMnist(p: ReluEscapeParams, ctx: RunContext, options: SelectOptions = {}): RunSummary | Promise<RunSummary> {
  ctx.progress(0);
  const set = mnistTrainingSet(p.samples, ctx.rng);
  const sizes = layerSizes(PIXELS, hiddenWidths(p), CLASSES);
  const weights = randomWeights(sizes, ctx.rng, p.initStd);
  return runProgram(p.device, Math.max(...sizes.slice(1)), ctx, (be) => train(be, p, set, weights, ctx), options);
}

/** SGD on the device; the weights are read back into `weights` (float64) at every record. */
function* train(be: ComputeBackend, p: ReluEscapeParams, set: MnistSet, weights: Weights, ctx: RunContext): DeviceProgram<RunSummary> {
  const depth = weights.length;
  const stepsPerEpoch = Math.floor(p.samples / p.batchSize);
  const totalSteps = stepsPerEpoch * p.epochs;
  // Anchors every ⌈total/records⌉ steps store the mean minibatch loss since the previous anchor;
  // each is stored with the next step (the shared schedule), so the weights' metrics keep both
  // branches of a period-2 orbit. The successors store no loss: one minibatch's loss is noise.
  const every = Math.max(1, Math.ceil(totalSteps / p.records));
  const anchors = anchorSteps({ first: every, last: totalSteps, every });
  const isAnchor = new Set(anchors);
  const recordAt = pairSteps(anchors, every, totalSteps);
  let nextRecord = 0;
  // The trackers' random starts come from their own stream: drawn from ctx.rng at the first record,
  // they would shift every later shuffle, so the training would depend on the record schedule.
  const trackerRng = createRng(Math.floor(ctx.rng.uniform() * 2 ** 32));
  const trackers = weights.map(() => new TopSingularValues(p.topSingular, trackerRng));

  // Records go out in chunks of FLUSH_RECORDS, so charts fill in while training runs.
  const log = new SeriesLog(ctx, { records: FLUSH_RECORDS });
  const rankMetric = (l: number): string => `rankRatio/${l + 1}`;
  let lossCount = 0, step = 0;
  let order = shuffled(p.samples, ctx);

  const record = (lossSum: number | null): void => {
    log.next(step);
    if (lossSum !== null) {
      log.put('trainLoss', lossSum / lossCount);
      lossCount = 0;
    }
    log.put('paramNorm', Math.sqrt(squaredNorm(weights)));
    weights.forEach((w, l) => {
      const sv = trackers[l].of(w);
      const frob2 = w.data.reduce((a, v) => a + v * v, 0);
      log.put(rankMetric(l), frob2 > 0 ? Math.max(0, 1 - sv[0] ** 2 / frob2) : 0);
      sv.forEach((s, i) => log.put(`sv/${l + 1}/${i + 1}`, s));
    });
  };

  const mlp = new DeviceMlp(be, weights, p.batchSize);
  const lossSum = be.tensor(1, 1);
  const inputs = new Float64Array(p.batchSize * PIXELS);
  const targets = new Float64Array(p.batchSize * CLASSES);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    for (let b = 0; b < stepsPerEpoch; b++) {
      if (ctx.signal.aborted) return {};
      fillBatch(set, order, b * p.batchSize, inputs, targets);
      mlp.step(inputs, targets, p);
      be.axpy(1, mlp.loss, lossSum);
      lossCount++;
      step++;
      if (step === recordAt[nextRecord]) {
        nextRecord++;
        const anchor = isAnchor.has(step);
        const [sum, ...w] = yield [lossSum, ...mlp.weights];
        if (anchor) {
          if (!Number.isFinite(sum[0])) throw new DivergedError(`non-finite training loss by step ${step}`);
          be.scale(0, lossSum);
        }
        w.forEach((data, l) => weights[l].data.set(data));
        record(anchor ? sum[0] : null);
        log.flushIfDue();
        ctx.progress((0.95 * step) / totalSteps);
      }
      yield [];
    }
    order = shuffled(p.samples, ctx);
  }

  log.flush();
  // Plateaus are read on the anchors, the records that carry the loss.
  const anchorRecords = log.x.flatMap((x, i) => (isAnchor.has(x) ? [i] : []));
  const atAnchors = (column: readonly number[]): number[] => anchorRecords.map((i) => column[i]);
  const stepAxis = atAnchors(log.x), lossSeries = atAnchors(log.get('trainLoss')), rankSeries = weights.map((_, l) => atAnchors(log.get(rankMetric(l))));
  const plateaus = lossPlateaus(lossSeries);
  const escapes = plateaus.flatMap((pl) => (pl.escape === null ? [] : [pl.escape]));
  ctx.emit({ metric: 'plateauEscapes', x: Float64Array.from(escapes, (k) => stepAxis[k]), y: Float64Array.from(escapes, (k) => lossSeries[k]) });
  const trainAccuracy = yield* trainingAccuracy(be, mlp, set);
  ctx.progress(1);

  const first = escapes[0];
  return {
    finalLoss: lossSeries[lossSeries.length - 1],
    trainAccuracy,
    plateauCount: plateaus.length,
    plateauLevels: plateaus.map((pl) => pl.level),
    /** Share of the records on a plateau (plateaus.ts): how distinct the plateaus are, Fig. 4 against Fig. 1. */
    plateauDistinctness: plateauDistinctness(lossSeries),
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
