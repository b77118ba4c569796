// A script family as a FamilyDefinition: its JSON Schema params become a zod schema (the same
// validation, defaults and form as a built-in), and `run` runs the manifest's command once in a
// fresh working folder holding a copy of the family's files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { z } from 'zod';
import { DivergedError, type FamilyDefinition, type RunContext, type RunSummary } from '../family';
import type { ScriptFamilyManifest } from '../../src-main/contract/script-family';
import { NonFiniteError } from './line-protocol';
import { runProcess, type ProcessEnd } from './run-process';
import { snapshotFolder } from './snapshot';
import { compileTheory } from './theory';

export interface ScriptFamilyOptions {
  /** Folder of the Python helper `saddle_lab.py`, put first on PYTHONPATH. */
  sdkDir: string | null;
  /** The content hash the host recorded when it queued the run: a changed folder fails the run. */
  expectedHash?: string;
}

/** Points are gathered per metric and sent in chunks of this size (one message per chunk)… */
const chunkPoints = 8192;
/** …or when this long has passed, so a slow script still streams. */
const chunkMaxAgeMs = 100;
/** The stderr tail quoted in a failed run's error. */
const stderrInError = 4000;

export function scriptFamily(manifest: ScriptFamilyManifest, dir: string, options: ScriptFamilyOptions): FamilyDefinition {
  const params = z.fromJSONSchema(manifest.params as z.core.JSONSchema.JSONSchema);
  const exact = new Set(manifest.metrics.map((m) => m.name));
  const prefixes = manifest.metrics.map((m) => m.name).filter((name) => name.endsWith('/'));
  const theory = manifest.theory.length > 0 ? compileTheory(manifest.theory) : undefined;
  const declared = (metric: string): boolean => exact.has(metric) || prefixes.some((prefix) => metric.startsWith(prefix) && metric.length > prefix.length);
  return {
    id: manifest.id,
    title: manifest.title,
    summary: manifest.summary,
    references: manifest.references,
    formulas: manifest.formulas,
    params,
    metrics: manifest.metrics,
    charts: manifest.charts,
    theory: theory && ((values) => theory(values as Record<string, unknown>)),
    run: (values, ctx) => runScript(manifest, dir, options, declared, values as Record<string, unknown>, ctx),
  };
}

