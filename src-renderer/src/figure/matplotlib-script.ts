// The figure as a matplotlib script that reads its data from the CSV of the same name next to it, so an author can
// restyle it in their own pipeline. Generated from the same plots as the pgfplots code, which come
// from the panel model the on-screen chart is drawn from.
import type { FigureSettings } from '../../../src-main/contract/api';
import { multiplesGrid } from '../charts/panel-option';
import type { CurveColumns, FigureData } from './figure-data';
import { sharedAxisNames, type FigureCurve, type FigurePlot, type FigureRule } from './figure-plots';
import { fontSizes } from './figure-settings';
import { mathtextLabel } from './tex-label';

export interface ScriptInput {
  title: string;
  caption: string;
  plots: readonly FigurePlot[];
  data: FigureData;
  settings: FigureSettings;
}

/** A JSON string is also a valid Python string literal. */
const py = (text: string) => JSON.stringify(text);
/** A label as a Python string, its TeX-style scripts (τ_lin) as mathtext. */
const pyLabel = (text: string) => py(mathtextLabel(text));

/** Preferred first; the DejaVu fonts ship with matplotlib and supply glyphs the others lack (σᵢ, ℓ). */
const fontNames: Record<FigureSettings['fontFamily'], string[]> = {
  Helvetica: ['Helvetica', 'Arial', 'Liberation Sans', 'DejaVu Sans'],
  Times: ['Times', 'Times New Roman', 'Liberation Serif', 'DejaVu Serif'],
  Courier: ['Courier', 'Courier New', 'Liberation Mono', 'DejaVu Sans Mono'],
};

/** `colour`: a Python expression for the curve's colour. */
function curveLines(curve: FigureCurve, columns: CurveColumns, colour: string): string[] {
  const xy = `col(${py(columns.x)}), col(${py(columns.y)})`;
  const label = curve.label === null ? '' : `, label=${pyLabel(curve.label)}`;
  const color = `color=${colour}`;
  const lines: string[] = [];
  if (curve.band && columns.band) {
    lines.push(`ax.fill_between(col(${py(columns.x)}), col(${py(columns.band.lower)}), col(${py(columns.band.upper)}), ${color}, alpha=0.18, linewidth=0)`);
  }
  switch (curve.style) {
    case 'line':
      lines.push(`ax.plot(${xy}, ${color}, linewidth=1.0${label})`);
      break;
    case 'compared':
      lines.push(`ax.plot(${xy}, ${color}, linewidth=1.2, linestyle=":"${label})`);
      break;
    case 'faint':
      lines.push(`ax.plot(${xy}, ${color}, linewidth=0.6, alpha=0.25)`);
      break;
    case 'theory':
      lines.push(`ax.plot(${xy}, ${color}, linewidth=0.8, linestyle="--"${label})`);
      break;
    case 'claim':
      lines.push(`ax.plot(${xy}, ${color}, linewidth=0.8, linestyle=":"${label})`);
      break;
    case 'points':
      lines.push(`ax.plot(${xy}, ${color}, linestyle="none", marker="o", markersize=3${label})`);
      break;
    case 'marker':
      lines.push(`ax.plot(${xy}, ${color}, linestyle="none", marker="D", markersize=3${label})`);
      break;
  }
  return lines;
}

function ruleLine(rule: FigureRule): string {
  const call = rule.axis === 'x' ? 'axvline' : 'axhline';
  const label = rule.label === null ? '' : `, label=${pyLabel(rule.label)}`;
  return `ax.${call}(${rule.value}, color=${py(rule.color)}, linewidth=0.8, linestyle=${py(rule.dash === 'dotted' ? ':' : '--')}${label})`;
}

interface Placement {
  index: number;
  columns: number;
  /** Whether this plot shows its axis names (shared names only on the outer plots). */
  xName: boolean;
  yName: boolean;
}

function plotBlock(plot: FigurePlot, columns: readonly CurveColumns[], place: Placement): string[] {
  const lines = [`ax = axes[${Math.floor(place.index / place.columns)}][${place.index % place.columns}]`];
  const scale = plot.colourScale;
  // Coloured by a parameter as on screen: viridis over its values, log-normalised where the screen's bar is log.
  if (scale) lines.push(`norm = matplotlib.colors.${scale.log ? 'LogNorm' : 'Normalize'}(vmin=${scale.min}, vmax=${scale.max})`);
  const colour = (curve: FigureCurve) => (scale && curve.colourValue !== null ? `VIRIDIS(norm(${curve.colourValue}))` : py(curve.color));
  plot.curves.forEach((curve, c) => lines.push(...curveLines(curve, columns[c], colour(curve))));
  if (scale) lines.push(`fig.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=VIRIDIS), ax=ax, label=${pyLabel(scale.label)})`);
  lines.push(...plot.rules.map(ruleLine));
  for (const note of plot.notes) lines.push(`ax.annotate(${pyLabel(note.text)}, (${note.x}, ${note.y}), fontsize=SMALL)`);
  if (plot.logX) lines.push('ax.set_xscale("log")');
  if (plot.logY) lines.push('ax.set_yscale("log")');
  if (place.xName) lines.push(`ax.set_xlabel(${pyLabel(plot.xLabel)})`);
  if (place.yName) lines.push(`ax.set_ylabel(${pyLabel(plot.yLabel)})`);
  if (plot.title !== null) lines.push(`ax.set_title(${pyLabel(plot.title)})`);
  if (plot.panelLabel !== null) lines.push(`ax.set_title(${py(plot.panelLabel)}, loc="left")`);
  return lines;
}

