// Script families: how fast the line protocol ingests metric points from a real process (batched
// and one point per line, against the same bytes piped without parsing), and what one run costs
// as a process (python3 start, copy, parse) against a built-in family's run in the same thread.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest } from '../workers/families/sources';
import { scriptFamily } from '../workers/script-family/script-family';
import { getFamily } from '../workers/families/index';
import { createRng } from '../workers/numeric/rng';
import type { FamilyDefinition, RunContext } from '../workers/family';
import type { BenchFigure } from './figures';

const python = '/usr/bin/python3';
const points = 4_000_000;
const batch = 4000;
const unbatchedPoints = 400_000;
const overheadRuns = 20;

/** Writes `total` points of metric y in lines of `perLine` points, as fast as Python can (the line is built once). */
const generator = `
import json, os, sys
total, per_line = int(os.environ["TOTAL"]), int(os.environ["PER_LINE"])
xs = list(range(per_line))
line = json.dumps({"type": "points", "series": {"y": {"x": xs, "y": [0.5 + 1e-7 * i for i in xs]}}}, separators=(",", ":")) + "\\n"
out = sys.stdout
for _ in range(total // per_line):
    out.write(line)
out.write('{"type":"status","status":"done"}\\n')
`;

export async function benchScriptFamilies(root: string): Promise<BenchFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-script-'));
  try {
    const ingest = join(dir, 'ingest');
    writeFamily(ingest, 'bench-ingest', [python, 'gen.py'], { 'gen.py': generator });
    const family = scriptFamily(readManifest(ingest), ingest, { sdkDir: join(root, 'python') });
    const batched = await ingestRate(family, points, batch);
    const unbatched = await ingestRate(family, unbatchedPoints, 1);
    const rawBytes = await pipeRate(join(ingest, 'gen.py'), points, batch);

    const tiny = join(dir, 'tiny');
    writeFamily(tiny, 'bench-tiny', [python, 'tiny.py'], { 'tiny.py': 'import saddle_lab as lab\nlab.log(0, y=1.0)\n' });
    const tinyFamily = scriptFamily(readManifest(tiny), tiny, { sdkDir: join(root, 'python') });
    const scriptRunMs = await perRunMs(tinyFamily, {});
    const builtInMs = await perRunMs(getFamily('mode-flow'), { horizon: 1 });
    return [
      { name: `ingest: ${points / 1e6}M points from python3, ${batch} per line`, value: batched.pointsPerSecond, unit: 'points/s', baseline: 'the same bytes piped, not parsed', ratio: rawBytes / batched.seconds },
      { name: 'ingest baseline: the same bytes piped, not parsed', value: points / rawBytes, unit: 'points/s' },
      { name: `ingest: ${unbatchedPoints / 1000}k points, one per line`, value: unbatched.pointsPerSecond, unit: 'points/s', baseline: `${batch} per line`, ratio: unbatched.pointsPerSecond / batched.pointsPerSecond },
      { name: `per run: a one-point python3 script family (${overheadRuns} runs)`, value: scriptRunMs, unit: 'ms', baseline: 'a built-in mode-flow run (horizon 1), same thread', ratio: scriptRunMs / builtInMs },
      { name: 'per run baseline: built-in mode-flow, horizon 1', value: builtInMs, unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeFamily(dir: string, id: string, command: string[], files: Record<string, string>): void {
  const manifest = {
    id,
    title: id,
    command,
    params: { type: 'object', properties: {} },
    metrics: [{ name: 'y', label: 'y', x: 'i' }],
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'saddle-family.json'), JSON.stringify(manifest));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

function countingContext(): RunContext & { points: number } {
  const ctx = {
    points: 0,
    seed: 0,
    rng: createRng(0),
    signal: new AbortController().signal,
    reportDevice: () => {},
    emit: ({ x }: { x: Float64Array }) => {
      ctx.points += x.length;
    },
    progress: () => {},
  };
  return ctx;
}

async function ingestRate(family: FamilyDefinition, total: number, perLine: number): Promise<{ seconds: number; pointsPerSecond: number }> {
  process.env.TOTAL = String(total);
  process.env.PER_LINE = String(perLine);
  const ctx = countingContext();
  const start = performance.now();
  await family.run(family.params.parse({}), ctx);
  const seconds = (performance.now() - start) / 1000;
  if (ctx.points !== total) throw new Error(`ingest bench: ${ctx.points} points arrived, ${total} sent`);
  return { seconds, pointsPerSecond: total / seconds };
}

/** Seconds to receive the generator's output through a pipe, bytes counted only. */
function pipeRate(script: string, total: number, perLine: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(python, [script], { env: { ...process.env, TOTAL: String(total), PER_LINE: String(perLine) } });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => (bytes += chunk.length));
    child.on('error', reject);
    child.on('close', () => (bytes > 0 ? resolve((performance.now() - start) / 1000) : reject(new Error('pipe bench: no output'))));
  });
}

async function perRunMs(family: FamilyDefinition, params: Record<string, unknown>): Promise<number> {
  const parsed = family.params.parse(params);
  await family.run(parsed, countingContext());
  const start = performance.now();
  for (let i = 0; i < overheadRuns; i++) await family.run(parsed, countingContext());
  return (performance.now() - start) / overheadRuns;
}
