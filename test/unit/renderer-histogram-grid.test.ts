// Logged histograms as heatmap cells (src-renderer/src/charts/histogram-grid.ts): with one binning
// the cells are the logged counts; with bins that differ between steps the counts are spread onto
// common rows by overlap, which keeps each step's total and gives known values for known bins.
import { describe, expect, it } from 'vitest';
import { histogramGrid, spread } from '../../src-renderer/src/charts/histogram-grid';

describe('histogramGrid', () => {
  it('one binning: cells are the counts (zeros left out), x = step, y = bin', () => {
    const grid = histogramGrid({ key: 'w', steps: [0, 10], edges: [[0, 0.5, 1.5, 4], [0, 0.5, 1.5, 4]], counts: [[0, 2, 3], [7, 0, 1]] });
    expect(grid.exact).toBe(true);
    expect(grid.xLabels).toEqual(['0', '10']);
    expect(grid.yLabels).toEqual(['0 … 0.5', '0.5 … 1.5', '1.5 … 4']);
    expect(grid.cells).toEqual([[0, 1, 2], [0, 2, 3], [1, 0, 7], [1, 2, 1]]);
  });

  it('bins that differ: counts spread onto common rows by overlap, each step keeping its total', () => {
    // Step 0: [0,1) holds 2, [1,2] holds 4. Step 1: one bin [0,2] of 6, half in each common row of 16 over [0, 2].
    const grid = histogramGrid({ key: 'w', steps: [0, 1], edges: [[0, 1, 2], [0, 2]], counts: [[2, 4], [6]] });
    expect(grid.exact).toBe(false);
    expect(grid.yLabels).toHaveLength(16);
    const column = (c: number) => grid.cells.filter(([x]) => x === c).map(([, , v]) => v);
    expect(column(0)).toEqual([...Array(8).fill(2 / 8), ...Array(8).fill(4 / 8)]);
    expect(column(1)).toEqual(Array(16).fill(6 / 16));
    for (const c of [0, 1]) expect(column(c).reduce((a, b) => a + b, 0)).toBeCloseTo(6, 12);
  });

  it('spread: a bin across a row boundary splits by the fraction of its width on each side', () => {
    expect(spread([0, 4], [8], [0, 1, 3, 4])).toEqual([2, 4, 2]);
    expect(spread([1, 2, 3], [5, 1], [0, 1.5, 3])).toEqual([2.5, 3.5]);
  });

  it('no steps: no cells', () => {
    expect(histogramGrid({ key: 'w', steps: [], edges: [], counts: [] })).toEqual({ xLabels: [], yLabels: [], cells: [], exact: true });
  });
});
