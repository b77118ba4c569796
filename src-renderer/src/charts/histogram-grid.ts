// A logged histogram over steps (runs.media) as heatmap cells: x = step, y = bin, colour = count.
// When every step has the same edges the cells are the stored counts. When the edges differ
// between steps (a histogram of a sequence gets its own range each time) the counts are spread
// onto common rows over the whole range in proportion to how much of each bin a row covers, so
// the counts are exact only for a shared binning: the grid says which it is.
import type { RunMedia } from '../../../src-main/contract/run-log';
import { formatNumber } from '../logic/format';
import type { HeatmapGrid } from './heatmap-option';

export type LoggedHistogram = RunMedia['histograms'][number];

export interface HistogramGrid extends HeatmapGrid {
  /** True when all steps share one binning: cell values are the logged counts. */
  exact: boolean;
}

/** Rows of the common grid when bins differ: as many as the finest step has, within these bounds. */
const leastRows = 16;
const mostRows = 128;

/** Zero counts are left out (an empty cell is a count of 0), so a count over decades can take a log colour scale. */
export function histogramGrid(histogram: LoggedHistogram): HistogramGrid {
  const { steps, edges, counts } = histogram;
  if (steps.length === 0) return { xLabels: [], yLabels: [], cells: [], exact: true };
  const xLabels = steps.map(formatNumber);
  const shared = edges.every((e) => e.length === edges[0].length && e.every((edge, i) => edge === edges[0][i]));
  const rowEdges = shared ? edges[0] : commonEdges(edges);
  const yLabels = rowEdges.slice(0, -1).map((low, row) => `${formatNumber(low)} … ${formatNumber(rowEdges[row + 1])}`);
  const cells: [number, number, number][] = [];
  steps.forEach((_, column) => {
    const rows = shared ? counts[column] : spread(edges[column], counts[column], rowEdges);
    rows.forEach((count, row) => {
      if (count > 0) cells.push([column, row, count]);
    });
  });
  return { xLabels, yLabels, cells, exact: shared };
}

function commonEdges(edges: readonly (readonly number[])[]): number[] {
  const low = Math.min(...edges.map((e) => e[0]));
  const high = Math.max(...edges.map((e) => e[e.length - 1]));
  const rows = Math.min(mostRows, Math.max(leastRows, ...edges.map((e) => e.length - 1)));
  return Array.from({ length: rows + 1 }, (_, i) => (i === rows ? high : low + ((high - low) * i) / rows));
}

/** Each bin's count shared among the rows it overlaps, by the fraction of its width each covers (the total is kept). */
export function spread(edges: readonly number[], counts: readonly number[], rowEdges: readonly number[]): number[] {
  const rows = new Array<number>(rowEdges.length - 1).fill(0);
  counts.forEach((count, bin) => {
    const [a, b] = [edges[bin], edges[bin + 1]];
    for (let row = 0; row < rows.length; row++) {
      const overlap = Math.min(b, rowEdges[row + 1]) - Math.max(a, rowEdges[row]);
      if (overlap > 0) rows[row] += (count * overlap) / (b - a);
    }
  });
  return rows;
}
