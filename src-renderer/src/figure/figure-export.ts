// One export request → the files to save: a vector or raster figure with its caption draft as a
// sidecar, or a matplotlib/pgfplots script with its data CSV and caption sidecar.
import { ApiError } from '../api/api-error';
import { bytesToBase64, type ExportFile, type Sidecar } from '../export/save-file';
import { figureData } from './figure-data';
import { labelledPanels } from './figure-plots';
import { loadFigureFont, textMeasure } from './figure-font';
import { fontSizes } from './figure-settings';
import { matplotlibScript } from './matplotlib-script';
import { figurePdf } from './pdf-figure';
import { pgfplotsCode } from './pgfplots-code';
import { figurePng } from './png-figure';
import { nothingToExport, vectorFigure, type FigureContent } from './vector-figure';

export type FigureFormat = 'pdf' | 'svg' | 'png' | 'matplotlib' | 'pgfplots';

export const figureFormats: readonly { id: FigureFormat; label: string }[] = [
  { id: 'pdf', label: 'PDF (vector)' },
  { id: 'svg', label: 'SVG (vector)' },
  { id: 'png', label: 'PNG (at the DPI)' },
  { id: 'matplotlib', label: 'matplotlib script + CSV' },
  { id: 'pgfplots', label: 'pgfplots/TikZ + CSV' },
];

export interface FigureRequest extends FigureContent {
  format: FigureFormat;
  /** File name without extension. */
  stem: string;
}

export interface FigureFiles {
  main: ExportFile;
  sidecars: Sidecar[];
}


function scriptFiles(request: FigureRequest): FigureFiles {
  const offered = request.sources.flatMap((source) => {
    const panelPlots = source.plots();
    return panelPlots ? [panelPlots] : [];
  });
  if (offered.length === 0) throw new ApiError({ kind: 'expected', message: 'Scripts are written for line and analysis charts; export this heatmap as PDF, SVG or PNG.' });
  const plots = labelledPanels(offered);
  if (plots.every((plot) => plot.curves.length === 0)) throw nothingToExport();
  const data = figureData(plots);
  const common = { title: request.meta.title, caption: request.meta.caption, plots, data, settings: request.settings };
  const caption: Sidecar = { suffix: '.caption.txt', data: `${request.meta.caption}\n`, encoding: 'utf8', mimeType: 'text/plain' };
  const csv: Sidecar = { suffix: '.csv', data: data.csv, encoding: 'utf8', mimeType: 'text/csv' };
  const main: ExportFile =
    request.format === 'matplotlib'
      ? { name: `${request.stem}.py`, data: matplotlibScript(common), encoding: 'utf8', mimeType: 'text/x-python' }
      : { name: `${request.stem}.tex`, data: pgfplotsCode({ ...common, dataFile: `${request.stem}.csv` }), encoding: 'utf8', mimeType: 'application/x-tex' };
  return { main, sidecars: [csv, caption] };
}

export async function figureFiles(request: FigureRequest): Promise<FigureFiles> {
  if (request.format === 'matplotlib' || request.format === 'pgfplots') return scriptFiles(request);
  const caption: Sidecar = { suffix: '.caption.txt', data: `${request.meta.caption}\n`, encoding: 'utf8', mimeType: 'text/plain' };
  const font = await loadFigureFont(request.settings.fontFamily);
  const svg = vectorFigure(request, textMeasure(font, fontSizes(request.settings).small));
  const name = `${request.stem}.${request.format}`;
  switch (request.format) {
    case 'svg':
      return { main: { name, data: svg, encoding: 'utf8', mimeType: 'image/svg+xml' }, sidecars: [caption] };
    case 'pdf':
      return { main: { name, data: bytesToBase64(await figurePdf(svg, request.settings, request.meta, font)), encoding: 'base64', mimeType: 'application/pdf' }, sidecars: [caption] };
    case 'png':
      return { main: { name, data: bytesToBase64(await figurePng(svg, request.settings, request.meta, font)), encoding: 'base64', mimeType: 'image/png' }, sidecars: [caption] };
  }
}
