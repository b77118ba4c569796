// `saddle-lab`'s commands (loaded by the entry, main.ts): run experiments and sweeps, list
// families, export data and serve the workbench, all without a window. Exit codes: 0 ok, 1 some runs did not finish as done, 2 invalid input,
// 130 / 143 a run ended by SIGINT / SIGTERM (its runs cancelled and stored so).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { PrestartedPool } from '../core/run-pool';
import { SaddleService } from '../core/service';
import { appPaths } from '../core/app-paths';
import { ExpectedError, describeIssues, toApiError } from '../core/errors';
import { prototypeKeyIssues } from '../core/prototype-keys';
import { clusterCommands, runClusterCommand, type ClusterCommand } from './cluster-commands';
import { Interruption, ProjectFile, requireValidSpecFile, runExperiment } from './run-experiment';
import { typedApi } from './typed-api';
import { claimsCommand } from './claims-command';
import { compareCommand, importCommand, runsCommand, summariesCsv } from './runs-commands';
import { usage } from './usage';
import { builtInFamilyIds } from '../../workers/families/load';
import { exampleFile, exampleSpec, type AnalysisResult, type FieldIssue, type Run, type SaddleApi } from '../contract';

declare const __APP_VERSION__: string;


class UsageError extends Error {}

const paths = appPaths(import.meta.url);

async function main(argv: string[], prestarted: PrestartedPool | undefined): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest, prestarted);
    case 'validate':
      return validateCommand(rest);
    case 'families':
      return familiesCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'runs':
      return runsCommand(rest, { newService: () => newService() });
    case 'compare':
      return compareCommand(rest, { newService: () => newService() });
    case 'import':
      return importCommand(rest, { newService: () => newService() });
    case 'family':
      return (await import('./family-init')).familyInitCommand(rest, join(paths.root, 'python'));
    case 'claims': {
      const { values } = parse(rest, {
        paper: { type: 'string', multiple: true },
        claim: { type: 'string', multiple: true },
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        project: { type: 'string' },
        report: { type: 'string' },
        pool: { type: 'string' },
        ...familyPathOption,
      });
      return claimsCommand(
        {
          papers: (values.paper as string[] | undefined) ?? [],
          claims: (values.claim as string[] | undefined) ?? [],
          quick: Boolean(values.quick),
          json: Boolean(values.json),
          project: values.project as string | undefined,
          report: values.report as string | undefined,
          poolSize: positiveInt(values.pool as string | undefined, '--pool'),
          familyPaths: values['family-path'] as string[] | undefined,
        },
        { newService: (options) => newService({ ...options, prestarted }), examplesDir: paths.examplesDir, appVersion: __APP_VERSION__ },
      );
    }
    default:
      if ((clusterCommands as readonly string[]).includes(command)) {
        return runClusterCommand(command as ClusterCommand, rest, { newService, appVersion: __APP_VERSION__, workerFile: paths.workerFile });
      }
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** Repeatable: --family-path A --family-path B. */
const familyPathOption = { 'family-path': { type: 'string', multiple: true } } as const;

