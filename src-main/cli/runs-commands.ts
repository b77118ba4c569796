// `saddle-lab runs`, `compare` and `import` (issue 24): run tables of a project on the command line,
// and runs made elsewhere brought in. Opening the project also brings in its run logs
// (<project>.runs/, written by saddle_lab.init), so a script's runs are listed as soon as it logs.
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { SaddleService } from '../core/service';
import { typedApi } from './typed-api';
import { ExpectedError } from '../core/errors';
import { projectRunsDir } from '../core/run-logs';
import { lockSuffix } from '../core/store/project-lock';
import { compareTable, matches, parseWhere, sortRows, tableCsv, tableMarkdown, tableText, type RunRow, type Table } from '../core/run-table';
import type { Experiment, Run, SaddleApi } from '../contract';

export interface RunsCommandDeps {
  newService(): SaddleService;
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, positionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals: positionals, strict: true });
  } catch (error) {
    throw new ExpectedError((error as Error).message);
  }
}

function ids(values: string[] | undefined, flag: string): number[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((text) => {
    const n = Number(text.trim());
    if (!Number.isInteger(n) || n < 1) throw new ExpectedError(`${flag} must be positive integers, got "${text}"`, [{ path: flag.replace(/^--/, ''), message: text }]);
    return n;
  });
}

/**
 * Opens the project for writing, so that run logs waiting beside it are brought in first; when another
 * process holds it (the serve host, a running sweep), reads it as that process has stored it.
 */
async function openToRead(api: SaddleApi, path: string): Promise<void> {
  try {
    await api.projects.open({ path });
  } catch (error) {
    if (!existsSync(path + lockSuffix)) throw error;
    await api.projects.open({ path, readOnly: true });
    console.error(`read-only: ${(error as Error).message.split('. ')[0]}; runs it has not stored yet are not listed`);
  }
}

/** The project's runs as rows (with experiment and origin), of the chosen experiments or runs, filtered by --where. */
async function readRows(api: SaddleApi, values: Record<string, unknown>): Promise<RunRow[]> {
  if (!values.project) throw new ExpectedError('--project FILE is needed', [{ path: 'project', message: 'missing' }]);
  const path = resolve(values.project as string);
  if (existsSync(path)) await openToRead(api, path);
  else if (existsSync(projectRunsDir(path))) {
    // Scripts logged into a project no app has opened yet: it is made now, from their run logs.
    await api.projects.new({ path });
    console.error(`created ${path} for the run logs in ${projectRunsDir(path)}`);
  } else throw new ExpectedError(`--project: ${path} does not exist`, [{ path: 'project', message: 'no such file' }]);
  const experiments = await api.experiments.list();
  const byId = new Map(experiments.map((e) => [e.id, e]));
  const chosenExperiments = ids(values.experiment as string[] | undefined, '--experiment');
  for (const id of chosenExperiments) if (!byId.has(id)) throw new ExpectedError(`--experiment ${id}: no such experiment in ${path}`, [{ path: 'experiment', message: String(id) }]);
  const chosenRuns = new Set(ids(values.runs === undefined ? undefined : [values.runs as string], '--runs'));
  const conditions = parseWhere((values.where as string[] | undefined) ?? []);
  let runs = await api.runs.list();
  if (chosenExperiments.length > 0) runs = runs.filter((r) => chosenExperiments.includes(r.experimentId));
  if (chosenRuns.size > 0) runs = runs.filter((r) => chosenRuns.has(r.id));
  const rows = await withOrigins(api, runs, byId);
  return sortRows(rows.filter((row) => matches(row, conditions)), values.sort as string | undefined);
}

async function withOrigins(api: SaddleApi, runs: readonly Run[], experiments: ReadonlyMap<number, Experiment>): Promise<RunRow[]> {
  const origins = new Map((await api.runs.origins({ runIds: runs.map((r) => r.id) })).map((o) => [o.runId, o]));
  return runs.map((run) => ({ run, experiment: experiments.get(run.experimentId) as Experiment, origin: origins.get(run.id) }));
}

/** `export --format summaries`: one CSV row per run, every parameter and scalar summary a column. */
export async function summariesCsv(api: SaddleApi, runIds: readonly number[]): Promise<string> {
  const chosen = new Set(runIds);
  const experiments = new Map((await api.experiments.list()).map((e) => [e.id, e]));
  const rows = await withOrigins(api, (await api.runs.list()).filter((r) => chosen.has(r.id)), experiments);
  return tableCsv(compareTable(rows, { onlyVarying: false }));
}

