// The worker's reply for one run, checked on arrival in the main thread. The one rule for
// non-finite results (docs/architecture.md): NaN or ±Infinity in a summary or a theory overlay
// ends the run as `diverged`, naming the values, as a non-finite metric point does; the run keeps
// no summary (and no overlay, if the overlay held it). A reply of the wrong shape fails the run.
import { z } from 'zod';
import { runSummary, theorySeries } from '../contract';
import type { RunOutcome } from '../../workers/pool-worker';

const theoryList = z.array(theorySeries);
const outcomeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('done'), summary: runSummary, theory: theoryList }),
  z.object({ status: z.enum(['diverged', 'cancelled']), error: z.string(), summary: z.null(), theory: theoryList }),
]);

/** The outcome as the contract types it (non-finite results: `diverged`); throws an Error naming every malformed field. */
export function checkOutcome(raw: unknown): RunOutcome {
  const nonFinite = nonFiniteFields(raw);
  if (nonFinite.length > 0) {
    const listed = nonFinite.slice(0, 5).join(', ') + (nonFinite.length > 5 ? `, … (${nonFinite.length} in all)` : '');
    const theory = theoryList.safeParse((raw as { theory?: unknown }).theory);
    return { status: 'diverged', error: `the run's results hold non-finite numbers: ${listed}`, summary: null, theory: theory.success ? theory.data : [] };
  }
  const parsed = outcomeSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(outcome)'}: ${issue.message}`);
    throw new Error(`the worker's reply is malformed: ${fields.join('; ')}`);
  }
  return parsed.data;
}

/** Paths such as `summary.finalLoss = NaN` or `theory[0].y[3] = Infinity`. */
function nonFiniteFields(raw: unknown): string[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const { summary, theory } = raw as { summary?: unknown; theory?: unknown };
  // Paths are spelled out only where something is wrong: a theory overlay holds thousands of numbers.
  if (allFinite(summary) && allFinite(theory)) return [];
  const found: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(summary, 'summary');
  visit(theory, 'theory');
  return found;
}

function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (typeof value === 'object' && value !== null) return Object.values(value).every(allFinite);
  return true;
}
