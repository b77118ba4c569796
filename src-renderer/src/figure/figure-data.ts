// The data of the script exports as one CSV: an x/y column pair per curve (plus the band's lower and
// upper edges), padded with `nan` to the longest curve. matplotlib and pgfplots both read it, and
// both drop the padding (pgfplots discards nan coordinates by default).
import type { FigurePlot } from './figure-plots';

export interface CurveColumns {
  x: string;
  y: string;
  band: { lower: string; upper: string } | null;
}

export interface FigureData {
  csv: string;
  /** [plot][curve] → the curve's column names. */
  columns: CurveColumns[][];
}

function numberText(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? 'nan' : String(value);
}

export function figureData(plots: readonly FigurePlot[]): FigureData {
  const header: string[] = [];
  const values: number[][] = [];
  const columns = plots.map((plot, p) =>
    plot.curves.map((curve, c) => {
      const name = (suffix: string) => {
        header.push(`p${p}c${c}_${suffix}`);
        return `p${p}c${c}_${suffix}`;
      };
      const names: CurveColumns = { x: name('x'), y: name('y'), band: null };
      values.push(curve.x, curve.y);
      if (curve.band) {
        names.band = { lower: name('lower'), upper: name('upper') };
        values.push(curve.band.lower, curve.band.upper);
      }
      return names;
    }),
  );
  const rowCount = Math.max(0, ...values.map((column) => column.length));
  const rows = Array.from({ length: rowCount }, (_, i) => values.map((column) => numberText(column[i])).join(','));
  return { csv: [header.join(','), ...rows].join('\n') + '\n', columns };
}
