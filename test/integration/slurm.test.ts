// A real Slurm cluster (scripts/slurm-local.sh starts one on this machine): submit a small sweep,
// watch live progress, scancel one array task while it runs, collect, and compare every finished
// run with the same run done locally, bit for bit. Nothing of Slurm is mocked.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { requireBuild, tempDir } from '../helpers/paths';
import { slurmHere } from '../helpers/slurm';


const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
const fastHorizons = [2, 4, 6];
/** 1e7 gradient steps (the family's limit) through 64-wide hidden layers, minutes here: surely still running when it is cancelled. */
const slowHorizon = 1e5;
const spec = (horizons: number[]) => ({
  family: 'dln-train',
  name: 'gd horizons',
  // Hidden width 64: the slow run's steps cost ~1 MFLOP each whatever the kernel (at the default width the fused step took ~1 s for all 1e7).
  params: { optimizer: 'gd', learningRate: 0.01, init: 'small-random', device: 'cpu', hiddenWidth: 64 },
  sweep: { horizon: horizons },
  seeds: [1],
});

interface JobLine {
  jobId: string;
  state: string;
  live: boolean;
  runs: { runId: number; taskIndex: number; taskState: string; taskReason: string | null; status: string; progress: number; error: string | null }[];
}

async function collect(project: string): Promise<JobLine> {
  const result = await runCli(['collect', '--project', project, '--json'], env());
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n')[0]) as JobLine;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Every stored fact of a run, keyed by what it stands for (params and seed), without the wall clock. */
function runFacts(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    const runs = db.prepare('SELECT id, paramsJson, seed, status, summaryJson, theoryJson FROM runs').all() as { id: number; paramsJson: string; seed: number; status: string; summaryJson: string | null; theoryJson: string | null }[];
    return new Map(
      runs.map((run) => {
        const chunks = db.prepare("SELECT metric, x, y FROM series WHERE runId = ? AND metric != '_wall' ORDER BY metric, chunkIndex").all(run.id) as { metric: string; x: Buffer; y: Buffer }[];
        const series = new Map<string, { x: Buffer; y: Buffer }>();
        for (const c of chunks) {
          const s = series.get(c.metric);
          series.set(c.metric, s ? { x: Buffer.concat([s.x, c.x]), y: Buffer.concat([s.y, c.y]) } : { x: c.x, y: c.y });
        }
        const summaries = db.prepare('SELECT key, value FROM summaries WHERE runId = ? ORDER BY key').all(run.id);
        return [`${run.paramsJson}#${run.seed}`, { ...run, series, summaries }];
      }),
    );
  } finally {
    db.close();
  }
}

/** The whole project as data, to show a second collect changes nothing. */
function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw().all()]), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v));
  } finally {
    db.close();
  }
}

