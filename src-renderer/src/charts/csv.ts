// CSV of what a panel shows: long format (one row per point), easy to load with pandas.
import type { AnalysisResult } from '../../../src-main/contract/family-meta';
import { toCsv } from '../logic/csv';
import type { PanelModel } from './panel-model';

export function panelCsv(model: PanelModel): string {
  const rows: unknown[][] = [];
  for (const group of model.groups) {
    const runIds = group.runIds.join(' ');
    for (const line of group.lines) {
      line.x.forEach((x, i) => {
        rows.push([group.label, runIds, line.metric, x, line.y[i], line.band?.min[i] ?? '', line.band?.max[i] ?? '']);
      });
    }
  }
  const { x, y } = model.chart;
  return toCsv(['series', 'run_ids', 'metric', `x (${x.label})`, `y (${y.label})`, 'y_min', 'y_max'], rows);
}

export function analysisCsv(result: AnalysisResult): string {
  const rows = result.rows.map((row) => result.columns.map((column) => row[column.key]));
  return toCsv(result.columns.map((column) => column.label), rows);
}
