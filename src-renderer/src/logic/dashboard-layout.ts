// A dashboard's view settings, saved as the free-form `layout` record of `dashboards.save`, and
// the defensive reading of a saved one: unknown or malformed entries fall back to defaults, so a
// layout saved by another version of the app never breaks the dashboard.
import { z } from 'zod';
import type { AxisSpec, ChartSpec } from '../../../src-main/contract/family-meta';
import type { Smoothing } from './smoothing';
import type { XMode } from './x-axis';

const xModeSchema: z.ZodType<XMode> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('native') }),
  z.object({ kind: z.literal('wall') }),
  z.object({ kind: z.literal('metric'), metric: z.string() }),
  z.object({ kind: z.literal('scaled'), param: z.string() }),
  z.object({ kind: z.literal('perRun'), key: z.string() }),
  z.object({ kind: z.literal('log') }),
  z.object({ kind: z.literal('aligned'), event: z.string(), k: z.number().int().min(1) }),
]);

const smoothingSchema: z.ZodType<Smoothing> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('ema'), weight: z.number().min(0).max(0.999) }),
  z.object({ kind: z.literal('moving'), window: z.number().int().min(1).max(1001) }),
  z.object({ kind: z.literal('gaussian'), sigma: z.number().positive().max(200) }),
]);

const referenceLineSchema = z.object({ axis: z.enum(['x', 'y']), value: z.number(), label: z.string().max(200) });
const noteSchema = z.object({ x: z.number(), y: z.number(), text: z.string().max(500) });

/** A list read item by item: the good entries are kept, the bad ones dropped. */
function lenientList<T>(item: z.ZodType<T>) {
  return z.array(z.unknown()).transform((list) => list.flatMap((entry) => {
    const parsed = item.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  }));
}

const panelSchema = z.object({
  logX: z.boolean().catch(false),
  logY: z.boolean().catch(false),
  /** Theory ids switched off on this panel; everything else is drawn. */
  hiddenTheory: lenientList(z.string()).catch([]),
  xMode: xModeSchema.catch({ kind: 'native' }),
  smoothing: smoothingSchema.catch({ kind: 'none' }),
  referenceLines: lenientList(referenceLineSchema).catch([]),
  notes: lenientList(noteSchema).catch([]),
});

export type ComparedExperiment = z.infer<typeof comparedExperimentSchema>;
export type PanelSettings = z.infer<typeof panelSchema>;
export type ReferenceLine = z.infer<typeof referenceLineSchema>;
export type PinnedNote = z.infer<typeof noteSchema>;
export type LayoutMode = 'overlay' | 'smallMultiples';

/** runIds "all": every run the experiment has at the time, so runs added later join. */
const comparedExperimentSchema = z.object({
  experimentId: z.number().int().positive(),
  runIds: z.union([z.literal('all'), lenientList(z.number().int().positive())]),
});

const layoutSchema = z.object({
  mode: z.enum(['overlay', 'smallMultiples']).catch('overlay'),
  /** Combine runs into a centre line and a band per group. */
  aggregate: z.boolean().catch(false),
  bandCentre: z.enum(['mean', 'median']).catch('mean'),
  bandSpread: z.enum(['minmax', 'std', 'se']).catch('minmax'),
  /** Parameters that define a group; null = every parameter that varies. */
  groupKeys: lenientList(z.string()).nullable().catch(null),
  panels: z.record(z.string(), z.unknown()).catch({}),
  selectedRunIds: lenientList(z.number().int()).catch([]),
  /** Runs of other experiments drawn beside this one's (logic/comparison.ts). */
  compared: lenientList(comparedExperimentSchema).catch([]),
  /** The parameter overlays are coloured by (colour bar); null: palette colours; absent: the default for the sweep. */
  colourBy: z.string().nullable().optional().catch(undefined),
  /** A big sweep's line charts draw every selected run, not the default spread subset (logic/draw-cap.ts). */
  drawAll: z.boolean().catch(false),
});

export type DashboardLayout = Omit<z.infer<typeof layoutSchema>, 'panels'> & { panels: Record<string, PanelSettings> };

export function defaultPanel(logX = false, logY = false): PanelSettings {
  return { logX, logY, hiddenTheory: [], xMode: { kind: 'native' }, smoothing: { kind: 'none' }, referenceLines: [], notes: [] };
}

/** A chart's panel before the user changes it: log axes where the family declares them, or where it declares them for a parameter the experiment sweeps. */
export function chartDefaultPanel(chart: ChartSpec, swept: ReadonlySet<string>): PanelSettings {
  const startsLog = (axis: AxisSpec) => axis.log || (axis.logWhenSwept ?? []).some((key) => swept.has(key));
  return defaultPanel(startsLog(chart.x), startsLog(chart.y));
}

export function defaultLayout(): DashboardLayout {
  return { mode: 'overlay', aggregate: false, bandCentre: 'mean', bandSpread: 'minmax', groupKeys: null, panels: {}, selectedRunIds: [], compared: [], colourBy: undefined, drawAll: false };
}

export function readLayout(record: Record<string, unknown>): DashboardLayout {
  const layout = layoutSchema.parse(record);
  const panels: Record<string, PanelSettings> = {};
  for (const [chartId, value] of Object.entries(layout.panels)) {
    const panel = panelSchema.safeParse(value);
    if (panel.success) panels[chartId] = panel.data;
  }
  return { ...layout, panels };
}

/**
 * What is autosaved per experiment (its view record): every setting of the layout but the run
 * selection, which follows the runs table and the runs an experiment gains meanwhile.
 */
export type ViewSettings = Omit<DashboardLayout, 'selectedRunIds'>;

export function viewSettingsOf(layout: DashboardLayout): ViewSettings {
  const { mode, aggregate, bandCentre, bandSpread, groupKeys, panels, compared, colourBy, drawAll } = layout;
  return { mode, aggregate, bandCentre, bandSpread, groupKeys, panels, compared, colourBy, drawAll };
}

/**
 * An experiment's view record read over its defaults: what the record lacks (a record written when
 * it held only the compared runs, or by another version) keeps the experiment's default.
 */
export function readViewSettings(record: Record<string, unknown>, defaults: DashboardLayout): ViewSettings {
  const present = Object.fromEntries(Object.entries(record).filter(([key]) => key in layoutSchema.shape && key !== 'selectedRunIds'));
  return viewSettingsOf(readLayout({ ...defaults, ...present }));
}