async function runScript(
  manifest: ScriptFamilyManifest,
  dir: string,
  options: ScriptFamilyOptions,
  declared: (metric: string) => boolean,
  params: Record<string, unknown>,
  ctx: RunContext,
): Promise<RunSummary> {
  const snapshot = snapshotFolder(dir);
  if (options.expectedHash && snapshot.hash !== options.expectedHash) {
    throw new Error(`the files of ${manifest.id} in ${dir} changed after this run was queued: start it again to run the new version`);
  }
  const workDir = mkdtempSync(join(tmpdir(), `saddle-run-${manifest.id}-`));
  try {
    for (const file of snapshot.files) {
      mkdirSync(dirname(join(workDir, file.path)), { recursive: true });
      writeFileSync(join(workDir, file.path), file.data);
    }
    const input = JSON.stringify({ family: manifest.id, params, seed: ctx.seed });
    const paramsFile = join(workDir, 'saddle-params.json');
    writeFileSync(paramsFile, input);
    const chunks = new ChunkBuffer(ctx);
    const summary: RunSummary = {};
    const end = await runProcess({
      argv: [...manifest.command, ...flagArguments(manifest, params)],
      cwd: workDir,
      env: { ...scriptEnv(manifest, params, ctx.seed, input, paramsFile, workDir, options.sdkDir), ...artifactsEnv(ctx) },
      stdin: input,
      timeoutSeconds: manifest.limits.timeoutSeconds,
      memoryMb: manifest.limits.memoryMb,
      signal: ctx.signal,
      declared,
      handlers: {
        points: (metric, x, y) => chunks.add(metric, x, y),
        progress: (fraction) => ctx.progress(fraction),
        summary: (values) => Object.assign(summary, values),
      },
    });
    if (end.stderr) ctx.keepLog?.(end.stderr);
    chunks.flush();
    return settle(end, manifest, summary);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The run's outcome from how the process ended; every failure names its cause and quotes stderr. */
function settle(end: ProcessEnd, manifest: ScriptFamilyManifest, summary: RunSummary): RunSummary {
  const tail = end.stderr.trim() ? `\n--- stderr (end) ---\n${end.stderr.trim().slice(-stderrInError)}` : '';
  const cap = manifest.limits.memoryMb;
  const memory = cap && /MemoryError|Cannot allocate memory|bad_alloc|out of memory/i.test(end.stderr) ? ` (memory cap ${cap} MB, limits.memoryMb)` : '';
  switch (end.kind) {
    case 'cancelled':
      return summary;
    case 'status':
      if (end.final.status === 'done') return summary;
      if (end.final.status === 'diverged') throw new DivergedError(end.final.message);
      throw new Error(`the script reported failure: ${end.final.message}${memory}${tail}`);
    case 'error':
      if (end.error instanceof NonFiniteError) throw new DivergedError(end.error.message);
      throw new Error(`${end.error.message}${tail}`);
    case 'timeout':
      throw new Error(`timed out after ${manifest.limits.timeoutSeconds} s (limits.timeoutSeconds in ${manifest.id}'s manifest)${tail}`);
    case 'exit': {
      const how = end.signal ? `was killed by ${end.signal}` : end.code === 0 ? 'exited without a final status line ({"type": "status", "status": "done"})' : `exited with code ${end.code}`;
      throw new Error(`the script ${how}${memory}${tail}`);
    }
  }
}

/** Parameters as env vars too: SADDLE_PARAM_<NAME> (scalars as text, arrays as JSON). */
function scriptEnv(
  manifest: ScriptFamilyManifest,
  params: Record<string, unknown>,
  seed: number,
  input: string,
  paramsFile: string,
  workDir: string,
  sdkDir: string | null,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SADDLE_FAMILY: manifest.id,
    SADDLE_SEED: String(seed),
    SADDLE_PARAMS: input,
    SADDLE_PARAMS_FILE: paramsFile,
    SADDLE_RUN_DIR: workDir,
    // Lines must reach us as they are written, not when a 4 KB buffer fills.
    PYTHONUNBUFFERED: '1',
  };
  if (sdkDir) env.PYTHONPATH = [sdkDir, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
  for (const [name, value] of Object.entries(params)) {
    // A nested parameter's dots become "__" (optim.lr → SADDLE_PARAM_OPTIM__LR): shells refuse dots in names.
    env[`SADDLE_PARAM_${name.toUpperCase().replaceAll('.', '__')}`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}

/** SADDLE_RUN_ID and SADDLE_ARTIFACTS_DIR (made here): files a run writes there are kept with it. */
function artifactsEnv(ctx: RunContext): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (ctx.runId !== undefined) env.SADDLE_RUN_ID = String(ctx.runId);
  if (ctx.artifactsDir) {
    mkdirSync(ctx.artifactsDir, { recursive: true });
    env.SADDLE_ARTIFACTS_DIR = ctx.artifactsDir;
  }
  return env;
}

/** Parameters the manifest marks `argparse` as command-line flags, in the manifest's order. */
export function flagArguments(manifest: ScriptFamilyManifest, params: Record<string, unknown>): string[] {
  const argv: string[] = [];
  for (const [name, property] of Object.entries(manifest.params.properties)) {
    const flag = property.argparse;
    if (!flag || !(name in params)) continue;
    const value = params[name];
    if (flag.action === 'store_true') {
      if (value === true) argv.push(flag.option);
    } else if (flag.action === 'store_false') {
      if (value === false) argv.push(flag.option);
    } else if (Array.isArray(value)) argv.push(flag.option, ...value.map(String));
    else argv.push(flag.option, String(value));
  }
  return argv;
}

/** Gathers points per metric into typed arrays and emits them in chunks, so a chatty script costs few messages. */
class ChunkBuffer {
  private readonly open = new Map<string, { x: Float64Array; y: Float64Array; n: number }>();
  /** Sends what waits at most chunkMaxAgeMs after it came, also when the script then goes quiet. */
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: RunContext) {}

  add(metric: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
    for (let i = 0; i < x.length; i++) {
      let buffer = this.open.get(metric);
      if (!buffer) {
        buffer = { x: new Float64Array(chunkPoints), y: new Float64Array(chunkPoints), n: 0 };
        this.open.set(metric, buffer);
      }
      buffer.x[buffer.n] = x[i];
      buffer.y[buffer.n] = y[i];
      if (++buffer.n === chunkPoints) this.emit(metric);
    }
    if (this.open.size > 0) this.timer ??= setTimeout(() => this.flush(), chunkMaxAgeMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const metric of [...this.open.keys()]) this.emit(metric);
  }

  private emit(metric: string): void {
    const buffer = this.open.get(metric);
    this.open.delete(metric);
    if (!buffer || buffer.n === 0) return;
    const full = buffer.n === chunkPoints;
    this.ctx.emit({ metric, x: full ? buffer.x : buffer.x.slice(0, buffer.n), y: full ? buffer.y : buffer.y.slice(0, buffer.n) });
  }
}
