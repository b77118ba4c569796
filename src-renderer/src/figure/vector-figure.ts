// The figure's SVG from its panels' on-screen options: each restyled for print (print-option.ts)
// and rendered offscreen into its cell of a grid (panel-grid.ts), under one shared legend.
import { ApiError } from '../api/api-error';
import { optionSvg } from '../export/echarts-runtime';
import type { FigureSettings } from '../../../src-main/contract/api';
import type { FigureSource } from './figure-sources';
import { figureFontName, fontSizes, sizeInPoints } from './figure-settings';
import { legendEntries, legendStrip, sharedEntries } from './legend-strip';
import { panelGrid } from './panel-grid';
import { printOption } from './print-option';
import { figureSvg, type FigureMeta } from './svg-figure';

/** What a figure shows, whatever its format. */
export interface FigureContent {
  settings: FigureSettings;
  sources: readonly FigureSource[];
  meta: FigureMeta;
}

export function nothingToExport(): ApiError {
  return new ApiError({ kind: 'expected', message: 'There is no chart to export yet: select runs with data.' });
}

/** Rows the shared legend may take before it sums the rest up as "+N more". */
const maxLegendRows = 3;
/** Inset of the legend from the figure's edge, in pt. */
const legendInset = 6;

/**
 * The panels in a grid of cells under one shared legend, labelled (a), (b)… when there are
 * several; `measure` gives text widths in the figure's font at its small size.
 */
export function vectorFigure(request: FigureContent, measure: (text: string) => number): string {
  const drawn = request.sources.flatMap((source) => {
    const option = source.option();
    return option ? [{ option, screenHeight: source.screenHeight() }] : [];
  });
  if (drawn.length === 0) throw nothingToExport();
  const { settings } = request;
  const { width, height } = sizeInPoints(settings);
  const sizes = fontSizes(settings);
  const fontFamily = figureFontName[settings.fontFamily];
  const entries = sharedEntries(drawn.map((panel) => legendEntries(panel.option)));
  const legend = legendStrip(entries, { width: width - 2 * legendInset, fontSize: sizes.small, fontFamily, maxRows: maxLegendRows, measure });
  const legendHeight = legend.height > 0 ? legend.height + legendInset : 0;
  const cells = panelGrid(drawn.length, width, height - legendHeight, legendHeight);
  const panels = drawn.map((panel, index) => {
    const cell = cells[index];
    const printed = printOption(panel.option, settings, panel.screenHeight, { width: cell.width, height: cell.height, topMargin: cell.label ? sizes.label * 1.5 : 4 });
    return { svg: optionSvg(printed, cell.width, cell.height), x: cell.x, y: cell.y };
  });
  const labels = cells.flatMap((cell) =>
    cell.label ? [`<text x="${cell.x + 3}" y="${cell.y + sizes.label * 1.1}" font-family="${fontFamily}" font-size="${sizes.label}" fill="#000">${cell.label}</text>`] : [],
  );
  const legendGroup = legend.svg ? `<g transform="translate(${legendInset} ${legendInset})">${legend.svg}</g>` : '';
  return figureSvg(panels, legendGroup + labels.join(''), settings, request.meta);
}

