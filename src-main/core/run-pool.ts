// The piscina pool that runs family tasks, made apart from the Scheduler so that a host can start
// its first thread before it loads the rest of the app: for `saddle-lab run` the worker's start-up
// (~150 ms: Node's bootstrap and the families' modules) then overlaps the CLI's own module loading.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import type PiscinaPool from 'piscina';
import { enableRelaxedSimd } from '../../workers/numeric/relaxed-simd';

// A CommonJS package, required rather than imported: an ESM import has Node scan its source for
// named exports first (cjs-module-lexer; with better-sqlite3, ~8 ms of every CLI start).
export const Piscina = createRequire(import.meta.url)('piscina') as typeof PiscinaPool;
export type Piscina = PiscinaPool;

/** Threads for runs: cores − 1, at least 1, so the host keeps a core for storage and the window. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createRunPool(workerFile: string, poolSize: number): Piscina {
  enableRelaxedSimd(); // before the threads start: the gemm kernel's FMA
  return withErrorListener(new Piscina({
    filename: workerFile,
    minThreads: 1,
    maxThreads: poolSize,
    idleTimeout: 60_000,
    // A runaway family ends as ERR_WORKER_OUT_OF_MEMORY on its run, not as a dead app.
    resourceLimits: { maxOldGenerationSizeMb: 4096 },
  }));
}

/**
 * Piscina emits 'error' for events that belong to no task; with no listener that throws in the
 * host. One is routine: a run cancelled just as it finished has its thread terminated while its
 * result is in flight, and piscina then reports an "unexpected message" for a task it already
 * rejected (the run is recorded as cancelled). Anything else is logged, not fatal.
 */
export function withErrorListener(pool: Piscina, log: (line: string) => void = console.error): Piscina {
  pool.on('error', (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    if (message.startsWith('Unexpected message from Worker')) return;
    log(`[pool] ${message}`);
  });
  return pool;
}

/**
 * A pool started before the host loaded the rest of the app (the CLI's `run` and `claims`). The
 * Scheduler of that command takes it over; the CLI releases it when nothing took it (a refused spec).
 */
export class PrestartedPool {
  private pool: Piscina | null;

  constructor(
    readonly workerFile: string,
    readonly poolSize = defaultPoolSize(),
  ) {
    this.pool = createRunPool(workerFile, poolSize);
  }

  /** The pool when it fits (once), else a new one; a pool that does not fit is closed. */
  take(workerFile: string, poolSize: number): Piscina {
    const taken = this.pool;
    this.pool = null;
    if (taken && this.workerFile === workerFile && this.poolSize === poolSize) return taken;
    if (taken) void closeLoadedPool(taken);
    return createRunPool(workerFile, poolSize);
  }

  /** Closes the pool if nothing took it, before the process ends. */
  async release(): Promise<void> {
    const untaken = this.pool;
    this.pool = null;
    if (untaken) await closeLoadedPool(untaken);
  }
}

/**
 * Lets the pool's thread finish loading its modules, then closes the pool: Node 20 aborts the whole
 * process (v8 "IsGraphAsync … instantiated module") when a thread is ended while it loads ESM.
 */
export async function closeLoadedPool(pool: Piscina): Promise<void> {
  await pool.run(undefined, { name: 'ready' }).catch(() => undefined);
  await pool.destroy();
}
