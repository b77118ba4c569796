// Panels register how to export themselves, so a menu command can export "the active panel".
import type { FigureSource } from '../figure/figure-sources';

export type ExportFormat = 'png' | 'svg' | 'csv';
/** Quick export in one format; `figure` is what the publication-figure dialog exports from. */
export type PanelExporter = ((format: ExportFormat) => Promise<void>) & { readonly figure: FigureSource };

const exporters = new Map<string, PanelExporter>();

export function registerPanelExporter(panelId: string, exporter: PanelExporter): () => void {
  exporters.set(panelId, exporter);
  return () => {
    if (exporters.get(panelId) === exporter) exporters.delete(panelId);
  };
}

/** The exporter of `panelId`, or of the first registered panel when that one is gone. */
export function panelExporter(panelId: string | null): PanelExporter | null {
  return (panelId !== null ? exporters.get(panelId) : undefined) ?? exporters.values().next().value ?? null;
}
