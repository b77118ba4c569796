// dln-train with more target singular values than the charts draw (MAX_SERIES = 32): every mode is
// recorded, so the summary's per-mode fields are numbers the contract accepts, and each mode follows
// the two-layer logistic closed form σ(t) = s/(1 + (s/a₀ − 1)e^{−2st}) (paper 001, Saxe et al.).
import { describe, expect, it } from 'vitest';
import { runSummary } from '../../src-main/contract/family-meta';
import { family } from '../../workers/families/dln-train';
import { MAX_SERIES } from '../../workers/families/dln-train/observables';
import { logisticMode } from '../../workers/families/dln-train/theory';
import { fakeRunContext } from './fake-run-context';

describe('dln-train with more target modes than MAX_SERIES', () => {
  it('40 modes: the summary validates and every final σ_α matches its logistic curve (1e-6 relative)', async () => {
    const targets = Array.from({ length: MAX_SERIES + 8 }, (_, i) => 5 - i / 10);
    const initScale = 0.3, horizon = 6;
    const ctx = fakeRunContext();
    const summary = await family.run(family.params.parse({ depth: 2, targetSingularValues: targets, init: 'aligned', initScale, horizon }), ctx);
    expect(runSummary.safeParse(summary).success).toBe(true);
    const finalSigmas = summary.finalSigmas as number[];
    expect(finalSigmas).toHaveLength(targets.length);
    finalSigmas.forEach((sigma, alpha) => expect(Math.abs(sigma / logisticMode(targets[alpha], initScale ** 2, horizon) - 1)).toBeLessThan(1e-6));
    // The summary's own comparison with the closed form covers every mode (NaN when a mode has no series).
    expect(summary.theoryMaxRelativeError as number).toBeLessThan(1e-6);
    expect(summary.escapeTimes as (number | null)[]).toHaveLength(targets.length);
    expect(ctx.series(`sigma/${targets.length - 1}`).y.length).toBe(summary.records);
  });
});
