// dln-train initialisations beyond the aligned ones and the weight export: negative λ (the exact
// λ-balanced dynamics of papers/README.md hold for either sign), rectangular λ-balanced layers
// (D_l = λI exactly, and which widths admit them), unaligned λ-balanced inits, ε·I, an explicit
// weight file (with errors that name initFile), and checkpoints that round-trip through that file.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { family } from '../../workers/families/dln-train';
import { lambdaModeValues } from '../../workers/families/dln-train/balanced-init';
import { initialLayers } from '../../workers/families/dln-train/network';
import { balanceMatrices } from '../../workers/families/dln-train/observables';
import { dlnTrainParams, layerWidths, type DlnTrainParams } from '../../workers/families/dln-train/params';
import { buildTask } from '../../workers/families/dln-train/task';
import { parseWeightFile } from '../../workers/families/dln-train/weight-file';
import { fromRows, identity, type Matrix, matmul, scaleInPlace, subInPlace, frobenius } from '../../workers/numeric/matrix';
import { exactTwoLayerProducts } from '../../workers/families/dln-train/exact-two-layer';
import { lambdaBalancedMode, logisticMode, theoryKind } from '../../workers/families/dln-train/theory';
import { createRng } from '../../workers/numeric/rng';
import { fakeRunContext, type RecordingContext } from './fake-run-context';
import type { RunSummary } from '../../workers/family';

const parse = (p: Record<string, unknown>): DlnTrainParams => dlnTrainParams.parse(p);

async function train(p: Record<string, unknown>): Promise<{ summary: RunSummary; ctx: RecordingContext }> {
  const ctx = fakeRunContext();
  const summary = await family.run(parse(p), ctx);
  return { summary, ctx };
}

function layersOf(p: Record<string, unknown>, seed = 1): Matrix[] {
  const parsed = parse(p);
  const rng = createRng(seed);
  return initialLayers(parsed, buildTask(parsed, rng), rng);
}

/** max_l ‖D_l − λI‖_F of the layers. */
function balanceError(layers: Matrix[], lambda: number): number {
  return Math.max(...balanceMatrices(layers).map((d) => frobenius(subInPlace(d, scaleInPlace(identity(d.rows), lambda)))));
}

function issues(p: Record<string, unknown>): { path: string; message: string }[] {
  const result = dlnTrainParams.safeParse(p);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('λ-balanced inits of either sign and any admissible widths', () => {
  it.each([
    ['L = 2, λ = −0.5', { depth: 2, lambda: -0.5 }],
    ['L = 3, λ = −0.3', { depth: 3, lambda: -0.3, initScale: 0.3, targetSingularValues: [2, 1], horizon: 10 }],
  ])('%s follows the exact λ-balanced dynamics (depends on λ², README) and keeps D = λI', async (_name, p) => {
    const { summary, ctx } = await train({ init: 'lambda-balanced', singularVectors: 'random', ...p });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-6);
    expect(Math.max(...ctx.series('balance/1').y)).toBeLessThan(1e-9);
  });

  it('λ < 0 puts the larger values in the first layers: a_l² = y + (L − l)|λ|', () => {
    const [first, , last] = lambdaModeValues([3, 3, 3, 3], -0.4, () => 0.2)[0];
    expect(first ** 2 - last ** 2).toBeCloseTo(0.8, 12);
  });

  it.each([
    [[2, 4, 5], 0.5],
    [[5, 4, 2], -0.5],
    [[3, 2, 4, 6], 0.25],
    [[2, 3, 3, 2], 0],
  ])('widths %j, λ = %f: every hidden layer has W_{l+1}ᵀW_{l+1} − W_lW_lᵀ = λI to rounding', (widths, lambda) => {
    const layers = layersOf({ init: 'lambda-balanced', widths, depth: widths.length - 1, lambda, targetSingularValues: [1.5, 0.5], singularVectors: 'random' });
    expect(balanceError(layers, lambda)).toBeLessThan(1e-13);
  });

  it.each([
    [[2, 4, 2], 0.5, 'hidden layer 1'],
    [[5, 4, 2], 0.5, 'hidden layer 1'],
    [[2, 4, 5], -0.5, 'hidden layer 1'],
  ])('widths %j with λ = %f have no λ-balanced layers: rejected at init, naming %s', (widths, lambda, where) => {
    const found = issues({ init: 'lambda-balanced', widths, depth: 2, lambda, targetSingularValues: [1] });
    expect(found.map((i) => i.path)).toContain('init');
    expect(found.find((i) => i.path === 'init')?.message).toContain(where);
  });

  it('a rectangular λ-balanced target run follows the two-layer closed form', async () => {
    const { summary, ctx } = await train({ init: 'lambda-balanced', widths: [2, 3, 4], lambda: 0.8, targetSingularValues: [2, 0.5], singularVectors: 'random', horizon: 8 });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-6);
    expect(Math.max(...ctx.series('balance/1').y)).toBeLessThan(1e-9);
  });

  it('unaligned (initAlignment "random") λ-balanced layers are λ-balanced, carry no mode theory, conserve D under the flow and reach T', async () => {
    const p = { init: 'lambda-balanced', lambda: 0.5, dim: 3, targetSingularValues: [2, 1, 0.5], initAlignment: 'random', horizon: 20 };
    expect(balanceError(layersOf(p), 0.5)).toBeLessThan(1e-13);
    expect(theoryKind(parse(p))).toBeNull();
    const { summary } = await train(p);
    expect(summary.maxBalanceDrift as number).toBeLessThan(1e-8);
    expect(summary.finalLoss as number).toBeLessThan(1e-12);
    expect(Math.abs((summary.finalAlignment as number[])[0])).toBeGreaterThan(1 - 1e-6);
  });
});

