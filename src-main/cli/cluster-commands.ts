// `saddle-lab submit | collect | cancel | jobs` (sweeps on a Slurm cluster, docs/slurm.md) and the
// hidden `slurm-task` that each array task runs on its compute node.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { slurmOptions, type Run, type SaddleApi, type SlurmJobInfo } from '../contract';
import type { SaddleService } from '../core/service';
import { describeIssues, ExpectedError } from '../core/errors';
import { runSlurmTask } from '../core/slurm/task-runner';
import { requireValidSpecFile } from './run-experiment';
import { typedApi } from './typed-api';

export const clusterCommands = ['submit', 'collect', 'cancel', 'jobs', 'slurm-task'] as const;
export type ClusterCommand = (typeof clusterCommands)[number];

export interface ClusterCli {
  newService(options?: { familyPaths?: string[] }): SaddleService;
  appVersion: string;
  workerFile: string;
}

/** Flag of each option, so a bad value is reported under the name the user typed. */
const flagOf: Record<string, string> = {
  partition: '--partition',
  time: '--time',
  cpusPerTask: '--cpus-per-task',
  mem: '--mem',
  arrayMax: '--array-max',
  runsPerTask: '--runs-per-task',
  sbatchArgs: '--sbatch-arg',
};

export function runClusterCommand(command: ClusterCommand, args: string[], cli: ClusterCli): Promise<number> {
  switch (command) {
    case 'submit':
      return submit(args, cli);
    case 'collect':
      return collect(args, cli);
    case 'cancel':
      return cancel(args, cli);
    case 'jobs':
      return jobs(args, cli);
    case 'slurm-task':
      return slurmTask(args, cli);
  }
}

function parse(args: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new ExpectedError((error as Error).message);
  }
}

function integerFlag(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** The project must exist for every command but submit, which creates it. */
function projectPath(value: unknown, mayCreate: boolean): string {
  if (typeof value !== 'string') throw new ExpectedError('--project FILE is required');
  const path = resolve(value);
  if (!mayCreate && !existsSync(path)) throw new ExpectedError(`--project: ${path} does not exist`);
  return path;
}

async function withProject<T>(cli: ClusterCli, path: string, work: (api: SaddleApi) => Promise<T>, familyPaths?: string[]): Promise<T> {
  const service = cli.newService({ familyPaths });
  const api = typedApi(service);
  try {
    await (existsSync(path) ? api.projects.open({ path }) : api.projects.new({ path }));
    return await work(api);
  } finally {
    await service.close();
  }
}

async function submit(args: string[], cli: ClusterCli): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      project: { type: 'string' },
      slurm: { type: 'boolean' },
      partition: { type: 'string' },
      time: { type: 'string' },
      'cpus-per-task': { type: 'string' },
      mem: { type: 'string' },
      'array-max': { type: 'string' },
      'runs-per-task': { type: 'string' },
      'sbatch-arg': { type: 'string', multiple: true },
      // A script or code family outside the user's and the project's folders: the tasks load it from this path.
      'family-path': { type: 'string', multiple: true },
      json: { type: 'boolean' },
      again: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) throw new ExpectedError('submit takes exactly one SPEC.json file');
  if (!values.slurm) throw new ExpectedError('--slurm is required: Slurm is the cluster scheduler submit knows');
  const options = slurmOptions.safeParse({
    partition: values.partition,
    time: values.time,
    cpusPerTask: integerFlag(values['cpus-per-task']),
    mem: values.mem,
    arrayMax: integerFlag(values['array-max']),
    runsPerTask: integerFlag(values['runs-per-task']),
    sbatchArgs: values['sbatch-arg'] ?? [],
  });
  if (!options.success) {
    const issues = options.error.issues.map((issue) => ({ path: flagOf[String(issue.path[0])] ?? String(issue.path[0]), message: issue.message }));
    throw new ExpectedError(`invalid Slurm option: ${describeIssues(issues)}`, issues);
  }
  const path = projectPath(values.project, true);
  const specFile = resolve(positionals[0]);
  let spec: unknown;
  try {
    spec = JSON.parse(readFileSync(specFile, 'utf8'));
  } catch (error) {
    throw new ExpectedError(`cannot read ${specFile}: ${(error as Error).message}`);
  }
  return withProject(cli, path, async (api) => {
    await requireValidSpecFile(api, spec, specFile);
    const slurm = await api.slurm.status();
    if (!slurm.available) throw new ExpectedError(`--slurm: ${slurm.reason}`);
    const experiment = await api.experiments.create({ spec });
    let job: Awaited<ReturnType<SaddleApi['slurm']['submit']>>;
    try {
      job = await api.slurm.submit({ experimentId: experiment.id, options: options.data, again: values.again === true });
    } catch (error) {
      // Refused (by sbatch, or as a repeat): the project keeps no experiment that never ran.
      await api.experiments.delete({ id: experiment.id });
      if (error instanceof ExpectedError && error.issues.some((issue) => issue.path === 'again')) {
        throw new ExpectedError(`${error.message}; nothing was submitted: add --again to run them again`, error.issues);
      }
      throw error;
    }
    if (values.json) console.log(JSON.stringify({ type: 'job', experimentId: experiment.id, ...job }));
    else {
      console.log(`Submitted Slurm job ${job.jobId}: ${job.runIds.length} runs of "${experiment.name}" (experiment ${experiment.id})`);
      console.log(`Job folder: ${job.folder}`);
      console.log(`Bring the results home with: saddle-lab collect --project ${path}`);
    }
    return 0;
  }, (values['family-path'] as string[] | undefined)?.map((p) => resolve(p)));
}

