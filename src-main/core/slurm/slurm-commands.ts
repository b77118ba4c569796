// Talks to Slurm through its own commands (sbatch, squeue, sacct, scontrol, scancel), as a user on
// a login node would. Reading a job's tasks: squeue for the live ones; for the ended ones sacct
// where the cluster keeps accounting, else scontrol (which remembers ended jobs for MinJobAge).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ExpectedError } from '../errors';

const run = promisify(execFile);

export interface TaskState {
  /** Slurm's JobState word: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, TIMEOUT, ... */
  state: string;
  /** Slurm's reason, exit code and end time, as one line for the user ("Reason=NonZeroExitCode, ExitCode=3:0, ended 2026-…"). */
  reason: string | null;
}

/** States after which a task will not run again (unless someone requeues it by hand). */
const endedStates = new Set(['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'REVOKED', 'SPECIAL_EXIT']);

export function isEnded(state: string): boolean {
  return endedStates.has(state);
}

async function slurm(command: string, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; message: string }> {
  try {
    const { stdout } = await run(command, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, stdout };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') return { ok: false, message: `${command} is not on PATH` };
    return { ok: false, message: (e.stderr || e.message).trim() };
  }
}

/** Whether this machine can submit: sbatch answers. */
export async function sbatchAvailable(): Promise<{ available: boolean; reason: string | null }> {
  const answer = await slurm('sbatch', ['--version']);
  if (answer.ok) return { available: true, reason: null };
  return { available: false, reason: `Slurm is not available here: ${answer.message}. Submit from a cluster login node (see docs/slurm.md).` };
}

/** Submits a batch script; returns the job id. */
export async function sbatch(script: string, cwd: string): Promise<string> {
  try {
    const { stdout } = await run('sbatch', ['--parsable', script], { cwd, encoding: 'utf8', timeout: 120_000 });
    // --parsable prints "jobid" or "jobid;cluster".
    const jobId = stdout.trim().split(';')[0];
    if (!/^\d+$/.test(jobId)) throw new ExpectedError(`sbatch did not print a job id (it printed "${stdout.trim()}")`);
    return jobId;
  } catch (error) {
    if (error instanceof ExpectedError) throw error;
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new ExpectedError('sbatch is not on PATH: submit from a Slurm login node (see docs/slurm.md)');
    throw new ExpectedError(`sbatch refused the job: ${(e.stderr || e.message).trim()}`);
  }
}

/** scancel on a whole job (`123`) or one array task (`123_4`). */
export async function scancel(target: string): Promise<void> {
  const answer = await slurm('scancel', [target]);
  if (!answer.ok) throw new ExpectedError(`scancel ${target} failed: ${answer.message}`);
}

/** What squeue and scontrol say of a job they have forgotten: not an error, the job has ended. */
const unknownJob = /invalid job id/i;

/**
 * The state of every array task Slurm still knows, by task index. Tasks it has forgotten (no
 * accounting, and older than MinJobAge) are absent. Throws when Slurm cannot be asked at all (not
 * installed here, controller down): then nothing may be concluded about the job.
 */
export async function readTaskStates(jobId: string): Promise<Map<number, TaskState>> {
  const states = new Map<number, TaskState>();
  const live = await slurm('squeue', ['-h', '-r', '-j', jobId, '-o', '%K|%T|%r']);
  if (!live.ok && !unknownJob.test(live.message)) throw new ExpectedError(`cannot read Slurm job ${jobId}: ${live.message}`);
  if (live.ok) {
    for (const line of lines(live.stdout)) {
      const [task, state, reason] = line.split('|');
      const index = Number(task);
      if (Number.isInteger(index)) states.set(index, { state, reason: reason && reason !== 'None' ? `Reason=${reason}` : null });
    }
  }
  // squeue lists a task until its processes have gone (COMPLETING included): while it does, its
  // word wins, so nobody opens a shard that a task may still be writing.
  const ended = (await fromSacct(jobId)) ?? (await fromScontrol(jobId));
  for (const [index, state] of ended) if (!states.has(index)) states.set(index, state);
  return states;
}

/**
 * null when the cluster keeps no accounting (sacct then fails) or has no record of the job yet (the
 * database lags behind), so scontrol is asked instead.
 */
async function fromSacct(jobId: string): Promise<Map<number, TaskState> | null> {
  const answer = await slurm('sacct', ['-j', jobId, '-X', '-n', '-P', '-o', 'JobID,State,Reason,ExitCode,End']);
  if (!answer.ok || lines(answer.stdout).length === 0) return null;
  return parseSacct(answer.stdout);
}

/** `sacct -X -n -P -o JobID,State,Reason,ExitCode,End` lines; a pending range ("81234_[8-15]") is squeue's to tell. */
export function parseSacct(stdout: string): Map<number, TaskState> {
  const states = new Map<number, TaskState>();
  for (const line of lines(stdout)) {
    const [id, stateText, reason, exitCode, end] = line.split('|');
    const match = /^\d+_(\d+)$/.exec(id);
    if (!match) continue;
    // sacct says "CANCELLED by 1000": the word is the state, the rest says who.
    const [state, ...rest] = stateText.split(' ');
    states.set(Number(match[1]), { state, reason: describeReason({ by: rest.join(' '), reason, exitCode, end: isEnded(state) ? end : undefined }) });
  }
  return states;
}

async function fromScontrol(jobId: string): Promise<Map<number, TaskState>> {
  const states = new Map<number, TaskState>();
  const answer = await slurm('scontrol', ['show', 'job', '-o', jobId]);
  if (!answer.ok && !unknownJob.test(answer.message)) throw new ExpectedError(`cannot read Slurm job ${jobId}: ${answer.message}`);
  if (!answer.ok) return states;
  for (const line of lines(answer.stdout)) {
    const fields = parseFields(line);
    const tasks = fields.get('ArrayTaskId');
    const state = fields.get('JobState');
    if (tasks === undefined || state === undefined) continue;
    const reason = describeReason({ reason: fields.get('Reason'), exitCode: fields.get('ExitCode'), end: isEnded(state) ? fields.get('EndTime') : undefined });
    for (const index of expandTaskList(tasks)) states.set(index, { state, reason });
  }
  return states;
}

/** `scontrol -o` prints one job per line as Key=Value pairs separated by spaces. */
export function parseFields(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/(?:^|\s)([A-Za-z][\w/:]*)=(\S*)/g)) fields.set(match[1], match[2]);
  return fields;
}

/** "3", "0-5%2", "1,4-6" → the indices (the %K throttle is not an index). */
export function expandTaskList(text: string): number[] {
  const indices: number[] = [];
  for (const part of text.split('%')[0].split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    const last = Number.isInteger(b) ? b : a;
    for (let i = a; i <= last; i++) indices.push(i);
  }
  return indices;
}

/** Only what says something: "None" and "0:0" are left out (the caller gives an end time only for an ended task). */
export function describeReason(fields: { by?: string; reason?: string; exitCode?: string; end?: string }): string | null {
  const parts: string[] = [];
  if (fields.by) parts.push(fields.by);
  if (fields.reason && fields.reason !== 'None') parts.push(`Reason=${fields.reason}`);
  if (fields.exitCode && fields.exitCode !== '0:0') parts.push(`ExitCode=${fields.exitCode}`);
  if (fields.end && /^\d{4}-/.test(fields.end)) parts.push(`ended ${fields.end}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}
