// A panel model flattened into plots for the script exports (matplotlib, pgfplots): each plot is one
// set of axes with its curves and rules, named and coloured exactly as panel-option.ts draws them
// on screen (overlay of several groups: by group, or by a parameter on a colour scale; otherwise by metric).
import type { AnalysisResult, TheorySeries } from '../../../src-main/contract/family-meta';
import { scaleColor, type ColourScale } from '../charts/colour-scale';
import { plottable } from '../charts/log-filter';
import { claimColor, neutralColor, paletteColor } from '../charts/palette';
import type { ModelGroup, PanelModel } from '../charts/panel-model';
import { colourValue, panelColourScale, type PanelView } from '../charts/panel-option';
import { panelLabel } from './panel-grid';

/** 'compared': a line of a run compared from another experiment, dotted as on screen; 'claim': a paper's claim (grey, dotted). */
export type CurveStyle = 'line' | 'compared' | 'faint' | 'points' | 'theory' | 'claim' | 'marker';

export interface FigureCurve {
  style: CurveStyle;
  /** Legend entry; null when an earlier curve already stands for it. */
  label: string | null;
  color: string;
  /** Where the curve sits on its plot's colour scale (its group's parameter value); null when palette-coloured. */
  colourValue: number | null;
  x: number[];
  y: number[];
  /** Min–max (or other spread) band under a line, index-aligned with x. */
  band: { lower: number[]; upper: number[] } | null;
}

export interface FigureRule {
  axis: 'x' | 'y';
  value: number;
  color: string;
  dash: 'dotted' | 'dashed';
  label: string | null;
}

export interface FigureNote {
  x: number;
  y: number;
  text: string;
}

export interface FigurePlot {
  title: string | null;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  curves: FigureCurve[];
  rules: FigureRule[];
  notes: FigureNote[];
  /** The colour bar of an overlay coloured by a parameter, as on screen; null otherwise. */
  colourScale: ColourScale | null;
  /** "(a)", "(b)"… on the first plot of each panel of a multi-panel figure; null otherwise. */
  panelLabel: string | null;
}

interface Styling {
  byGroup: boolean;
  scale: ColourScale | null;
  logX: boolean;
  logY: boolean;
  /** Legend names already given, so each appears once per plot. */
  named: Set<string>;
}

function legendLabel(name: string, style: Styling): string | null {
  if (style.named.has(name)) return null;
  style.named.add(name);
  return name;
}

/**
 * Keeps the points a log axis can show, as on screen: a point goes with its x or its centre value
 * (the first column); a band edge a log axis cannot show becomes NaN (a gap in the shading), so a
 * ±σ band dipping below zero does not take the centre line with it.
 */
function filterPoints(x: readonly number[], columns: readonly (readonly number[])[], style: Styling): { x: number[]; columns: number[][] } {
  const kept = { x: [] as number[], columns: columns.map(() => [] as number[]) };
  x.forEach((value, i) => {
    if (!plottable(value, style.logX) || !plottable(columns[0][i], style.logY)) return;
    kept.x.push(value);
    columns.forEach((column, c) => kept.columns[c].push(plottable(column[i], style.logY) ? column[i] : Number.NaN));
  });
  return kept;
}

/** A group's colour when coloured by group: its place on the colour scale, else its palette colour. */
function groupColour(group: ModelGroup, groupIndex: number, style: Styling): { color: string; colourValue: number | null } {
  const value = colourValue(group, style.scale);
  return style.scale && value !== null ? { color: scaleColor(style.scale, value), colourValue: value } : { color: paletteColor(groupIndex), colourValue: null };
}

function groupCurves(group: ModelGroup, groupIndex: number, style: Styling): FigureCurve[] {
  const curves: FigureCurve[] = [];
  for (const line of group.lines) {
    const name = style.byGroup ? group.label : line.metric;
    const { color, colourValue: value } = style.byGroup ? groupColour(group, groupIndex, style) : { color: paletteColor(line.colorIndex), colourValue: null };
    if (line.raw) {
      const raw = filterPoints(line.raw.x, [line.raw.y], style);
      curves.push({ style: 'faint', label: null, color, colourValue: value, x: raw.x, y: raw.columns[0], band: null });
    }
    const columns = line.band ? [line.y, line.band.min, line.band.max] : [line.y];
    const kept = filterPoints(line.x, columns, style);
    const band = line.band ? { lower: kept.columns[1], upper: kept.columns[2] } : null;
    const lineStyle = group.experiment === null ? 'line' : 'compared';
    // A group the colour bar covers has no legend entry, as on screen.
    const label = value === null ? legendLabel(name, style) : null;
    curves.push({ style: line.points ? 'points' : lineStyle, label, color, colourValue: value, x: kept.x, y: kept.columns[0], band });
  }
  return curves;
}

