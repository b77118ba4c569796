// CSV export of run series in long form (one row per point), with each run's parameters as
// columns so the file stands on its own in pandas or R.
import type { Run } from '../contract';
import { downsample } from '../../workers/numeric/downsample';

interface StoredSeries {
  metric: string;
  x: Float64Array;
  y: Float64Array;
}

export function seriesToCsv(
  runs: Run[],
  read: (runId: number) => StoredSeries[],
  maxPoints: number | undefined,
  projectName: string,
): { filename: string; content: string } {
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const lines = [['run', 'seed', ...paramKeys, 'metric', 'x', 'y'].map(csvCell).join(',')];
  for (const run of runs) {
    const prefix = [run.id, run.seed, ...paramKeys.map((k) => formatParam(run.params[k]))].map(csvCell).join(',');
    for (const series of read(run.id)) {
      const { x, y } = maxPoints ? downsample(series.x, series.y, maxPoints) : series;
      for (let i = 0; i < x.length; i++) lines.push(`${prefix},${csvCell(series.metric)},${x[i]},${y[i]}`);
    }
  }
  const safe = projectName.replace(/[^\w.-]+/g, '_') || 'saddle-lab';
  return { filename: `${safe}-runs-${runs.map((r) => r.id).join('_').slice(0, 60)}.csv`, content: `${lines.join('\n')}\n` };
}

function formatParam(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function csvCell(value: unknown): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
