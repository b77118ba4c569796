import { describe, expect, it } from 'vitest';
import { axisLength, axisValues, countRuns, expandSweep } from '../../src-main/contract/sweep';
import { convertAxis } from '../../src-renderer/src/logic/sweep';
import { loadExamples } from '../../src-main/core/examples';
import { examplesDir } from '../helpers/paths';

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
    expect(axisValues([1, 2, 5])).toEqual([1, 2, 5]);
  });

  // toEqual compares numbers with Object.is: these are exact to the last bit.
  it('short decimal ranges give the decimal literals (a step added i times gives 0.30000000000000004)', () => {
    expect(axisValues({ linspace: [0, 1, 11] })).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(axisValues({ linspace: [0.1, 0.7, 7] })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
  });

  it('both ends of linspace are the given numbers exactly', () => {
    // a + (b − a) is not b for these: 0.8999999999999999 and 0.19999999999999996.
    expect(0.2 + (0.9 - 0.2)).not.toBe(0.9);
    for (const [a, b] of [[0.2, 0.9], [-0.7, 0.2]]) {
      for (const n of [2, 3, 8]) {
        const values = axisValues({ linspace: [a, b, n] });
        expect([values[0], values[n - 1]]).toEqual([a, b]);
      }
    }
  });

  it('whole decades of logspace are the literal powers of ten (V8 gives 10 ** -4 = 0.00009999999999999999)', () => {
    expect(axisValues({ logspace: [-4, 0, 5] })).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1]);
    expect(axisValues({ logspace: [-3, 1, 5] })).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(axisValues({ logspace: [-2, 0, 3] })).toEqual([0.01, 0.1, 1]);
  });

  it('the length and run count need no expansion', () => {
    expect(axisLength({ logspace: [-3, -1, 7] })).toBe(7);
    expect(countRuns({}, [0, 1, 2])).toBe(3);
    expect(countRuns({ depth: [1, 2, 3], initScale: { logspace: [-3, -1, 5] } }, [0, 1])).toBe(30);
    expect(countRuns({ depth: [] }, [0])).toBe(0);
  });

  it("the renderer's list of an axis is the values main plans, bit for bit, for every shipped example's ranges", () => {
    let ranges = 0;
    for (const example of loadExamples(examplesDir)) {
      for (const spec of [example.spec, example.quick ?? example.spec]) {
        for (const [key, axis] of Object.entries(spec.sweep)) {
          if (Array.isArray(axis)) continue;
          ranges++;
          const planned = expandSweep({}, { [key]: axis }, [0]).map((run) => run.params[key]);
          expect(convertAxis(axis, 'list'), `${example.file} sweep.${key}`).toEqual(planned);
        }
      }
    }
    expect(ranges).toBeGreaterThan(10);
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
