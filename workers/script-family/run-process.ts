// Runs one script-family process: parameters in, line protocol out, stderr kept. The process is
// started in its own process group so that cancel, a timeout or a protocol error ends the
// script and everything it started (a shell, a data loader's workers).
import { spawn } from 'node:child_process';
import { LineReader, type FinalStatus, type ProtocolHandlers } from './line-protocol';

export interface ProcessSpec {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed. */
  stdin: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  signal: AbortSignal;
  declared(metric: string): boolean;
  handlers: Omit<ProtocolHandlers, 'status'>;
}

export type ProcessEnd =
  | { kind: 'status'; final: FinalStatus; stderr: string }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null; stderr: string }
  | { kind: 'error'; error: Error; stderr: string }
  | { kind: 'timeout'; stderr: string }
  | { kind: 'cancelled'; stderr: string };

/** The stderr kept with a run: its last part, where the traceback is. */
export const stderrKeptBytes = 64 * 1024;
const killGraceMs = 1500;
/**
 * How long the pipes may stay open after the script exited (or was killed): only a process that
 * left the script's group (setsid, a daemon) can hold them then, and it is not waited for.
 */
const pipeGraceMs = 1500;

export function runProcess(spec: ProcessSpec): Promise<ProcessEnd> {
  const [program, ...args] = spec.argv;
  // A memory cap through the shell's ulimit (address space), portable where prlimit is not.
  const child = spec.memoryMb
    ? spawn('/bin/sh', ['-c', 'ulimit -v "$0" && exec "$@"', String(spec.memoryMb * 1024), program, ...args], { cwd: spec.cwd, env: spec.env, detached: true })
    : spawn(program, args, { cwd: spec.cwd, env: spec.env, detached: true });
  let stderr = '';
  let final: FinalStatus | null = null;
  let ended: ProcessEnd | null = null;
  const reader = new LineReader({ ...spec.handlers, status: (status) => (final = status) }, spec.declared);

  return new Promise<ProcessEnd>((resolve) => {
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let settled = false;
    const killGroup = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      spec.signal.removeEventListener('abort', onAbort);
      if (timer) clearTimeout(timer);
      if (!ended) {
        try {
          reader.finish();
        } catch (error) {
          ended = { kind: 'error', error: error as Error, stderr: '' };
        }
      }
      const code = exit?.code ?? null;
      const settledEnd: ProcessEnd = ended ?? (final && (code === 0 || final.status !== 'done') ? { kind: 'status', final, stderr: '' } : { kind: 'exit', code, signal: exit?.signal ?? null, stderr: '' });
      resolve({ ...settledEnd, stderr });
    };
    /** Stops reading pipes that a process outside the group still holds, and ends the run without them. */
    const abandonPipes = (): void => {
      child.stdout.destroy();
      child.stderr.destroy();
      settle();
    };
    const stop = (end: ProcessEnd): void => {
      if (ended) return;
      ended = end;
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), killGraceMs).unref();
    };
    const onAbort = (): void => stop({ kind: 'cancelled', stderr: '' });
    spec.signal.addEventListener('abort', onAbort, { once: true });
    // A cancel that came while the folder was being prepared.
    if (spec.signal.aborted) onAbort();
    const timer = spec.timeoutSeconds ? setTimeout(() => stop({ kind: 'timeout', stderr: '' }), spec.timeoutSeconds * 1000) : null;

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      if (ended) return;
      try {
        reader.push(text);
      } catch (error) {
        stop({ kind: 'error', error: error as Error, stderr: '' });
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-stderrKeptBytes);
    });
    // A script that never reads its stdin closes it early: not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(spec.stdin);
    child.on('error', (error) => {
      stop({ kind: 'error', error: new Error(`cannot start ${JSON.stringify(program)}: ${error.message}`), stderr: '' });
      // A program that never started has no exit to wait for.
      if (child.pid === undefined) abandonPipes();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the script left running in its group goes with it.
      killGroup('SIGKILL');
      setTimeout(abandonPipes, pipeGraceMs).unref();
    });
    child.on('close', settle);
  });
}