function newService(options: { poolSize?: number; liveEvents?: boolean; host?: 'cli' | 'serve'; familyPaths?: string[]; builtInFamilies?: readonly string[]; prestarted?: PrestartedPool } = {}): SaddleService {
  return new SaddleService({
    appVersion: __APP_VERSION__,
    host: options.host ?? 'cli',
    workerFile: paths.workerFile,
    examplesDir: paths.examplesDir,
    poolSize: options.poolSize,
    prestarted: options.prestarted,
    liveEvents: options.liveEvents ?? false,
    familyPaths: options.familyPaths,
    builtInFamilies: options.builtInFamilies,
  });
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

async function runCommand(args: string[], prestarted: PrestartedPool | undefined): Promise<number> {
  const { values, positionals } = parse(args, { project: { type: 'string' }, json: { type: 'boolean' }, pool: { type: 'string' }, quick: { type: 'boolean' }, ...familyPathOption }, true);
  if (positionals.length !== 1) throw new UsageError('run takes exactly one SPEC.json file');
  const poolSize = positiveInt(values.pool as string | undefined, '--pool');
  const specFile = resolve(positionals[0]);
  const spec = readSpecFile(specFile, Boolean(values.quick));
  const json = Boolean(values.json);
  const builtInFamilies = builtInFamilyOf(spec);
  const service = newService({ poolSize, familyPaths: values['family-path'] as string[] | undefined, builtInFamilies, prestarted });
  const api = typedApi(service);
  const project = ProjectFile.at(values.project as string | undefined);
  const interruption = new Interruption();
  try {
    await requireValidSpecFile(api, spec, specFile);
    // Only now: a refused spec leaves the pre-started thread to PrestartedPool.release, which lets it
    // finish loading before it ends (the process aborted, exit 134, when it ended mid-load). The
    // thread loads the spec's family while the project opens.
    service.warmUp(builtInFamilies?.[0]);
    await project.load(api);
    if (interruption.exitCode !== null) return interruption.exitCode;
    const { experiment, eachRun, eachAnalysis } = await runExperiment(service, spec, !json, interruption.signal);
    let allDone = true;
    if (json) {
      for (const r of eachRun()) {
        allDone &&= r.status === 'done';
        await writeLine(JSON.stringify({ type: 'run', id: r.id, params: r.params, seed: r.seed, status: r.status, summary: r.summary, error: r.error }));
      }
      for (const a of eachAnalysis()) await writeLine(JSON.stringify({ type: 'analysis', name: a.id, result: a }));
    } else {
      allDone = printRunReport(experiment.name, eachRun, eachAnalysis);
      console.log(project.temporary ? '\n(no --project given: these results were not kept)' : `\nSaved in ${project.path}`);
    }
    return interruption.exitCode ?? (allDone ? 0 : 1);
  } finally {
    await service.close();
    project.removeIfTemporary();
    interruption.dispose();
  }
}

/**
 * A spec file, or a shipped example (its quick variant with `quick`). Says before the start how
 * long an example takes when that is more than a minute, and that a quick variant exists.
 */
function readSpecFile(specFile: string, quick: boolean): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(specFile, 'utf8'));
  } catch (error) {
    throw new ExpectedError(`cannot read ${specFile}: ${(error as Error).message}`);
  }
  // Before zod reads the file: it would drop such a key without a word.
  const reserved = prototypeKeyIssues(raw);
  if (reserved.length > 0) throw new ExpectedError(`invalid spec ${specFile}: ${describeIssues(reserved)}`, reserved);
  const example = exampleFile.safeParse(raw);
  // A plain spec that fails here is reported by experiments.validate, field by field.
  if (!example.success) {
    if (quick) throw new ExpectedError(`--quick: ${specFile} is not a valid example file`);
    return raw;
  }
  const spec = exampleSpec(example.data, quick ? 'quick' : 'full');
  if (!spec) throw new ExpectedError(`--quick: ${specFile} has no quick variant (its "quick" field)`);
  const seconds = example.data.expectedSeconds;
  if (!quick && seconds !== undefined && seconds > 60) {
    console.error(
      `${spec.name}: about ${formatDuration(seconds)} on a 2-core machine with the default pool` +
        (example.data.quick ? '; --quick runs a small variant in seconds.' : '.'),
    );
  }
  return spec;
}

/** A spec naming a built-in family needs only that one loaded; any other spec, all (they are named in its errors). */
function builtInFamilyOf(spec: unknown): string[] | undefined {
  const family = typeof spec === 'object' && spec !== null ? (spec as { family?: unknown }).family : undefined;
  return typeof family === 'string' && builtInFamilyIds.includes(family) ? [family] : undefined;
}