async function collect(args: string[], cli: ClusterCli): Promise<number> {
  const { values } = parse(args, { project: { type: 'string' }, 'family-path': { type: 'string', multiple: true }, json: { type: 'boolean' } });
  const path = projectPath(values.project, false);
  return withProject(cli, path, async (api) => {
    const result = await api.slurm.collect();
    const runs = new Map((await api.runs.list()).map((r) => [r.id, r]));
    if (values.json) {
      for (const job of result.jobs) {
        console.log(JSON.stringify({ type: 'job', ...job, runs: job.runs.map((r) => ({ ...r, status: runs.get(r.runId)?.status, progress: runs.get(r.runId)?.progress, error: runs.get(r.runId)?.error })) }));
      }
      return 0;
    }
    console.log(`${result.finishedRunIds.length} run(s) came home in this collect.`);
    for (const job of result.jobs) printJob(job, runs, true);
    return 0;
  }, (values['family-path'] as string[] | undefined)?.map((p) => resolve(p)));
}

async function cancel(args: string[], cli: ClusterCli): Promise<number> {
  const { values } = parse(args, { project: { type: 'string' }, job: { type: 'string' } });
  const path = projectPath(values.project, false);
  if (values.job !== undefined && !/^\d+$/.test(values.job as string)) throw new ExpectedError(`--job must be a Slurm job id, got "${values.job as string}"`);
  return withProject(cli, path, async (api) => {
    const { cancelled } = await api.slurm.cancel({ jobId: values.job as string | undefined });
    console.log(cancelled.length === 0 ? 'No live Slurm job in this project.' : `scancel sent to job(s) ${cancelled.join(', ')}; collect to see the runs marked.`);
    return 0;
  });
}

async function jobs(args: string[], cli: ClusterCli): Promise<number> {
  const { values } = parse(args, { project: { type: 'string' }, json: { type: 'boolean' } });
  const path = projectPath(values.project, false);
  return withProject(cli, path, async (api) => {
    const list = await api.slurm.jobs();
    const runs = new Map((await api.runs.list()).map((r) => [r.id, r]));
    if (values.json) for (const job of list) console.log(JSON.stringify({ type: 'job', ...job }));
    else if (list.length === 0) console.log('No Slurm jobs in this project.');
    else for (const job of list) printJob(job, runs, false);
    return 0;
  });
}

async function slurmTask(args: string[], cli: ClusterCli): Promise<number> {
  const { values } = parse(args, { job: { type: 'string' }, task: { type: 'string' } });
  if (typeof values.job !== 'string') throw new ExpectedError('--job DIR is required');
  const task = Number(values.task);
  if (!Number.isInteger(task) || task < 0) throw new ExpectedError(`--task must be an array task index, got "${String(values.task)}"`);
  const cpus = Number(process.env.SLURM_CPUS_PER_TASK);
  await runSlurmTask({ folder: resolve(values.job), task, workerFile: cli.workerFile, appVersion: cli.appVersion, poolSize: Number.isInteger(cpus) && cpus > 0 ? cpus : 1 });
  return 0;
}

function printJob(job: SlurmJobInfo, runs: Map<number, Run>, withRuns: boolean): void {
  const counts = new Map<string, number>();
  for (const r of job.runs) {
    const status = runs.get(r.runId)?.status ?? 'deleted';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  console.log(`job ${job.jobId} ${job.state}${job.live ? '' : ' (ended)'}: experiment ${job.experimentId}, ${job.taskCount} task(s); runs: ${summary}`);
  if (!withRuns) return;
  for (const r of job.runs) {
    const run = runs.get(r.runId);
    if (!run) continue;
    if (run.status === 'submitted') console.log(`  run ${run.id} [task ${r.taskIndex} ${r.taskState}] ${Math.round(run.progress * 100)}%`);
    else if (run.status !== 'done') console.log(`  run ${run.id} [task ${r.taskIndex}] ${run.status}: ${run.error ?? ''}`);
  }
}