const tableOptions = {
  project: { type: 'string' },
  experiment: { type: 'string', multiple: true },
  where: { type: 'string', multiple: true },
  sort: { type: 'string' },
} as const;

export async function runsCommand(args: string[], deps: RunsCommandDeps): Promise<number> {
  const { values } = parse(args, { ...tableOptions, json: { type: 'boolean' } });
  const service = deps.newService();
  try {
    const rows = await readRows(typedApi(service), values);
    if (values.json) {
      for (const { run, experiment, origin } of rows) {
        console.log(JSON.stringify({ id: run.id, experimentId: run.experimentId, family: experiment.family, name: origin?.name ?? null, status: run.status, origin: origin ? { kind: origin.kind, source: origin.source } : null, params: run.params, summary: run.summary, tags: run.tags, notes: run.notes, startedAtMs: run.startedAtMs, finishedAtMs: run.finishedAtMs, error: run.error }));
      }
      return 0;
    }
    const table = compareTable(rows, { onlyVarying: false, columns: ['run', 'experiment', 'name', 'status', 'started', 'origin'] });
    table.columns.push('params');
    table.rows.forEach((cells, index) => cells.push(Object.entries(rows[index].run.params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')));
    process.stdout.write(rows.length === 0 ? 'no runs\n' : tableText(shortOrigins(table)));
    return 0;
  } finally {
    await service.close();
  }
}

/** In a terminal table an origin is its kind; the full source is in --json and compare's CSV. */
function shortOrigins(table: Table): Table {
  const column = table.columns.indexOf('origin');
  return { columns: table.columns, rows: table.rows.map((row) => row.map((cell, c) => (c === column && typeof cell === 'string' ? cell.split(':')[0] : cell))) };
}

export async function compareCommand(args: string[], deps: RunsCommandDeps): Promise<number> {
  const { values } = parse(args, {
    ...tableOptions,
    runs: { type: 'string' },
    columns: { type: 'string' },
    'all-params': { type: 'boolean' },
    format: { type: 'string', default: 'table' },
    out: { type: 'string' },
  });
  const format = values.format as string;
  if (!['table', 'csv', 'markdown', 'json'].includes(format)) throw new ExpectedError(`--format must be table, csv, markdown or json, got "${format}"`, [{ path: 'format', message: format }]);
  const service = deps.newService();
  try {
    const rows = await readRows(typedApi(service), values);
    const columns = values.columns === undefined ? undefined : (values.columns as string).split(',').map((c) => c.trim()).filter(Boolean);
    const table = compareTable(rows, { onlyVarying: !values['all-params'], columns });
    const content = formatTable(table, format);
    if (values.out) writeFileSync(resolve(values.out as string), content);
    else process.stdout.write(content);
    return 0;
  } finally {
    await service.close();
  }
}

export function formatTable(table: Table, format: string): string {
  if (format === 'csv') return tableCsv(table);
  if (format === 'markdown') return tableMarkdown(table);
  if (format === 'json') return table.rows.map((row) => JSON.stringify(Object.fromEntries(table.columns.map((c, i) => [c, row[i]])))).join('\n') + (table.rows.length ? '\n' : '');
  return tableText(table);
}

export async function importCommand(args: string[], deps: RunsCommandDeps): Promise<number> {
  const { values, positionals } = parse(args, { project: { type: 'string' }, kind: { type: 'string', default: 'auto' }, 'experiment-name': { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new ExpectedError('import takes exactly one PATH', [{ path: 'path', message: 'missing' }]);
  if (!values.project) throw new ExpectedError('import needs --project FILE', [{ path: 'project', message: 'missing' }]);
  const service = deps.newService();
  try {
    const project = resolve(values.project as string);
    const api = typedApi(service);
    await (existsSync(project) ? api.projects.open({ path: project }) : api.projects.new({ path: project }));
    const kind = values.kind as string;
    if (!['auto', 'mlflow', 'csv', 'run-logs'].includes(kind)) throw new ExpectedError(`--kind must be auto, mlflow, csv or run-logs, got "${kind}"`, [{ path: 'kind', message: kind }]);
    const result = await api.runs.import({ path: resolve(positionals[0]), kind: kind as 'auto', experimentName: values['experiment-name'] as string | undefined });
    if (values.json) console.log(JSON.stringify(result));
    else {
      console.log(`imported ${result.runIds.length} run(s) into experiment(s) ${result.experimentIds.join(', ') || '—'} of ${project}`);
      for (const problem of result.problems) console.error(`  not imported: ${problem}`);
    }
    return result.runIds.length > 0 ? 0 : 1;
  } finally {
    await service.close();
  }
}
