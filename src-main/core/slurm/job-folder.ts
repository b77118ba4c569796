// The self-contained folder of one Slurm submission, next to the project:
//   <project>.slurm/<label>/spec.json     the experiment as a spec file (for people)
//                          plan.json      every run's resolved parameters and seed, by array task
//                          job.sbatch     the array script sbatch gets
//                          logs/          one Slurm output file per array task
//                          shards/        one project-format file per array task (its only writer)
//                          progress/      one small JSON per array task, rewritten as it runs
//                          artifacts/     run-<id>/: each run's kept files (SADDLE_ARTIFACTS_DIR), by project run id
// Everything a task needs is in the folder, so it runs on any node that mounts it.
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExperimentSpec } from '../../contract';
import type { SlurmOptions } from '../../contract/slurm';
import type { PlannedRun } from '../../contract/sweep';
import type { FamilySource } from '../../../workers/families/sources';
import { projectFileExtension } from '../store/project-file';

export const planFormat = 2;

export interface JobPlan {
  format: typeof planFormat;
  appVersion: string;
  spec: ExperimentSpec;
  /** Where a script or code family lives (a shared file system path); null for a built-in family. */
  source: FamilySource | null;
  /** tasks[i]: the runs array task i does, in order; a run's shard id is its position + 1. */
  tasks: PlannedRun[][];
  /** runIds[i][j]: the project's id of tasks[i][j], the run's SADDLE_RUN_ID and artifacts folder name on the node. */
  runIds: number[][];
}

export interface TaskProgress {
  /** By shard run id. */
  runs: Record<string, { status: string; progress: number }>;
  updatedAtMs: number;
}

/** How this install's CLI is started on a compute node: absolute paths, no PATH lookup. */
export interface CliCommand {
  node: string;
  bin: string;
  /** Set for the CLI only (the packaged app's ELECTRON_RUN_AS_NODE). */
  env?: Record<string, string>;
  /** Why compute nodes cannot start this install (an AppImage's private mount), or null. */
  unreachable: string | null;
}

export const jobFiles = {
  plan: (folder: string) => join(folder, 'plan.json'),
  script: (folder: string) => join(folder, 'job.sbatch'),
  shard: (folder: string, task: number) => join(folder, 'shards', `task-${task}${projectFileExtension}`),
  progress: (folder: string, task: number) => join(folder, 'progress', `task-${task}.json`),
  log: (folder: string, task: number) => join(folder, 'logs', `task-${task}.out`),
  /** A run's kept files on the cluster side, named by its project run id; collect copies them home. */
  artifacts: (folder: string, projectRunId: number) => join(folder, 'artifacts', `run-${projectRunId}`),
};

/** Groups the runs into array tasks of `runsPerTask`, keeping the sweep's order. */
export function splitIntoTasks(runs: readonly PlannedRun[], runsPerTask: number): PlannedRun[][] {
  const tasks: PlannedRun[][] = [];
  for (let i = 0; i < runs.length; i += runsPerTask) tasks.push(runs.slice(i, i + runsPerTask));
  return tasks;
}

export function writeJobFolder(input: {
  projectPath: string;
  experimentId: number;
  plan: JobPlan;
  options: SlurmOptions;
  cli: CliCommand;
}): { folder: string; script: string } {
  const projectName = basename(input.projectPath, projectFileExtension);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const folder = join(dirname(input.projectPath), `${projectName}.slurm`, `experiment-${input.experimentId}-${stamp}-${process.pid}`);
  for (const sub of ['logs', 'shards', 'progress', 'artifacts']) mkdirSync(join(folder, sub), { recursive: true });
  writeFileSync(join(folder, 'spec.json'), `${JSON.stringify(input.plan.spec, null, 2)}\n`);
  writeFileSync(jobFiles.plan(folder), JSON.stringify(input.plan));
  const script = jobFiles.script(folder);
  writeFileSync(script, sbatchScript(folder, input.plan, input.options, input.cli, projectName), { mode: 0o755 });
  return { folder, script };
}

export function readPlan(folder: string): JobPlan {
  const plan = JSON.parse(readFileSync(jobFiles.plan(folder), 'utf8')) as JobPlan;
  if (plan.format !== planFormat) throw new Error(`${jobFiles.plan(folder)} has plan format ${String(plan.format)}; this version reads ${planFormat}`);
  return plan;
}

/** Replaced by rename, so a reader on another host never sees half a file. */
export function writeProgress(folder: string, task: number, progress: TaskProgress): void {
  const target = jobFiles.progress(folder, task);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(progress));
  renameSync(temporary, target);
}

export function readProgress(folder: string, task: number): TaskProgress | null {
  try {
    return JSON.parse(readFileSync(jobFiles.progress(folder, task), 'utf8')) as TaskProgress;
  } catch {
    return null; // not written yet
  }
}

/**
 * slurmstepd's own word on why a task was stopped, from the task's log: the last
 * "*** JOB 10 ON node CANCELLED AT … [DUE TO TIME LIMIT] ***" line, or null.
 */
export function readStopNotice(folder: string, task: number): string | null {
  let text: string;
  try {
    text = readFileSync(jobFiles.log(folder, task), 'utf8');
  } catch {
    return null;
  }
  const notices = [...text.slice(-65_536).matchAll(/\*\*\* ((?:JOB|STEP) [^\n]*?) \*\*\*/g)];
  return notices.length > 0 ? notices[notices.length - 1][1] : null;
}

function sbatchScript(folder: string, plan: JobPlan, options: SlurmOptions, cli: CliCommand, projectName: string): string {
  const throttle = options.arrayMax === undefined ? '' : `%${options.arrayMax}`;
  const directives = [
    // #SBATCH lines are not shell: the name keeps only characters that need no quoting.
    `--job-name=saddle-${projectName.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `--array=0-${plan.tasks.length - 1}${throttle}`,
    `--output=${join(folder, 'logs', 'task-%a.out')}`,
    `--cpus-per-task=${options.cpusPerTask}`,
    ...(options.partition ? [`--partition=${options.partition}`] : []),
    ...(options.time ? [`--time=${options.time}`] : []),
    ...(options.mem ? [`--mem=${options.mem}`] : []),
    ...options.sbatchArgs,
  ];
  return [
    '#!/bin/bash',
    `# Saddle Lab ${plan.appVersion}: ${plan.tasks.length} array task(s) of experiment "${plan.spec.name}" (${plan.spec.family}).`,
    '# Each task runs its runs from plan.json and writes shards/task-N.saddle; `saddle-lab collect` brings them home.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    ...Object.entries(cli.env ?? {}).map(([name, value]) => `export ${name}=${shellWord(value)}`),
    `exec ${shellWord(cli.node)} ${shellWord(cli.bin)} slurm-task --job ${shellWord(folder)} --task "$SLURM_ARRAY_TASK_ID"`,
    '',
  ].join('\n');
}

function shellWord(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
