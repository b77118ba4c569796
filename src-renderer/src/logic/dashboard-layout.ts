// A dashboard's view settings, saved as the free-form `layout` record of `dashboards.save`, and
// the defensive reading of a saved one: unknown or malformed entries fall back to defaults.

export type LayoutMode = 'overlay' | 'smallMultiples';

export interface PanelSettings {
  logX: boolean;
  logY: boolean;
  /** Theory ids switched off on this panel; everything else is drawn. */
  hiddenTheory: string[];
}

export interface DashboardLayout {
  mode: LayoutMode;
  /** Combine runs into mean + min–max band per group. */
  aggregate: boolean;
  /** Parameters that define a group; null = every parameter that varies. */
  groupKeys: string[] | null;
  panels: Record<string, PanelSettings>;
  selectedRunIds: number[];
}

export function defaultLayout(): DashboardLayout {
  return { mode: 'overlay', aggregate: false, groupKeys: null, panels: {}, selectedRunIds: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function readPanel(value: unknown): PanelSettings | null {
  if (!isRecord(value)) return null;
  return { logX: value.logX === true, logY: value.logY === true, hiddenTheory: stringList(value.hiddenTheory) };
}

export function readLayout(record: Record<string, unknown>): DashboardLayout {
  const layout = defaultLayout();
  if (record.mode === 'overlay' || record.mode === 'smallMultiples') layout.mode = record.mode;
  layout.aggregate = record.aggregate === true;
  layout.groupKeys = Array.isArray(record.groupKeys) ? stringList(record.groupKeys) : null;
  if (isRecord(record.panels)) {
    for (const [chartId, value] of Object.entries(record.panels)) {
      const panel = readPanel(value);
      if (panel) layout.panels[chartId] = panel;
    }
  }
  if (Array.isArray(record.selectedRunIds)) {
    layout.selectedRunIds = record.selectedRunIds.filter((id): id is number => Number.isInteger(id));
  }
  return layout;
}
