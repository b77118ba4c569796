// W&B-style logging (python/saddle_lab.py, docs/logging.md): what one `log()` costs a Python
// process and how many points per second go through it, against writing the same JSON lines to a
// file yourself (buffered, and flushed per line as the helper does); and how fast the host brings
// such a run log into a project.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestRunLogFolder, projectRunsDir } from '../src-main/core/run-logs';
import { ProjectStore } from '../src-main/core/store/project-store';
import type { BenchFigure } from './figures';

const python = '/usr/bin/python3';
const calls = 200_000;
const metricsPerCall = 2;

/** Times `calls` log() calls of two metrics each, three ways, in one python3 process; prints seconds as JSON. */
const timing = `
import json, os, sys, time
import saddle_lab as wandb
calls, project = int(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
wandb.init(project=project, name="bench", config={"lr": 0.1})
for i in range(calls):
    wandb.log({"loss": 1.0 / (1 + i), "acc": i / calls})
wandb.finish()
helper = time.perf_counter() - start

def plain(path, flush):
    start = time.perf_counter()
    with open(path, "w") as out:
        for i in range(calls):
            out.write(json.dumps({"type": "log", "step": i, "wall": time.time() - start, "values": {"loss": 1.0 / (1 + i), "acc": i / calls}}, separators=(",", ":"), allow_nan=False) + "\\n")
            if flush:
                out.flush()
    return time.perf_counter() - start

buffered = plain(project + ".plain.jsonl", False)
flushed = plain(project + ".flushed.jsonl", True)
print(json.dumps({"helper": helper, "buffered": buffered, "flushed": flushed}))
`;

export function benchLogging(root: string): BenchFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'saddle-bench-logging-'));
  try {
    const project = join(dir, 'bench.saddle');
    const out = execFileSync(python, ['-c', timing, String(calls), project], { env: { ...process.env, PYTHONPATH: join(root, 'python') }, encoding: 'utf8' });
    const seconds = JSON.parse(out.trim().split('\n').at(-1) as string) as { helper: number; buffered: number; flushed: number };
    const points = calls * metricsPerCall;

    const store = ProjectStore.create(project, 'bench');
    const started = performance.now();
    const report = ingestRunLogFolder({ store, findFamily: () => undefined, hostName: hostname(), isAlive: () => false }, projectRunsDir(project));
    const ingestSeconds = (performance.now() - started) / 1000;
    store.close();
    if (report.runs[0]?.status !== 'done') throw new Error(`the benchmark's run log did not come in as done: ${JSON.stringify(report.runs[0] ?? report.problems)}`);

    return [
      { name: `log(): ${calls / 1000}k calls of ${metricsPerCall} metrics through saddle_lab`, value: (seconds.helper / calls) * 1e6, unit: 'µs/call', baseline: 'json.dumps + write per line, buffered', ratio: seconds.helper / seconds.buffered },
      { name: 'log() points through saddle_lab', value: points / seconds.helper, unit: 'points/s', baseline: 'json.dumps + write + flush per line', ratio: seconds.flushed / seconds.helper },
      { name: 'baseline: json.dumps + write per line, buffered', value: (seconds.buffered / calls) * 1e6, unit: 'µs/call' },
      { name: 'baseline: json.dumps + write + flush per line', value: (seconds.flushed / calls) * 1e6, unit: 'µs/call' },
      { name: `ingest: that run log into a project (${points / 1000}k points + _wall)`, value: points / ingestSeconds, unit: 'points/s' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
