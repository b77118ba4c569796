// The CLI timed as a whole process, as a user runs it (`node bin/saddle-lab.mjs …`, no npx): wall
// time, and CPU time of all its threads (read in the process itself at exit: Node reports no
// child's resource usage).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './figures';

export interface ProcessTimes {
  wallMs: number;
  /** User + system CPU of every thread of the process. */
  cpuMs: number;
  /** Peak resident set of the process (all threads), in KiB. */
  peakRssKb: number;
}

const reportCpu = `process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nsaddle-bench-cpu-us ' + (u.userCPUTime + u.systemCPUTime) + ' ' + u.maxRSS + '\\n'); });`;

/** Runs `saddle-lab ARGS` in a fresh folder (its own config dir); throws with its stderr if it fails. */
export function timeCli(root: string, args: (dir: string) => string[]): ProcessTimes {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-cli-'));
  try {
    const hook = join(dir, 'cpu-hook.mjs');
    writeFileSync(hook, reportCpu);
    const start = performance.now();
    const result = spawnSync(process.execPath, ['--import', hook, join(root, 'bin', 'saddle-lab.mjs'), ...args(dir)], {
      encoding: 'utf8',
      env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir },
      maxBuffer: 1 << 28,
    });
    const wallMs = performance.now() - start;
    if (result.status !== 0) throw new Error(`saddle-lab ${args(dir).join(' ')} failed (${result.status}): ${result.stderr}`);
    const usage = /saddle-bench-cpu-us (\d+) (\d+)/.exec(result.stderr);
    if (!usage) throw new Error('the CLI did not report its CPU time');
    return { wallMs, cpuMs: Number(usage[1]) / 1000, peakRssKb: Number(usage[2]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median of each figure over `repeats` runs (after one warm-up). */
export function medianTimes(repeats: number, measure: () => ProcessTimes): ProcessTimes {
  measure();
  const runs = Array.from({ length: repeats }, measure);
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)), peakRssKb: median(runs.map((r) => r.peakRssKb)) };
}
