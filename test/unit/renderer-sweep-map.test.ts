import { describe, expect, it } from 'vitest';
import { buildSweepMap, midpoint, refinePoints, roundPoint, type SweepRun } from '../../src-renderer/src/logic/sweep-map';

// η × P grid: outcome flips from 'wta' to 'rebalance' between η = 0.1 and 0.2 for P = 2 only.
function runs(): SweepRun[] {
  const out: SweepRun[] = [];
  let id = 1;
  for (const pathways of [2, 4]) {
    for (const learningRate of [0.05, 0.1, 0.2]) {
      for (const seed of [0, 1]) {
        const outcome = pathways === 2 && learningRate >= 0.2 ? 'rebalance' : 'wta';
        out.push({ id: id++, params: { pathways, learningRate }, seed, status: 'done', summary: { outcome, sharpness: learningRate * 10 + seed } });
      }
    }
  }
  return out;
}

describe('sweep map', () => {
  it('maps each cell to its runs and sorts axes numerically', () => {
    const map = buildSweepMap(runs(), 'learningRate', 'pathways', 'sharpness');
    expect(map.xValues).toEqual([0.05, 0.1, 0.2]);
    expect(map.yValues).toEqual([2, 4]);
    const cell = map.cells.find((c) => c.column === 2 && c.row === 1);
    expect(cell?.runIds).toEqual([11, 12]);
    expect(cell?.value).toBeCloseTo(2.5, 12); // mean of 2 and 3 over the two seeds
    expect(map.classes).toEqual([]);
  });

  it('colours by the most common class of a string summary', () => {
    const map = buildSweepMap(runs(), 'learningRate', 'pathways', 'outcome');
    expect(map.classes).toEqual(['wta', 'rebalance']);
    expect(map.cells.find((c) => c.column === 2 && c.row === 0)?.value).toBe('rebalance');
  });

  it('refines half-way across class boundaries only', () => {
    const map = buildSweepMap(runs(), 'learningRate', 'pathways', 'outcome');
    const points = refinePoints(map, 'learningRate', 'pathways');
    // Boundary between η = 0.1 and 0.2 at P = 2 (horizontal) and between P = 2 and 4 at η = 0.2 (vertical).
    expect(points).toContainEqual({ learningRate: expect.closeTo(Math.sqrt(0.02), 12), pathways: 2 });
    expect(points).toContainEqual({ pathways: 3, learningRate: 0.2 });
    expect(points).toHaveLength(2);
  });

  it('takes geometric midpoints on log-spaced axes, integers on integer axes, none between neighbours', () => {
    expect(midpoint(1e-3, 1e-2, [1e-3, 1e-2, 1e-1])).toBeCloseTo(Math.sqrt(1e-5), 14);
    expect(midpoint(0.1, 0.2, [0.1, 0.2, 0.3])).toBeCloseTo(0.15, 15);
    expect(midpoint(2, 6, [2, 6, 10])).toBe(4);
    expect(midpoint(2, 3, [2, 3, 4])).toBeNull();
  });

  it('stores new points as the shortest decimal at 12 significant digits', () => {
    // A linspace value 0.8999999999999999 (0.5 + 4 × 0.1) next to 0.7: the exact half-way point is 0.7999999999999999.
    expect((0.7 + 0.8999999999999999) / 2).toBe(0.7999999999999999);
    expect(midpoint(0.7, 0.8999999999999999, [0.5, 0.7, 0.8999999999999999, 1.1])).toBe(0.8);
    expect((0.01 + 0.05) / 2).toBe(0.030000000000000002);
    expect(midpoint(0.01, 0.05, [0.01, 0.05, 0.09])).toBe(0.03);
    expect(String(midpoint(1e-3, 1e-2, [1e-3, 1e-2, 1e-1]))).toBe('0.00316227766017');
    expect(roundPoint(0.1 + 0.2)).toBe(0.3);
    expect(roundPoint(123456.789012345)).toBe(123456.789012);
    expect(roundPoint(-2.5e-17 - 1e-21)).toBe(-2.5001e-17);
  });

  it('refines a 1000-run Fig. 2-style map (200 log-spaced scales × 5 depths) at the geometric midpoint of each boundary', () => {
    const scales = Array.from({ length: 200 }, (_, i) => roundPoint(10 ** (-2.3 + (1.3 * i) / 199)));
    // Depth d escapes (class 'escaped') from scale index 20·d on: one horizontal boundary per depth, and vertical ones between depths.
    const grid: SweepRun[] = [];
    for (const depth of [2, 3, 4, 5, 6]) {
      scales.forEach((initScale, i) => grid.push({ id: grid.length + 1, params: { depth, initScale }, seed: 0, status: 'done', summary: { outcome: i >= 20 * depth ? 'escaped' : 'stuck' } }));
    }
    const points = refinePoints(buildSweepMap(grid, 'initScale', 'depth', 'outcome'), 'initScale', 'depth');
    for (const depth of [2, 3, 4, 5, 6]) {
      const [below, above] = [scales[20 * depth - 1], scales[20 * depth]];
      expect(points).toContainEqual({ initScale: roundPoint(Math.sqrt(below * above)), depth });
    }
    // Between depths d and d + 1 the class differs at the 20 scales 20·d … 20·d + 19: the integer midpoint of d and d + 1 is one of them, so none.
    expect(points).toHaveLength(5);
  });

  it('offers nothing to refine for numeric colours', () => {
    expect(refinePoints(buildSweepMap(runs(), 'learningRate', 'pathways', 'sharpness'), 'learningRate', 'pathways')).toEqual([]);
  });
});