describe('the exact two-layer λ-balanced matrix solution (Dominé et al., papers/README.md)', () => {
  it('reduces to the aligned mode law: W₂W₁(t) = diag(a_α(t)) with ȧ = √(λ² + 4a²)(s − a)', () => {
    const p = parse({ init: 'lambda-balanced', lambda: 0.7, targetSingularValues: [3, 1], initScale: 0.2 });
    const rng = createRng(1);
    const task = buildTask(p, rng);
    const [w1, w2] = initialLayers(p, task, rng);
    const times = [0, 0.4, 1.5, 4];
    exactTwoLayerProducts(task.reference, w1, w2, 0.7, times).forEach((w, i) => {
      const expected = [lambdaBalancedMode(3, 0.04, 0.7, times[i]), 0, 0, lambdaBalancedMode(1, 0.04, 0.7, times[i])];
      w.data.forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-12 * 3));
    });
  });

  it.each([
    ['λ = 0.5, square', { lambda: 0.5, dim: 3, targetSingularValues: [2, 1, 0.5] }],
    ['λ = −0.5, square', { lambda: -0.5, dim: 3, targetSingularValues: [2, 1, 0.5] }],
    ['λ = 0.8, widths 2, 3, 4', { lambda: 0.8, widths: [2, 3, 4], targetSingularValues: [2, 0.5] }],
    // e^{2Ft} reaches e^{290} here: the closed form is applied in steps of μ_max·Δt ≤ 2.
    ['λ = 4, t ≤ 40', { lambda: 4, dim: 3, targetSingularValues: [3, 1.5, 0.5], horizon: 40 }],
  ])('unaligned networks follow it: the run’s σ_α(t) against the exact solution (%s, ≤ 1e-7)', async (_name, p) => {
    const { summary } = await train({ init: 'lambda-balanced', initAlignment: 'random', singularVectors: 'random', initScale: 0.3, horizon: 6, ...p });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-7);
  });
});