function theoryColour(theory: TheorySeries, group: ModelGroup, groupIndex: number, style: Styling): { color: string; colourValue: number | null } {
  if (theory.role === 'paper-claim') return { color: claimColor, colourValue: null };
  if (style.byGroup) return groupColour(group, groupIndex, style);
  return { color: theory.index !== undefined ? paletteColor(theory.index) : neutralColor, colourValue: null };
}

function addTheory(plot: FigurePlot, theory: TheorySeries, group: ModelGroup, groupIndex: number, style: Styling): void {
  const { color, colourValue: value } = theoryColour(theory, group, groupIndex, style);
  if (theory.kind === 'vline' || theory.kind === 'hline') {
    const axis = theory.kind === 'vline' ? 'x' : 'y';
    const values = (axis === 'x' ? theory.x : theory.y).filter((value) => plottable(value, axis === 'x' ? style.logX : style.logY));
    const dash = axis === 'x' || theory.role === 'paper-claim' ? 'dotted' : 'dashed';
    values.forEach((value) => plot.rules.push({ axis, value, color, dash, label: legendLabel(theory.label, style) }));
    return;
  }
  const kept = filterPoints(theory.x, [theory.y], style);
  const lineStyle = theory.role === 'paper-claim' ? 'claim' : 'theory';
  plot.curves.push({ style: theory.kind === 'line' ? lineStyle : 'marker', label: legendLabel(theory.label, style), color, colourValue: value, x: kept.x, y: kept.columns[0], band: null });
}

function emptyPlot(model: PanelModel, view: PanelView, title: string | null, scale: ColourScale | null): FigurePlot {
  const { chart } = model;
  return { title, xLabel: view.xLabel ?? chart.x.label, yLabel: chart.y.label, logX: view.logX, logY: view.logY, curves: [], rules: [], notes: [], colourScale: scale, panelLabel: null };
}

/** One plot in overlay mode, else one per group (small multiples). */
export function figurePlots(model: PanelModel, view: PanelView): FigurePlot[] {
  const multiples = !view.overlay && model.groups.length > 0;
  const cells = multiples ? model.groups.map((group) => [group]) : [model.groups];
  // One legend for the panel, as on screen: a name is labelled on the first plot that draws it.
  const scale = panelColourScale(model, view);
  const style: Styling = { byGroup: view.overlay && model.groups.length > 1, scale, logX: view.logX, logY: view.logY, named: new Set() };
  return cells.map((groups) => {
    const plot = emptyPlot(model, view, multiples ? groups[0].label : null, scale);
    for (const group of groups) {
      const groupIndex = model.groups.indexOf(group);
      plot.curves.push(...groupCurves(group, groupIndex, style));
      group.theory.forEach((theory) => addTheory(plot, theory, group, groupIndex, style));
    }
    for (const line of model.referenceLines) {
      if (!plottable(line.value, line.axis === 'x' ? view.logX : view.logY)) continue;
      plot.rules.push({ axis: line.axis, value: line.value, color: '#555555', dash: 'dashed', label: line.label ? legendLabel(line.label, style) : null });
    }
    plot.notes.push(...model.notes.filter((note) => plottable(note.x, view.logX) && plottable(note.y, view.logY)));
    return plot;
  });
}

/**
 * An analysis chart (analysis-option.ts) as one plot: measured points and fitted or predicted
 * lines, the k-th of each sharing a colour as on screen.
 */
export function analysisPlot(chart: NonNullable<AnalysisResult['chart']>): FigurePlot {
  const style: Styling = { byGroup: false, scale: null, logX: chart.x.log, logY: chart.y.log, named: new Set() };
  const counters = { scatter: 0, line: 0 };
  const curves = chart.series.map((series): FigureCurve => {
    const color = paletteColor(counters[series.kind]++);
    const kept = filterPoints(series.x, [series.y.map((value) => value ?? Number.NaN)], style);
    return { style: series.kind === 'scatter' ? 'points' : 'line', label: legendLabel(series.name, style), color, colourValue: null, x: kept.x, y: kept.columns[0], band: null };
  });
  return { title: null, xLabel: chart.x.label, yLabel: chart.y.label, logX: chart.x.log, logY: chart.y.log, curves, rules: [], notes: [], colourScale: null, panelLabel: null };
}

/** The plots of several panels in one figure, the first of each labelled (a), (b)… as in the PDF and SVG grid. */
export function labelledPanels(panels: readonly (readonly FigurePlot[])[]): FigurePlot[] {
  return panels.flatMap((plots, panel) => plots.map((plot, index) => (panels.length > 1 && index === 0 ? { ...plot, panelLabel: panelLabel(panel) } : plot)));
}

/** Axis names that every plot shares: drawn once per row or column (as on screen), not on every plot. */
export function sharedAxisNames(plots: readonly FigurePlot[]): { x: boolean; y: boolean } {
  const same = (label: (plot: FigurePlot) => string) => plots.length > 1 && plots.every((plot) => label(plot) === label(plots[0]));
  return { x: same((plot) => plot.xLabel), y: same((plot) => plot.yLabel) };
}