function formatDuration(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * The text report; true when every run ended done. The runs are read from the project in passes
 * (counts, then the lines), never all held: a sweep of thousands lists its counts and exceptions.
 */
function printRunReport(name: string, eachRun: () => Iterable<Run>, eachAnalysis: () => Iterable<AnalysisResult>): boolean {
  const counts = new Map<string, number>();
  for (const r of eachRun()) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  console.log(`${name}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  if (total !== (counts.get('done') ?? 0)) for (const r of eachRun()) if (r.status !== 'done') console.log(`  run ${r.id} ${r.status}: ${r.error ?? ''}`);
  for (const r of eachRun()) if (typeof r.summary?.warning === 'string' && r.summary.warning) console.log(`  run ${r.id} warning: ${r.summary.warning}`);
  if (total <= 10) {
    for (const r of eachRun()) console.log(`  run ${r.id} ${JSON.stringify(r.params)} → ${JSON.stringify(r.summary)}`);
  }
  for (const analysis of eachAnalysis()) {
    console.log(`\n${analysis.title}`);
    for (const c of analysis.checks) {
      console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${fmt(c.value)} (expected ${fmt(c.expected)}, ${c.tolerance})`);
    }
    for (const note of analysis.notes) console.log(`  note: ${note}`);
  }
  return total === (counts.get('done') ?? 0);
}

function fmt(v: number | null): string {
  return v === null ? '—' : Number(v.toPrecision(5)).toString();
}

/** Checks spec files without running them, one line each; exit 0 when every one is valid, 2 otherwise. */
async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, quick: { type: 'boolean' }, ...familyPathOption }, true);
  if (positionals.length === 0) throw new UsageError('validate takes one or more SPEC.json files');
  const service = newService({ familyPaths: values['family-path'] as string[] | undefined });
  const api = typedApi(service);
  let allValid = true;
  try {
    for (const file of positionals) {
      const result = await validateSpecFile(api, resolve(file), Boolean(values.quick));
      allValid &&= result.ok;
      if (values.json) console.log(JSON.stringify({ type: 'spec', file, ...result }));
      else if (result.ok) console.log(`${file}: valid, ${result.runCount} run${result.runCount === 1 ? '' : 's'}`);
      else console.log(`${file}: invalid\n${result.issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`);
    }
    return allValid ? 0 : 2;
  } finally {
    await service.close();
  }
}

/** A spec file's validation; a file that cannot be read is invalid too, named as "(file)". */
async function validateSpecFile(api: SaddleApi, specFile: string, quick: boolean): Promise<{ ok: boolean; runCount: number; issues: FieldIssue[] }> {
  try {
    return await api.experiments.validate({ spec: readSpecFile(specFile, quick) });
  } catch (error) {
    if (!(error instanceof ExpectedError)) throw error;
    return { ok: false, runCount: 0, issues: error.issues.length > 0 ? error.issues : [{ path: '(file)', message: error.message }] };
  }
}

async function familiesCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, ...familyPathOption });
  const service = newService({ familyPaths: values['family-path'] as string[] | undefined });
  const api = typedApi(service);
  try {
    const families = await api.families.list();
    const problems = await api.families.problems();
    if (values.json) {
      for (const f of families) console.log(JSON.stringify(f));
      for (const p of problems) console.log(JSON.stringify({ type: 'problem', ...p }));
    } else {
      for (const f of families) {
        const from = f.location ? `${f.origin} ${f.kind} family, ${f.location}` : f.origin;
        console.log(`${f.id}\t${f.title}  [${from}]\n  ${f.summary}\n  defaults: ${JSON.stringify(f.defaults)}\n  analyses: ${f.analyses.map((a) => a.id).join(', ') || '—'}`);
      }
      for (const p of problems) console.error(`not loaded (${p.origin}): ${p.message}`);
    }
    return problems.length > 0 ? 1 : 0;
  } finally {
    await service.close();
  }
}

