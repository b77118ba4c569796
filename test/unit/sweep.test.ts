import { describe, expect, it } from 'vitest';
import { axisValues, countRuns, expandSweep } from '../../src-main/core/sweep';

describe('sweep expansion', () => {
  it('logspace is in decades and includes both ends', () => {
    const values = axisValues({ logspace: [-2.3, -1, 25] }) as number[];
    expect(values).toHaveLength(25);
    expect(values[0]).toBeCloseTo(10 ** -2.3, 15);
    expect(values[24]).toBeCloseTo(0.1, 15);
    // Equal ratios between neighbours: 10^(1.3/24).
    expect(values[1] / values[0]).toBeCloseTo(10 ** (1.3 / 24), 12);
  });

  it('linspace gives n evenly spaced values, and one value when n = 1', () => {
    expect(axisValues({ linspace: [0, 1, 5] })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(axisValues({ linspace: [3, 7, 1] })).toEqual([3]);
  });

  it('the runs are the product of all axes and the seeds', () => {
    const sweep = { depth: [2, 3, 4, 5, 6], initScale: { logspace: [-2.3, -1, 25] as [number, number, number] } };
    expect(countRuns(sweep, [0])).toBe(125);
    const runs = expandSweep({ targets: [1], depth: 3 }, sweep, [0, 1]);
    expect(runs).toHaveLength(250);
    expect(runs[0]).toEqual({ params: { targets: [1], depth: 2, initScale: 10 ** -2.3 }, seed: 0 });
    expect(runs[1].seed).toBe(1);
    expect(new Set(runs.map((r) => `${r.params.depth}/${r.params.initScale}/${r.seed}`)).size).toBe(250);
  });

  it('no sweep means one run per seed', () => {
    expect(expandSweep({ depth: 3 }, {}, [4, 5])).toEqual([
      { params: { depth: 3 }, seed: 4 },
      { params: { depth: 3 }, seed: 5 },
    ]);
  });
});