describe('ε·I and explicit weight files', () => {
  it('ε·I on a diagonal square target is the aligned balanced init and follows the mode flow', async () => {
    const p = { depth: 3, targetSingularValues: [2, 1], initScale: 0.4 };
    const id = layersOf({ ...p, init: 'identity' }), aligned = layersOf({ ...p, init: 'aligned' });
    id.forEach((w, l) => expect(Array.from(w.data)).toEqual(Array.from(aligned[l].data)));
    const { summary } = await train({ ...p, init: 'identity', horizon: 10 });
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-3);
  });

  it('ε·I is the rectangular identity on non-square layers', () => {
    const [w1, w2] = layersOf({ init: 'identity', widths: [2, 3, 2], initScale: 0.5, targetSingularValues: [1] });
    expect(Array.from(w1.data)).toEqual([0.5, 0, 0, 0.5, 0, 0]);
    expect(Array.from(matmul(w2, w1).data)).toEqual([0.25, 0, 0, 0.25]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'dln-init-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([
    ['missing file', () => join(dir, 'absent.json'), /initFile: cannot read .*absent\.json \(ENOENT\)/],
    ['not JSON', () => write('bad.json', '{layers'), /initFile: .*bad\.json: not JSON/],
    ['wrong schema', () => write('schema.json', '{"layers": [[[1, "a"]]]}'), /initFile: .*: layers\.0\.0\.1: /],
    ['wrong depth', () => write('depth.json', '{"layers": [[[1, 0], [0, 1]]]}'), /initFile: .*has 1 layers, the network has depth 2/],
    ['wrong shape', () => write('shape.json', '{"layers": [[[1, 0]], [[1], [0]]]}'), /initFile: .*layers\.0 \(W_1\) is 1×2, the widths need 2×2/],
  ])('a bad weight file (%s) fails the run with a message naming initFile', async (_name, path, message) => {
    await expect(train({ init: 'file', initFile: path() })).rejects.toThrow(message);
  });

  it('init "file" without initFile is rejected at initFile', () => {
    expect(issues({ init: 'file' }).map((i) => i.path)).toContain('initFile');
  });

  it('a flow checkpoint between records is read from the dense output: W₂W₁ at t = 1.234 is the logistic diag(a₁, a₂)', async () => {
    const { summary, ctx } = await train({ checkpoints: [1.234] });
    expect(summary.checkpointTimes).toEqual([1.234]);
    const [w1, w2] = [1, 2].map((l) => ctx.series(`checkpoint/0/${l}`).y);
    const weff = matmul(fromRows([w2.slice(0, 2), w2.slice(2)]), fromRows([w1.slice(0, 2), w1.slice(2)]));
    const expected = [logisticMode(3, 0.01, 1.234), 0, 0, logisticMode(1, 0.01, 1.234)];
    weff.data.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-8));
  });

  it('checkpoints export the layers; the one at t = 2 loaded as a weight file continues the run to the same end state', async () => {
    const base = { depth: 3, dim: 3, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', init: 'small-random', initScale: 0.3, optimizer: 'gd', learningRate: 0.01 };
    const { summary, ctx } = await train({ ...base, horizon: 5, checkpoints: [0, 2] });
    expect(summary.checkpointTimes).toEqual([0, 2]);
    const widths = layerWidths(parse(base));
    const exported = (k: number) => ({ layers: widths.slice(1).map((rows, l) => {
      const y = ctx.series(`checkpoint/${k}/${l + 1}`).y;
      const cols = widths[l];
      return Array.from({ length: rows }, (_, i) => y.slice(i * cols, (i + 1) * cols));
    }) });
    // Checkpoint 0 is the seeded init itself.
    expect(parseWeightFile(JSON.stringify(exported(0)), widths, 'k0').map((w) => Array.from(w.data))).toEqual(layersOf(base, 0).map((w) => Array.from(w.data)));
    const path = write('checkpoint.json', JSON.stringify(exported(1)));
    const resumed = await train({ ...base, init: 'file', initFile: path, horizon: 3 });
    expect(resumed.summary.finalLoss).toBe(summary.finalLoss);
    expect(resumed.summary.finalSigmas).toEqual(summary.finalSigmas);
  });

  it("with a run's artifacts folder, each checkpoint is also a weight file there, equal to its series to the bit", async () => {
    const base = { depth: 3, dim: 3, targetSingularValues: [2, 1, 0.5], singularVectors: 'random', init: 'small-random', initScale: 0.3, optimizer: 'gd', learningRate: 0.01, horizon: 5, checkpoints: [0, 2] };
    const artifactsDir = join(mkdtempSync(join(tmpdir(), 'saddle-artifacts-')), 'run-1');
    const ctx = { ...fakeRunContext(), artifactsDir };
    await family.run(parse(base), ctx);
    const widths = layerWidths(parse(base));
    expect(readdirSync(artifactsDir).sort()).toEqual(['checkpoint-0.json', 'checkpoint-1.json']);
    for (const k of [0, 1]) {
      const layers = parseWeightFile(readFileSync(join(artifactsDir, `checkpoint-${k}.json`), 'utf8'), widths, `checkpoint-${k}`);
      layers.forEach((w, l) => expect(Array.from(w.data)).toEqual(ctx.series(`checkpoint/${k}/${l + 1}`).y));
    }
  });
});
