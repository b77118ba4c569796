// Issue 18 item 8: examples/relu-escape-mnist.json printed no checks. The family's MNIST analysis
// checks, per run of depth ≥ 6, what the runs show (docs/relu-escape.md): the escape from the log 10
// plateau, two plateaus, one dominant singular value per layer after the first escape and a rank-one
// last layer, and for runs long enough for it (c × steps ≥ 2·10⁹) the late rank-two escape. Synthetic
// summaries copy the CLI runs of both variants (seed 0); relu-escape-claims-quick.test.ts runs the
// quick variant in-process and judges claim 004-8 from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysisResult } from '../../src-main/contract/family-meta';
import { exampleFile, exampleSpec } from '../../src-main/contract/spec';
import type { AnalysisRunInput } from '../../workers/family';
import { family } from '../../workers/families/relu-escape';
import { examplesDir } from '../helpers/paths';

const example = exampleFile.parse(JSON.parse(readFileSync(join(examplesDir, 'relu-escape-mnist.json'), 'utf8')));
const mnist = () => family.analyses?.find((a) => a.id === 'mnist-escapes');

/** The full variant's CLI run (c = 1e5, 800 epochs = 24 800 steps). */
const FULL = {
  finalLoss: 1.4306,
  trainAccuracy: 0.2,
  plateauLevels: [2.3012, 1.9637, 1.8297, 1.5337, 1.9742, 1.3518, 1.4151],
  escapeSteps: [99, 648, 21807, 22068, 22131, 22581],
  firstEscapeStep: 99,
  rankRatiosAfterFirstEscape: [0.0514, 0.0051, 0.0049, 0.0049, 0.0051, 0.0006],
  finalRankRatios: [0.665, 0.404, 0.2702, 0.2292, 0.0906, 0.0041],
  depth: 6,
  steps: 24_800,
};
/** The quick variant's CLI run (c = 1e4, 60 epochs = 1 860 steps): it ends on the ≈ 1.89 plateau. */
const QUICK = {
  finalLoss: 1.84,
  trainAccuracy: 0.201,
  plateauLevels: [2.3026, 1.9984, 1.8934],
  escapeSteps: [170, 460],
  firstEscapeStep: 170,
  rankRatiosAfterFirstEscape: [0.0518, 0.005, 0.0048, 0.0048, 0.0049, 0.0006],
  finalRankRatios: [0.5474, 0.1222, 0.0014, 0.0043, 0.0044, 0.00001],
  depth: 6,
  steps: 1860,
};

const input = (variant: 'full' | 'quick', summary: Record<string, unknown>): AnalysisRunInput => ({
  runId: variant === 'full' ? 1 : 2,
  params: exampleSpec(example, variant)?.params ?? {},
  seed: 0,
  status: 'done',
  summary: summary as AnalysisRunInput['summary'],
});
const checksOf = (runs: AnalysisRunInput[]) => analysisResult.parse(mnist()?.run(runs)).checks;
const failing = (runs: AnalysisRunInput[]) => checksOf(runs).filter((c) => !c.pass).map((c) => c.name);

describe('relu-escape MNIST analysis', () => {
  it('passes the runs of both variants; only the full one is checked for the late rank-two escape', () => {
    expect(mnist()?.applies([input('quick', QUICK)])).toBe(true);
    const quick = checksOf([input('quick', QUICK)]);
    const full = checksOf([input('full', FULL)]);
    expect(quick.length).toBe(7);
    expect(full.length).toBe(9);
    expect(quick.filter((c) => c.claim === '004-8').length).toBe(6);
    for (const c of [...quick, ...full]) expect(c.pass, c.name).toBe(true);
    expect(full.find((c) => c.name.includes('second singular value'))?.value).toBeCloseTo(0.0906, 4);
  });

  it('fails runs that do not show it', () => {
    // No escape: still at log 10.
    expect(failing([input('quick', { ...QUICK, firstEscapeStep: null, escapeSteps: [], finalLoss: 2.302 })])).toHaveLength(2);
    // The last layer gained a direction.
    expect(failing([input('quick', { ...QUICK, finalRankRatios: [...QUICK.finalRankRatios.slice(0, 5), 0.1] })])[0]).toContain('stays rank one');
    // A full run that stopped on the 1.83 plateau, rank one in layers 3–5 (as after the first escape).
    const stuck = failing([input('full', { ...FULL, finalLoss: 1.83, finalRankRatios: [0.5, 0.1, 0.0049, 0.0049, 0.0051, 0.0006] })]);
    expect(stuck).toHaveLength(2);
    expect(stuck[0]).toContain('1.83 plateau');
    expect(stuck[1]).toContain('second singular value');
  });

  it('fails a run whose first plateau is not log 10, that shows one plateau, or whose deep layers stay high-rank', () => {
    expect(failing([input('quick', { ...QUICK, plateauLevels: [2.2] })]).map((n) => n.replace(/^run \d+ \([^)]*\): /, ''))).toEqual([
      'the first plateau sits at log 10 (its level)',
      'two saddles, i.e. at least two plateaus (levels 2.200)',
    ]);
    const blurred = failing([input('quick', { ...QUICK, rankRatiosAfterFirstEscape: [0.3, 0.2, 0.1, 0.05, 0.03, 0.01] })]);
    expect(blurred).toHaveLength(2);
    expect(blurred[0]).toContain('deep layers 4–6');
  });

  it('lists runs shallower than Fig. 1’s depth 6 without checking them', () => {
    const shallow = { ...input('quick', { ...QUICK, depth: 4 }), params: { ...exampleSpec(example, 'quick')?.params, depth: 4 } };
    const result = analysisResult.parse(mnist()?.run([shallow]));
    expect(result.rows).toHaveLength(1);
    expect(result.checks).toEqual([]);
  });
});
