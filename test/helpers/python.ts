// Whether `python3` on PATH (what a script family's manifest runs) imports a module. Tests that need
// numpy skip without it, unless SADDLE_REQUIRE_NUMPY=1 (CI installs it) makes that a failure. And
// the logging fixtures started with python/ on PYTHONPATH, as `import saddle_lab` finds it.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export function pythonHas(module: string): boolean {
  try {
    execFileSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function haveNumpy(): boolean {
  const have = pythonHas('numpy');
  if (!have && process.env.SADDLE_REQUIRE_NUMPY === '1') throw new Error('SADDLE_REQUIRE_NUMPY=1 but `python3 -c "import numpy"` fails');
  return have;
}

/** An environment in which a Python process imports `saddle_lab` from this checkout (python/). */
export function saddleLabEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PYTHONPATH: join(repoRoot, 'python') };
}

/**
 * Starts a logging fixture (test/fixtures/logging/`fixture`) with `key=value` arguments given
 * `pause_at`; resolves once it has written its first output: it has logged up to that step and
 * waits for a line on stdin (write 'go\n' to let it finish).
 */
export async function startPausedLoggingScript(fixture: string, args: readonly string[]): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn('/usr/bin/python3', [join(repoRoot, 'test', 'fixtures', 'logging', fixture), ...args], { env: saddleLabEnv() });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code, signal) => reject(new Error(`${fixture} ended (${code ?? signal}) before it paused: ${stderr}`)));
  });
  return child;
}
