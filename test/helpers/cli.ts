import { spawn, type ChildProcess } from 'node:child_process';
import { cliBin, repoRoot } from './paths';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Read one chunk of stdout, then close it, as `| head` does. */
  closeStdoutAfterFirstChunk?: boolean;
}

export function runCli(args: string[], env: Record<string, string> = {}, options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, env, options).result;
}

/** The CLI as a child process the test can signal (kill -9) while it runs. */
export function startCli(args: string[], env: Record<string, string> = {}, options: CliOptions = {}): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [cliBin, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (options.closeStdoutAfterFirstChunk) child.stdout.destroy();
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, result };
}
