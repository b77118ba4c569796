// Panels register how to export themselves, so a menu command can export "the active panel".
export type ExportFormat = 'png' | 'svg' | 'csv';
export type PanelExporter = (format: ExportFormat) => Promise<void>;

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
