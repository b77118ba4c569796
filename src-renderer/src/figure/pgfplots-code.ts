// The figure as pgfplots/TikZ code reading the same CSV as the matplotlib script, for authors who
// typeset their figures with LaTeX. \input it inside a figure environment.
import type { FigureSettings } from '../../../src-main/contract/api';
import { multiplesGrid } from '../charts/panel-option';
import type { CurveColumns, FigureData } from './figure-data';
import type { ColourScale } from '../charts/colour-scale';
import { tickText } from './axis-ticks';
import { sharedAxisNames, type FigureCurve, type FigurePlot, type FigureRule } from './figure-plots';
import { fontSizes } from './figure-settings';
import { latexText } from './tex-label';

export interface PgfplotsInput {
  title: string;
  caption: string;
  plots: readonly FigurePlot[];
  data: FigureData;
  settings: FigureSettings;
  dataFile: string;
}

/** Gaps between small multiples, room for the axis names and titles between them. */
const horizontalSep = 0.45;
const verticalSep = 0.5;

const sharedLegendName = 'saddlelegend';

const fontCommand: Record<FigureSettings['fontFamily'], string> = { Helvetica: '\\sffamily', Times: '\\rmfamily', Courier: '\\ttfamily' };

function colorName(color: string): string {
  return `saddle${color.replace('#', '').toUpperCase()}`;
}

function table(column: string, x: string): string {
  return `table[x=${x}, y=${column}] {\\saddledata}`;
}

const curveStyle: Record<FigureCurve['style'], string[]> = {
  line: ['line width=0.75pt', 'mark=none'],
  compared: ['line width=0.9pt', 'densely dotted', 'mark=none'],
  faint: ['line width=0.5pt', 'opacity=0.25', 'mark=none', 'forget plot'],
  theory: ['line width=0.6pt', 'dashed', 'mark=none'],
  claim: ['line width=0.6pt', 'dotted', 'mark=none'],
  points: ['only marks', 'mark=*', 'mark size=1pt'],
  marker: ['only marks', 'mark=diamond*', 'mark size=1.5pt'],
};

function ruleStyle(rule: FigureRule): string {
  return `${colorName(rule.color)}, line width=0.6pt, ${rule.dash}`;
}

/** `inlineLegend` false: the entry goes to the figure's shared legend, not the plot's own. */
function curveLines(curve: FigureCurve, columns: CurveColumns, id: string, inlineLegend: boolean): string[] {
  const color = colorName(curve.color);
  const legend = curve.label === null || !inlineLegend ? ['forget plot'] : [];
  const lines: string[] = [];
  if (curve.band && columns.band) {
    lines.push(
      `\\addplot[draw=none, name path=${id}lo, forget plot] ${table(columns.band.lower, columns.x)};`,
      `\\addplot[draw=none, name path=${id}hi, forget plot] ${table(columns.band.upper, columns.x)};`,
      `\\addplot[fill=${color}, fill opacity=0.18, draw=none, forget plot] fill between[of=${id}hi and ${id}lo];`,
    );
  }
  lines.push(`\\addplot[${[color, ...curveStyle[curve.style], ...(curve.style === 'faint' ? [] : legend)].join(', ')}] ${table(columns.y, columns.x)};`);
  if (inlineLegend && curve.label !== null && curve.style !== 'faint') lines.push(`\\addlegendentry{${latexText(curve.label)}}`);
  return lines;
}

function ruleLines(rule: FigureRule, inlineLegend: boolean): string[] {
  const style = ruleStyle(rule);
  // The other coordinate is 1: valid on linear and log axes; |- takes x from one point, y from the other.
  const path =
    rule.axis === 'x'
      ? `({axis cs:${rule.value},1} |- {rel axis cs:0,0}) -- ({axis cs:${rule.value},1} |- {rel axis cs:0,1})`
      : `({rel axis cs:0,0} |- {axis cs:1,${rule.value}}) -- ({rel axis cs:1,0} |- {axis cs:1,${rule.value}})`;
  const lines = [`\\draw[${style}] ${path};`];
  if (inlineLegend && rule.label !== null) lines.push(`\\addlegendimage{${style}}`, `\\addlegendentry{${latexText(rule.label)}}`);
  return lines;
}

/**
 * Several plots share one legend above them, each name and colour once, as the PDF and matplotlib
 * figures do (inside a small multiple it covered the data). The first plot defines it by name.
 */
