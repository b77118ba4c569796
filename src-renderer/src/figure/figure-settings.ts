// Physical figure size and fonts. Figures are laid out in points (1 px of the offscreen chart = 1 pt,
// 72 per inch), so a font size in pt is the printed size whatever the format; a raster export
// multiplies by dpi / 72.
import type { FigureFontFamily, FigureSettings } from '../../../src-main/contract/api';

const pointsPerInch = 72;

/** Built-in starting points: a journal's single and double column (e.g. PRL, NeurIPS two-column). */
export const builtInPresets: readonly (FigureSettings & { name: string })[] = [
  { name: 'Single column (3.35 in)', widthIn: 3.35, heightIn: 2.5, fontFamily: 'Helvetica', fontSizePt: 8, dpi: 300 },
  { name: 'Double column (7.0 in)', widthIn: 7.0, heightIn: 3.2, fontFamily: 'Helvetica', fontSizePt: 8, dpi: 300 },
];

export const fontFamilies: readonly FigureFontFamily[] = ['Helvetica', 'Times', 'Courier'];

/**
 * The font all figure text is laid out and drawn in, per family choice: DejaVu (bundled, free to
 * embed, has σᵢ, ℓ and superscript digits). The standard PDF fonts cannot be embedded from here and
 * the browser would measure them with another font's metrics, so labels collided in the PDF.
 */
export const figureFontName: Record<FigureFontFamily, string> = {
  Helvetica: 'DejaVu Sans',
  Times: 'DejaVu Serif',
  Courier: 'DejaVu Sans Mono',
};

export interface FontSizes {
  /** Axis names and plot titles. */
  label: number;
  /** Tick labels, legend and annotations: a step smaller, as in most journals' style files. */
  small: number;
}

export function fontSizes(settings: FigureSettings): FontSizes {
  return { label: settings.fontSizePt, small: Math.round(settings.fontSizePt * 0.875 * 10) / 10 };
}

export function sizeInPoints(settings: FigureSettings): { width: number; height: number } {
  return { width: settings.widthIn * pointsPerInch, height: settings.heightIn * pointsPerInch };
}
