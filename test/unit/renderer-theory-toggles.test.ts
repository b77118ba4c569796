import { describe, expect, it } from 'vitest';
import type { TheorySeries } from '../../src-main/contract/family-meta';
import { theoryToggles } from '../../src-renderer/src/charts/theory-toggles';

const overlay = (id: string, label: string, kind: TheorySeries['kind'], x: number[], y: number[]): TheorySeries => ({ id, label, kind, x, y });

describe('theory toggles of a panel', () => {
  // dln-train's loss chart lists both overlays; a run without a spectral gap stores no gap timescale.
  const chartIds = ['saddleLosses', 'gapTimescale', 'escapeTimes'];

  it('lists the overlays the runs draw, by label, in the chart order', () => {
    const runA = [overlay('escapeTimes', 't_esc predicted from the init', 'vline', [3, 9], []), overlay('saddleLosses', 'saddle losses ½Σ_{α>r} s_α²', 'hline', [], [0.5])];
    const runB = [overlay('escapeTimes', 'other label, same id', 'vline', [4], [])];
    expect(theoryToggles(chartIds, [runA, runB])).toEqual([
      { id: 'saddleLosses', label: 'saddle losses ½Σ_{α>r} s_α²' },
      { id: 'escapeTimes', label: 't_esc predicted from the init' },
    ]);
  });

  it('leaves out ids no run stores, overlays with nothing to draw and overlays of other charts', () => {
    const run = [
      overlay('gapTimescale', 'gap', 'vline', [], []),
      overlay('saddleLosses', 'saddle', 'line', [1, 2], []),
      overlay('logistic', 'logistic', 'line', [1, 2], [0, 1]),
    ];
    expect(theoryToggles(chartIds, [run])).toEqual([]);
    expect(theoryToggles(chartIds, [])).toEqual([]);
  });
});