function sharedLegendLines(plots: readonly FigurePlot[]): string[] {
  const seen = new Set<string>();
  const entries: string[] = [];
  const add = (label: string, color: string, style: string) => {
    const key = `${label}\u0000${color}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push(`\\addlegendimage{${style}}`, `\\addlegendentry{${latexText(label)}}`);
  };
  for (const plot of plots) {
    for (const curve of plot.curves) {
      if (curve.label !== null && curve.style !== 'faint') add(curve.label, curve.color, [colorName(curve.color), ...curveStyle[curve.style]].join(', '));
    }
    for (const rule of plot.rules) if (rule.label !== null) add(rule.label, rule.color, ruleStyle(rule));
  }
  return entries;
}

/**
 * The colour bar of a plot coloured by a parameter: viridis over its values, as on screen. A log
 * scale runs over log10 of the values, ticked on the decades inside it (else at its ends).
 */
function colourBarOptions(scale: ColourScale): string[] {
  const label = `ylabel={${latexText(scale.label)}}`;
  if (!scale.log) return ['colorbar', 'colormap/viridis', `point meta min=${scale.min}`, `point meta max=${scale.max}`, `colorbar style={${label}}`];
  const [low, high] = [Math.log10(scale.min), Math.log10(scale.max)];
  const decades = Array.from({ length: Math.floor(high + 1e-9) - Math.ceil(low - 1e-9) + 1 }, (_, i) => Math.ceil(low - 1e-9) + i);
  const ticks = decades.length >= 2 ? decades : [low, high];
  const tickLabels = decades.length >= 2 ? decades.map((exponent) => `$10^{${exponent}}$`) : [scale.min, scale.max].map((value) => latexText(tickText(value)));
  return ['colorbar', 'colormap/viridis', `point meta min=${low}`, `point meta max=${high}`, `colorbar style={${label}, ytick={${ticks.join(',')}}, yticklabels={${tickLabels.map((text) => `{${text}}`).join(',')}}}`];
}

function plotLines(plot: FigurePlot, index: number, columns: readonly CurveColumns[], shared: { x: boolean; y: boolean }, noteFont: string, labelFont: string, sharedLegend: string[] | null): string[] {
  const options: string[] = [];
  if (sharedLegend !== null && index === 0 && sharedLegend.length > 0) options.push(`legend to name=${sharedLegendName}`, `legend columns=${Math.min(3, sharedLegend.length / 2)}`, 'legend style={/tikz/every even column/.append style={column sep=0.8em}}');
  if (!shared.x) options.push(`xlabel={${latexText(plot.xLabel)}}`);
  if (!shared.y) options.push(`ylabel={${latexText(plot.yLabel)}}`);
  if (plot.title !== null) options.push(`title={${latexText(plot.title)}}`);
  if (plot.logX) options.push('xmode=log');
  if (plot.logY) options.push('ymode=log');
  if (plot.colourScale) options.push(...colourBarOptions(plot.colourScale));
  const lines = [`\\nextgroupplot[${options.join(', ')}]`];
  plot.curves.forEach((curve, c) => lines.push(...curveLines(curve, columns[c], `p${index}c${c}`, sharedLegend === null)));
  plot.rules.forEach((rule) => lines.push(...ruleLines(rule, sharedLegend === null)));
  if (sharedLegend !== null && index === 0) lines.push(...sharedLegend);
  for (const note of plot.notes) lines.push(`\\node[anchor=south, font=${noteFont}] at (axis cs:${note.x},${note.y}) {${latexText(note.text)}};`);
  // The panel's (a)/(b) label above its top-left corner, as in the PDF and SVG grid.
  if (plot.panelLabel !== null) lines.push(`\\node[anchor=south east, font=${labelFont}] at (rel axis cs:0,1) {${plot.panelLabel}};`);
  return lines;
}

export function pgfplotsCode(input: PgfplotsInput): string {
  const { plots, settings } = input;
  const grid = multiplesGrid(plots.length);
  const sizes = fontSizes(settings);
  const colors = [...new Set(plots.flatMap((plot) => [...plot.curves.map((curve) => curve.color), ...plot.rules.map((rule) => rule.color)]))];
  const shared = sharedAxisNames(plots);
  const sharedLegend = plots.length > 1 ? sharedLegendLines(plots) : null;
  // Shared axis names are set once for the group and drawn on the outer plots only.
  const edgeLabels = `${shared.x ? ', xlabels at=edge bottom' : ''}${shared.y ? ', ylabels at=edge left' : ''}`;
  const sharedNames = [
    ...(shared.x ? [`  xlabel={${latexText(plots[0].xLabel)}},`] : []),
    ...(shared.y ? [`  ylabel={${latexText(plots[0].yLabel)}},`] : []),
  ];
  const font = (size: number) => `\\fontsize{${size}}{${Math.round(size * 12) / 10}}\\selectfont${fontCommand[settings.fontFamily]}`;
  return [
    `% ${input.title}: pgfplots code exported by Saddle Lab.`,
    '%',
    '% Caption draft:',
    ...input.caption.split('\n').map((line) => `%   ${line}`),
    '%',
    '% Preamble: \\usepackage{pgfplots} \\usepgfplotslibrary{groupplots,fillbetween} \\pgfplotsset{compat=1.17}',
    `% Data: ${input.dataFile} (one x/y column pair per curve, padded with nan, which pgfplots skips);`,
    '% if you rename the files, change its name on the next line.',
    `\\pgfplotstableread[col sep=comma]{${input.dataFile}}\\saddledata`,
    ...colors.map((color) => `\\definecolor{${colorName(color)}}{HTML}{${color.replace('#', '').toUpperCase()}}`),
    '\\begin{tikzpicture}',
    '\\begin{groupplot}[',
    `  group style={group size=${grid.columns} by ${grid.rows}, horizontal sep=${horizontalSep}in, vertical sep=${verticalSep}in${edgeLabels}},`,
    // pgfplots' width and height include the tick labels, so the plots and gaps add up to the figure.
    `  width=${((settings.widthIn - (grid.columns - 1) * horizontalSep) / grid.columns).toFixed(3)}in,`,
    `  height=${((settings.heightIn - (grid.rows - 1) * verticalSep) / grid.rows).toFixed(3)}in,`,
    `  label style={font=${font(sizes.label)}}, title style={font=${font(sizes.label)}},`,
    `  tick label style={font=${font(sizes.small)}}, legend style={font=${font(sizes.small)}, draw=none, fill=none},`,
    '  legend cell align=left,',
    ...sharedNames,
    ']',
    ...plots.flatMap((plot, index) => plotLines(plot, index, input.data.columns[index], shared, font(sizes.small), font(sizes.label), sharedLegend)),
    '\\end{groupplot}',
    ...(sharedLegend !== null && sharedLegend.length > 0 ? [`\\node[anchor=south] at (current bounding box.north) {\\pgfplotslegendfromname{${sharedLegendName}}};`] : []),
    '\\end{tikzpicture}',
    '',
  ].join('\n');
}