export function matplotlibScript(input: ScriptInput): string {
  const { plots, settings } = input;
  const grid = multiplesGrid(plots.length);
  const sizes = fontSizes(settings);
  const font = fontNames[settings.fontFamily];
  const shared = sharedAxisNames(plots);
  const header = [
    '#!/usr/bin/env python3',
    `# ${input.title}: matplotlib script exported by Saddle Lab.`,
    '#',
    '# Caption draft:',
    ...input.caption.split('\n').map((line) => `#   ${line}`),
    '#',
    '# Data: the .csv of the same name next to this script, one x/y column pair per curve (pN = plot,',
    '# cN = curve), padded with nan. Usage: python3 this-script.py [output.pdf|.png|.svg]',
  ];
  const body = [
    'import csv',
    'import sys',
    'from pathlib import Path',
    '',
    'import matplotlib',
    'import matplotlib.cm',
    'import matplotlib.colors',
    'import matplotlib.patches',
    '',
    'matplotlib.use("Agg")',
    'import matplotlib.pyplot as plt  # noqa: E402',
    'from matplotlib import font_manager  # noqa: E402',
    'from matplotlib.textpath import TextPath  # noqa: E402',
    'import numpy as np  # noqa: E402',
    '',
    `TITLE = ${py(input.title)}`,
    `CAPTION = ${py(input.caption)}`,
    `WIDTH_IN, HEIGHT_IN, DPI = ${settings.widthIn}, ${settings.heightIn}, ${settings.dpi}`,
    `LABEL, SMALL = ${sizes.label}, ${sizes.small}  # font sizes in pt`,
    '# The colour map of curves coloured by a parameter.',
    'VIRIDIS = matplotlib.colormaps["viridis"]',
    '',
    '# Found by name, so the script and its data can be renamed together.',
    'script = Path(__file__).resolve()',
    'with open(script.with_suffix(".csv"), newline="") as handle:',
    '    rows = list(csv.reader(handle))',
    'data = {name: np.array([float(row[i]) for row in rows[1:]]) for i, name in enumerate(rows[0])}',
    '',
    '',
    'def col(name):',
    '    """One column without its nan padding."""',
    '    values = data[name]',
    '    return values[~np.isnan(values)]',
    '',
    '',
    '# A list of installed families: matplotlib takes each glyph from the first family that has it.',
    `fonts = [name for name in ${JSON.stringify(font)} if name in {entry.name for entry in font_manager.fontManager.ttflist}]`,
    'plt.rcParams.update({',
    '    "font.family": fonts,',
    '    "font.size": LABEL, "axes.labelsize": LABEL, "axes.titlesize": LABEL,',
    '    "xtick.labelsize": SMALL, "ytick.labelsize": SMALL, "legend.fontsize": SMALL,',
    '    "axes.linewidth": 0.6, "pdf.fonttype": 42, "svg.fonttype": "none",',
    '    # Offsets and scientific ticks as ×10⁸, not 1e8.',
    '    "axes.formatter.use_mathtext": True,',
    '})',
    `fig, axes = plt.subplots(${grid.rows}, ${grid.columns}, figsize=(WIDTH_IN, HEIGHT_IN), squeeze=False, constrained_layout=True)`,
    '',
    ...plots.flatMap((plot, index) => {
      // Shared names on the bottom plot of each column and the first of each row, as on screen.
      const place = { index, columns: grid.columns, xName: !shared.x || index + grid.columns >= plots.length, yName: !shared.y || index % grid.columns === 0 };
      return [...plotBlock(plot, input.data.columns[index], place), ''];
    }),
    `for unused in axes.flat[${plots.length}:]:`,
    '    unused.set_axis_off()',
    '',
    '# One legend above the plots, each name once; what does not fit in three rows is summed up.',
    'handles = {}',
    'for ax in axes.flat:',
    '    for handle, label in zip(*ax.get_legend_handles_labels()):',
    '        handles.setdefault(label, handle)',
    'if handles:',
    '    names = list(handles)',
    '    # Columns as wide as the widest name as drawn (mathtext included), plus the handle.',
    '    widest = max(TextPath((0, 0), name, size=SMALL, prop=font_manager.FontProperties(family=fonts)).get_extents().width for name in names)',
    '    columns = max(1, int(WIDTH_IN * 72 // (widest + SMALL * 4)))',
    '    shown = names if len(names) <= 3 * columns else names[: 3 * columns - 1]',
    '    entries = [handles[name] for name in shown]',
    '    if len(shown) < len(names):',
    '        entries.append(matplotlib.patches.Patch(visible=False))',
    '        shown.append(f"+{len(names) - len(shown)} more")',
    '    rows = -(-len(shown) // columns)',
    '    fig.legend(entries, shown, loc="upper center", ncol=min(columns, len(shown)), frameon=False)',
    '    fig.get_layout_engine().set(rect=(0, 0, 1, 1 - rows * SMALL * 1.6 / (HEIGHT_IN * 72)))',
    '',
    'output = Path(sys.argv[1]) if len(sys.argv) > 1 else script.with_suffix(".pdf")',
    'kind = output.suffix.lower().lstrip(".")',
    'metadata = {"pdf": {"Title": TITLE, "Subject": CAPTION, "Keywords": "Saddle Lab"}}.get(kind, {"Title": TITLE, "Description": CAPTION})',
    'fig.savefig(output, dpi=DPI, metadata=metadata)',
    'print(output)',
  ];
  return [...header, ...body, ''].join('\n');
}
