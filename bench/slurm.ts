// Slurm: what sending a sweep to the cluster costs against running it here. The same 8-run
// mode-flow sweep, end to end through the CLI: `run` on this machine (pool of 2), then `submit`,
// wait until squeue is empty, `collect`, with one run per array task and with four. On the local
// one-node cluster (scripts/slurm-local.sh) the difference is the overhead per run: Slurm's
// scheduling, one process start per task, the shard, the merge.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './figures';

const spec = { family: 'mode-flow', name: 'slurm bench', params: { targets: [1, 0.5] }, sweep: { depth: [2, 3, 4, 5], initScale: [0.03, 0.05] }, seeds: [0] };
const runCount = 8;

export async function benchSlurm(root: string): Promise<BenchFigure[]> {
  if (spawnSync('sbatch', ['--version']).status !== 0) {
    return [{ name: 'skipped: sbatch is not on PATH (scripts/slurm-local.sh start)', value: 0, unit: '' }];
  }
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-slurm-'));
  const cli = (args: string[]) => {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, SADDLE_LAB_CONFIG_DIR: dir } });
    if (result.status !== 0) throw new Error(`saddle-lab ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  };
  try {
    const specFile = join(dir, 'sweep.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const localMs = time(() => cli(['run', specFile, '--project', join(dir, 'local.saddle'), '--pool', '2', '--json']));
    const onSlurm = async (runsPerTask: number) => {
      const project = join(dir, `slurm-${runsPerTask}.saddle`);
      const start = performance.now();
      const { jobId } = JSON.parse(cli(['submit', specFile, '--project', project, '--slurm', '--runs-per-task', String(runsPerTask), '--json'])) as { jobId: string };
      const submittedMs = performance.now() - start;
      while (execFileSync('squeue', ['-h', '-j', jobId], { encoding: 'utf8' }).trim() !== '') await new Promise((r) => setTimeout(r, 100));
      const ranMs = performance.now() - start;
      const collectMs = time(() => cli(['collect', '--project', project]));
      return { submittedMs, ranMs, collectMs, totalMs: ranMs + collectMs };
    };
    const single = await onSlurm(1);
    const grouped = await onSlurm(4);
    const perRun = (ms: number) => (ms - localMs) / runCount;
    return [
      { name: `local: saddle-lab run, ${runCount} mode-flow runs, pool of 2`, value: localMs, unit: 'ms' },
      { name: 'slurm, 1 run per task: submit → squeue empty → collect', value: single.totalMs, unit: 'ms', baseline: 'the local run', ratio: single.totalMs / localMs },
      { name: '  overhead per run against local', value: perRun(single.totalMs), unit: 'ms' },
      { name: '  of which: submit (validate, job folder, sbatch)', value: single.submittedMs, unit: 'ms' },
      { name: '  of which: collect (read Slurm, merge 8 shards, analyses)', value: single.collectMs, unit: 'ms' },
      { name: 'slurm, 4 runs per task (2 tasks)', value: grouped.totalMs, unit: 'ms', baseline: 'the local run', ratio: grouped.totalMs / localMs },
      { name: '  overhead per run against local', value: perRun(grouped.totalMs), unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}
