// A RunContext for timing family.run in-process: chunks, progress and device reports go nowhere.
import type { RunContext } from '../workers/family';
import { createRng } from '../workers/numeric/rng';

export const quietContext = (seed = 0): RunContext => ({
  seed,
  rng: createRng(seed),
  signal: new AbortController().signal,
  reportDevice: () => {},
  emit: () => {},
  progress: () => {},
});
