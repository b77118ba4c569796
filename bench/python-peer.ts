// The Python a bench section's numpy peer runs on: found explicitly (SADDLE_BENCH_PYTHON, then every
// python3 / python on PATH, then /usr/bin/python3) as the first that imports numpy, never whichever
// python3 comes first. The peer gets one OpenBLAS thread (the engine is single-threaded) and neither
// OPENBLAS_CORETYPE nor OPENBLAS_L2_SIZE, so OpenBLAS picks its own kernel for this CPU.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface NumpyPython {
  path: string;
  numpyVersion: string;
}

let found: NumpyPython | null | undefined;

export function numpyPython(): NumpyPython | null {
  if (found !== undefined) return found;
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => ['python3', 'python'].map((name) => join(dir, name)));
  const candidates = [process.env.SADDLE_BENCH_PYTHON, ...onPath, '/usr/bin/python3'].filter((p): p is string => !!p && existsSync(p));
  found = null;
  for (const path of new Set(candidates)) {
    try {
      const numpyVersion = execFileSync(path, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).trim();
      found = { path, numpyVersion };
      break;
    } catch {
      // no numpy in this interpreter: try the next
    }
  }
  return found;
}

/** The environment of a peer command: one OpenBLAS (and OpenMP / MKL) thread, OpenBLAS's own kernel choice. */
export function peerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

export interface PeerResult {
  /** CPU seconds per step (time.process_time), after a warm-up. */
  secondsPerStep: number;
  loss: number;
  numpy: string;
  /** dln-train-records only: CPU seconds per record of the metrics. */
  secondsPerRecord?: number;
}

/** Runs bench/python/numpy_peers.py SECTION STEPS ARGS…; null when no Python with numpy is found. */
export function runNumpyPeer(root: string, section: string, steps: number, args: number[] = []): PeerResult | null {
  const python = numpyPython();
  if (!python) return null;
  const out = execFileSync(python.path, [join(root, 'bench', 'python', 'numpy_peers.py'), section, String(steps), ...args.map(String)], {
    encoding: 'utf8',
    env: peerEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 600_000,
  });
  return JSON.parse(out) as PeerResult;
}

/** What a section prints where the peer is missing. */
export const PEER_MISSING = 'peer missing: no python with numpy (set SADDLE_BENCH_PYTHON)';
/** Likewise where the peer needs SciPy too. */
export const SCIPY_MISSING = 'no python with numpy and scipy (set SADDLE_BENCH_PYTHON)';

/** Seconds per step of one call of `fn(steps)`, after a warm-up of a tenth. */
export interface StepTimes {
  /** CPU (process.cpuUsage: user + system of this process). */
  cpu: number;
  wall: number;
}

/** One timed call of `fn(steps)`: its CPU and wall seconds per step, both from that call. */
export function secondsPerStep(fn: (steps: number) => unknown, steps: number): StepTimes {
  fn(Math.max(1, Math.ceil(steps / 10)));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  fn(steps);
  const wall = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) / 1e6 / steps, wall: wall / steps };
}