async function exportCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    project: { type: 'string' },
    experiment: { type: 'string' },
    runs: { type: 'string' },
    format: { type: 'string', default: 'csv' },
    out: { type: 'string' },
    'max-points': { type: 'string' },
  });
  if (!values.project) throw new UsageError('export needs --project FILE');
  const format = values.format as string;
  if (format !== 'csv' && format !== 'spec' && format !== 'summaries') throw new UsageError(`--format must be csv, summaries or spec, got "${format}"`);
  const service = newService();
  const api = typedApi(service);
  try {
    // Read-only: export works while another process runs into the project, and on a full disk.
    await api.projects.open({ path: resolve(values.project as string), readOnly: true });
    let content: string;
    if (format === 'spec') {
      const id = positiveInt(values.experiment as string | undefined, '--experiment');
      if (id === undefined) throw new UsageError('--format spec needs --experiment ID');
      content = `${JSON.stringify(await api.experiments.exportSpec({ id }), null, 2)}\n`;
    } else {
      let runIds: number[];
      if (values.runs) runIds = (values.runs as string).split(',').map((s) => positiveInt(s.trim(), '--runs') as number);
      else {
        const experimentId = positiveInt(values.experiment as string | undefined, '--experiment');
        if (experimentId === undefined) throw new UsageError('export needs --experiment ID or --runs ID,ID,…');
        runIds = (await api.runs.list({ experimentId })).map((r) => r.id);
      }
      if (runIds.length === 0) throw new ExpectedError('nothing to export: the experiment has no runs');
      if (format === 'summaries') content = await summariesCsv(api, runIds);
      else {
        const maxPoints = positiveInt(values['max-points'] as string | undefined, '--max-points');
        ({ content } = await api.exports.csv({ runIds, maxPoints }));
      }
    }
    if (values.out) writeFileSync(resolve(values.out as string), content);
    else process.stdout.write(content);
    return 0;
  } finally {
    await service.close();
  }
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { port: { type: 'string' }, project: { type: 'string' }, pool: { type: 'string' }, ...familyPathOption });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got "${values.port}"`);
  const service = newService({ host: 'serve', liveEvents: true, poolSize: positiveInt(values.pool as string | undefined, '--pool'), familyPaths: values['family-path'] as string[] | undefined });
  if (values.project) {
    const path = resolve(values.project as string);
    const api = typedApi(service);
    await (existsSync(path) ? api.projects.open({ path }) : api.projects.new({ path }));
  }
  // Loaded only here: the WebSocket server's modules cost every other command ~50 ms of start-up.
  const { startServer } = await import('../serve/server');
  const server = await startServer({ service, rendererDir: paths.rendererDir, port });
  console.log(`Saddle Lab is serving on ${server.url}`);
  console.log('Open that URL in a browser on this machine. Press Ctrl+C to stop.');
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await service.close();
  return 0;
}

function reportFailure(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(`saddle-lab: ${error.message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const shaped = toApiError(error);
  console.error(`saddle-lab: ${shaped.message}`);
  for (const issue of shaped.issues) console.error(`  ${issue.path}: ${issue.message}`);
  if (shaped.kind === 'bug' && error instanceof Error) console.error(error.stack);
  process.exitCode = shaped.kind === 'bug' ? 70 : 2;
}

// `saddle-lab export … | head`: a reader that stops early is no failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  console.error(`saddle-lab: cannot write the output: ${error.message}`);
  process.exitCode = 1;
});

/**
 * One line to stdout, waiting while a pipe's reader is behind: console.log queues what a full pipe
 * does not take, so a slow reader made the CLI hold a large sweep's whole listing. A reader that
 * has left (EPIPE, handled above) ends the wait; what is written after that is dropped.
 */
async function writeLine(line: string): Promise<void> {
  const out = process.stdout;
  if (out.destroyed || out.write(`${line}\n`)) return;
  await new Promise<void>((resume) => {
    const done = () => {
      for (const event of ['drain', 'close', 'error']) out.off(event, done);
      resume();
    };
    for (const event of ['drain', 'close', 'error']) out.once(event, done);
  });
}

/** Runs one command (main.ts answers --help and --version without loading this module). */
export async function runCli(argv: string[], prestarted?: PrestartedPool): Promise<void> {
  await main(argv, prestarted)
    .then((code) => {
      process.exitCode = code;
    }, reportFailure)
    // `run` starts a pool thread before the CLI loads; one that no run took must end cleanly.
    .finally(() => prestarted?.release());
}
