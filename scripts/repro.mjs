// `npm run repro [-- NAME…]`: the papers' claims at full size. Runs every shipped example (or the
// named ones) through the CLI, as a user would, and prints one PASS/FAIL line per paper check of
// its analyses, with the example's wall time. Exit 1 when any check fails or any run does not end
// as done. The test suite runs small variants of the same examples (`--quick`); this is the full
// reproduction, minutes long on 2 cores (each example's expectedSeconds says how long).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const examplesDir = join(root, 'examples');
const wanted = process.argv.slice(2).map((name) => name.replace(/\.json$/, ''));
const all = readdirSync(examplesDir).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
const unknown = wanted.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`repro: unknown example(s) ${unknown.join(', ')}; known: ${all.join(', ')}`);
  process.exit(2);
}

let failed = 0;
let passed = 0;
for (const name of wanted.length > 0 ? wanted : all) {
  const file = join(examplesDir, `${name}.json`);
  const { expectedSeconds } = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\n▶ ${name}${expectedSeconds ? ` (about ${expectedSeconds} s on 2 cores)` : ''}`);
  const dir = mkdtempSync(join(tmpdir(), 'saddle-repro-'));
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), 'run', file, '--project', join(dir, 'r.saddle'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir },
  });
  rmSync(dir, { recursive: true, force: true });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const lines = result.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const runs = lines.filter((l) => l.type === 'run');
  const notDone = runs.filter((r) => r.status !== 'done');
  if (result.status !== 0 && result.status !== 1) {
    failed++;
    console.log(`  FAIL  the CLI exited with ${result.status}: ${result.stderr.trim()}`);
    continue;
  }
  // Runs that diverge are results too (a phase diagram has them); runs that fail are not.
  const failedRuns = runs.filter((r) => r.status === 'failed');
  console.log(`  ${runs.length} runs in ${seconds} s${notDone.length ? ` (${notDone.map((r) => r.status).join(', ')} among them)` : ''}`);
  for (const r of failedRuns) console.log(`  FAIL  run ${r.id} failed: ${r.error ?? ''}`);
  failed += failedRuns.length;
  for (const analysis of lines.filter((l) => l.type === 'analysis')) {
    for (const check of analysis.result.checks ?? []) {
      if (check.pass) passed++;
      else failed++;
      console.log(`  ${check.pass ? 'PASS' : 'FAIL'}  ${analysis.result.title}: ${check.name}: ${fmt(check.value)} (expected ${fmt(check.expected)}, ${check.tolerance})`);
    }
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

function fmt(value) {
  return typeof value === 'number' ? Number(value.toPrecision(5)).toString() : String(value ?? '—');
}