describe.skipIf(!slurmHere)('sweeps on Slurm', () => {
  beforeAll(requireBuild);

  it('submits, shows live progress, loses one cancelled task, collects runs equal bit for bit to local ones, and a second collect changes nothing', async () => {
    const dir = tempDir('saddle-slurm-');
    const specFile = join(dir, 'sweep.json');
    // The slow run is the third: array task 2.
    writeFileSync(specFile, JSON.stringify(spec([fastHorizons[0], fastHorizons[1], slowHorizon, fastHorizons[2]])));
    const project = join(dir, 'cluster.saddle');
    const submitted = await runCli(['submit', specFile, '--project', project, '--slurm', '--time', '00:05:00', '--cpus-per-task', '1', '--json'], env());
    expect(submitted.stderr).toBe('');
    expect(submitted.code).toBe(0);
    const job = JSON.parse(submitted.stdout) as { jobId: string; runIds: number[]; folder: string };
    expect(job.runIds).toHaveLength(4);
    expect(job.folder.startsWith(join(dir, 'cluster.slurm'))).toBe(true);

    // Live: the slow run's progress comes from its task's progress file while Slurm runs it.
    // Generous waits: the cluster may be busy with someone else's jobs.
    const live = await until('the slow task to report progress', 60_000, async () => {
      const line = await collect(project);
      const slow = line.runs.find((r) => r.taskIndex === 2);
      return slow && slow.taskState === 'RUNNING' && slow.status === 'submitted' && slow.progress > 0 ? line : undefined;
    });
    expect(live.live).toBe(true);
    execFileSync('scancel', [`${job.jobId}_2`]);
    await until('every task to leave squeue', 60_000, () => (execFileSync('squeue', ['-h', '-j', job.jobId], { encoding: 'utf8' }).trim() === '' ? true : undefined));

    const collected = await collect(project);
    expect(collected.live).toBe(false);
    expect(collected.state).toBe('COMPLETED+CANCELLED');
    const killed = collected.runs.find((r) => r.taskIndex === 2)!;
    expect(killed.status).toBe('cancelled');
    expect(killed.taskState).toBe('CANCELLED');
    expect(killed.taskReason).toMatch(/ended \d{4}-\d\d-\d\dT/);
    expect(killed.error).toMatch(/\(slurmstepd: JOB \d+ ON \S+ CANCELLED AT \d{4}-/);
    expect(killed.error).toMatch(new RegExp(`^Slurm CANCELLED.*job ${job.jobId}, array task 2`));
    const finished = collected.runs.filter((r) => r.taskIndex !== 2);
    expect(finished.map((r) => r.status)).toEqual(['done', 'done', 'done']);

    // The same runs done on this machine.
    const localProject = join(dir, 'local.saddle');
    const localSpec = join(dir, 'local.json');
    writeFileSync(localSpec, JSON.stringify(spec(fastHorizons)));
    const local = await runCli(['run', localSpec, '--project', localProject, '--json'], env());
    expect(local.code).toBe(0);
    const clusterRuns = runFacts(project);
    const localRuns = runFacts(localProject);
    expect(localRuns.size).toBe(3);
    for (const [key, mine] of localRuns) {
      const theirs = clusterRuns.get(key);
      expect(theirs, key).toBeDefined();
      expect(theirs!.status).toBe('done');
      expect(theirs!.summaryJson).toBe(mine.summaryJson);
      expect(theirs!.summaries).toEqual(mine.summaries);
      expect(theirs!.theoryJson).toBe(mine.theoryJson);
      expect([...theirs!.series.keys()]).toEqual([...mine.series.keys()]);
      expect(mine.series.size).toBeGreaterThan(0);
      for (const [metric, s] of mine.series) {
        expect(theirs!.series.get(metric)!.x.equals(s.x), `${key} ${metric} x`).toBe(true);
        expect(theirs!.series.get(metric)!.y.equals(s.y), `${key} ${metric} y`).toBe(true);
      }
    }
    // The experiment's analyses were computed once the runs came home.
    const analyses = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT analysisId FROM analyses ORDER BY analysisId').pluck().all();
      } finally {
        db.close();
      }
    };
    expect(analyses(project)).toEqual(analyses(localProject));
    expect(analyses(project).length).toBeGreaterThan(0);

    const before = dump(project);
    const again = await collect(project);
    expect(again).toEqual(collected);
    expect(dump(project)).toBe(before);

    const jobs = await runCli(['jobs', '--project', project], env());
    expect(jobs.code).toBe(0);
    expect(jobs.stdout).toContain(`job ${job.jobId} COMPLETED+CANCELLED (ended)`);
  });

  it('bad input exits 2 and names the flag; where Slurm cannot be asked, collect changes nothing; cancel scancels', async () => {
    const dir = tempDir('saddle-slurm-');
    const specFile = join(dir, 'sweep.json');
    writeFileSync(specFile, JSON.stringify(spec([2])));
    const project = join(dir, 'p.saddle');
    const cases: [string[], string][] = [
      [['submit', specFile, '--project', project, '--slurm', '--time', '1:2:3:4'], '--time'],
      [['submit', specFile, '--project', project, '--slurm', '--cpus-per-task', 'two'], '--cpus-per-task'],
      [['submit', specFile, '--project', project, '--slurm', '--mem', 'lots'], '--mem'],
      [['submit', specFile, '--project', project, '--slurm', '--bogus'], '--bogus'],
      [['submit', specFile, '--project', project], '--slurm'],
      [['submit', specFile, '--slurm'], '--project'],
      [['collect', '--project', join(dir, 'missing.saddle')], '--project'],
      [['cancel', '--project', join(dir, 'missing.saddle')], '--project'],
    ];
    for (const [args, flag] of cases) {
      const result = await runCli(args, env());
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(flag);
    }
    // Where Slurm cannot be asked (a laptop with the project synced back), nothing is concluded.
    const noSlurm = { PATH: tempDir('saddle-no-slurm-') };
    const refused = await runCli(['submit', specFile, '--project', project, '--slurm'], { ...env(), ...noSlurm });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--slurm: Slurm is not available here: sbatch is not on PATH');
    const submitted = await runCli(['submit', specFile, '--project', project, '--slurm', '--json'], env());
    expect(submitted.code).toBe(0);
    const quick = JSON.parse(submitted.stdout) as { jobId: string };
    const before = dump(project);
    const blind = await runCli(['collect', '--project', project], { ...env(), ...noSlurm });
    expect(blind.code).toBe(2);
    expect(blind.stderr).toMatch(/cannot read Slurm job \d+: squeue is not on PATH/);
    expect(dump(project)).toBe(before);

    // saddle-lab cancel: scancel on the job; the next collect marks its run.
    const slowFile = join(dir, 'slow.json');
    writeFileSync(slowFile, JSON.stringify(spec([slowHorizon])));
    const slow = JSON.parse((await runCli(['submit', slowFile, '--project', project, '--slurm', '--json'], env())).stdout) as { jobId: string };
    const cancelled = await runCli(['cancel', '--project', project, '--job', slow.jobId], env());
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toContain(`scancel sent to job(s) ${slow.jobId}`);
    await until('both jobs to leave squeue', 60_000, () => (execFileSync('squeue', ['-h', '-j', `${quick.jobId},${slow.jobId}`], { encoding: 'utf8' }).trim() === '' ? true : undefined));
    const home = await runCli(['collect', '--project', project, '--json'], env());
    const lines = home.stdout.trim().split('\n').map((l) => JSON.parse(l) as JobLine);
    expect(lines.find((j) => j.jobId === slow.jobId)?.runs.map((r) => [r.status, r.taskState])).toEqual([['cancelled', 'CANCELLED']]);
    expect(lines.every((j) => !j.live)).toBe(true);
    const nothing = await runCli(['cancel', '--project', project], env());
    expect(nothing.stdout).toContain('No live Slurm job in this project.');
    const unknown = await runCli(['cancel', '--project', project, '--job', '99999999'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no Slurm job 99999999 in this project');

    // The same spec again: its point has a run (done) in the project, so nothing is submitted
    // without --again, and the refused experiment is not kept.
    const beforeRepeat = dump(project);
    const repeat = await runCli(['submit', specFile, '--project', project, '--slurm'], env());
    expect(repeat.code).toBe(2);
    expect(repeat.stderr).toContain('1 of 1 runs repeat points (parameters and seed) that already have runs in this project (experiment 1)');
    expect(repeat.stderr).toContain('add --again');
    expect(dump(project)).toBe(beforeRepeat);
    const again = await runCli(['submit', specFile, '--project', project, '--slurm', '--again', '--json'], env());
    expect(again.code).toBe(0);
    execFileSync('scancel', [(JSON.parse(again.stdout) as { jobId: string }).jobId]);

    const badSpec = join(dir, 'bad.json');
    writeFileSync(badSpec, JSON.stringify({ family: 'dln-train', params: { depth: 0 } }));
    const invalid = await runCli(['submit', badSpec, '--project', project, '--slurm'], env());
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('params.depth');
  });
});
