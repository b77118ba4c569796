// Whether `python3` on PATH (what a script family's manifest runs) imports a module. Tests that need
// numpy skip without it, unless SADDLE_REQUIRE_NUMPY=1 (CI installs it) makes that a failure.
import { execFileSync } from 'node:child_process';

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
