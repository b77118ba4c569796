// The host's check of a worker's reply (core/run-outcome.ts) is written by hand for speed; it must
// give the verdicts of the contract's zod schemas (runSummary, theorySeries) and keep what they
// keep, on real outcomes of the families and on replies malformed in every field.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runSummary, theorySeries } from '../../src-main/contract';
import { checkOutcome } from '../../src-main/core/run-outcome';
import { builtInFamilies } from '../../workers/families/index';
import { createRng } from '../../workers/numeric/rng';

/** What the host checked the reply with before (zod), the reference. */
const theoryList = z.array(theorySeries);
const reference = z.discriminatedUnion('status', [
  z.object({ status: z.literal('done'), summary: runSummary, theory: theoryList }),
  z.object({ status: z.enum(['diverged', 'cancelled']), error: z.string(), summary: z.null(), theory: theoryList }),
]);

const series = (overrides: Record<string, unknown> = {}) => ({ id: 'escape', label: 'Escape time', kind: 'vline', x: [1.5, 3], y: [], ...overrides });
const done = (overrides: Record<string, unknown> = {}) => ({ status: 'done', summary: { finalLoss: 0.5, escapeTimes: [1, null], regime: 'saddle', fitted: null }, theory: [series()], ...overrides });

/** The array with its middle element deleted: a hole, not undefined. */
function sparse(items: unknown[]): unknown[] {
  const holed = [...items];
  delete holed[1];
  return holed;
}

const wellFormed: [string, unknown][] = [
  ['done with every kind of summary value', done()],
  ['an empty summary and no overlay', done({ summary: {}, theory: [] })],
  ['an overlay with index and role', done({ theory: [series({ index: 2, role: 'paper-claim' }), series({ id: 'l', kind: 'line', x: [0, 1], y: [1, 0], role: 'theory' })] })],
  ['keys the contract does not name (dropped, as zod drops them)', { ...done({ theory: [series({ colour: 'red' })] }), extra: 1 }],
  ['diverged with an overlay', { status: 'diverged', error: 'loss became NaN', summary: null, theory: [series()] }],
  ['cancelled', { status: 'cancelled', error: 'cancelled by the user', summary: null, theory: [] }],
  ['-0 and huge finite numbers', done({ summary: { a: -0, b: 1.7e308, c: [-0, 5e-324] } })],
  ['a summary with an own "__proto__" key (a family\'s JSON.parse; dropped, as zod drops it)', done({ summary: JSON.parse('{"__proto__": 1, "finalLoss": 0.5}') as unknown })],
];

const malformed: [string, unknown][] = [
  ['no object', null],
  ['an array', [done()]],
  ['an unknown status', done({ status: 'finished' })],
  ['no status', { summary: {}, theory: [] }],
  ['a done run without a summary', done({ summary: null })],
  ['a summary that is an array', done({ summary: [1, 2] })],
  ['a summary value that is an object', done({ summary: { nested: { a: 1 } } })],
  ['a summary array holding a string', done({ summary: { escapeTimes: [1, 'two'] } })],
  ['a summary value true', done({ summary: { converged: true } })],
  ['a theory that is no array', done({ theory: { id: 'x' } })],
  ['a series without an id', done({ theory: [series({ id: undefined })] })],
  ['a series with a numeric label', done({ theory: [series({ label: 3 })] })],
  ['an unknown kind', done({ theory: [series({ kind: 'curve' })] })],
  ['x holding a string', done({ theory: [series({ x: [1, '2'] })] })],
  ['y missing', done({ theory: [series({ y: undefined })] })],
  ['a fractional index', done({ theory: [series({ index: 1.5 })] })],
  ['an index beyond the safe integers', done({ theory: [series({ index: 2 ** 60 })] })],
  ['an unknown role', done({ theory: [series({ role: 'guess' })] })],
  ['a null series', done({ theory: [null] })],
  ['diverged without an error', { status: 'diverged', summary: null, theory: [] }],
  ['cancelled with a summary', { status: 'cancelled', error: 'x', summary: { a: 1 }, theory: [] }],
  // Sparse arrays, whose holes structured clone keeps (a family's `new Array(n)` not filled in).
  ['a summary array with a hole', done({ summary: { escapeTimes: sparse([1, 2, 3]) } })],
  ['x with a hole', done({ theory: [series({ x: sparse([0, 1, 2]) })] })],
  ['y with a hole', done({ theory: [series({ y: sparse([0, 1, 2]) })] })],
  ['a theory list with a hole', done({ theory: sparse([series(), series(), series()]) })],
  // Objects that are not plain, which structured clone also carries.
  ['a summary that is a Map', done({ summary: new Map([['finalLoss', 0.5]]) })],
  ['a summary that is a Date', done({ summary: new Date(0) })],
  ['a summary that is a typed array', done({ summary: new Float64Array([0.5]) })],
];

describe('checkOutcome against the contract schemas', () => {
  it.each(wellFormed)('keeps a well-formed reply as zod does: %s', (_, raw) => {
    expect(reference.safeParse(raw).success).toBe(true);
    expect(checkOutcome(raw)).toEqual(reference.parse(raw));
  });

  it.each(malformed)('refuses a malformed reply as zod does: %s', (_, raw) => {
    expect(reference.safeParse(raw).success).toBe(false);
    expect(() => checkOutcome(raw)).toThrow(/^the worker's reply is malformed: /);
  });

  it('names every malformed field', () => {
    const raw = done({ summary: { ok: 1, bad: { a: 1 } }, theory: [series(), series({ kind: 'curve', x: ['a'] })] });
    expect(() => checkOutcome(raw)).toThrow("the worker's reply is malformed: summary.bad: expected a number, null, a string or an array of numbers and nulls; theory.1.kind: expected one of line, vline, hline, marker; theory.1.x: expected an array of numbers");
  });

  it('non-finite values still end the run as diverged, naming them, before any shape check', () => {
    expect(checkOutcome(done({ summary: { finalLoss: NaN, escapeTimes: [1, -Infinity] } }))).toEqual({
      status: 'diverged',
      error: "the run's results hold non-finite numbers: summary.finalLoss = NaN, summary.escapeTimes[1] = -Infinity",
      summary: null,
      theory: [series()],
    });
    // The overlay that held the value is not kept.
    expect(checkOutcome(done({ theory: [series({ x: [Infinity] })] }))).toMatchObject({ status: 'diverged', theory: [] });
  });

  it.each(builtInFamilies.filter((family) => family.id === 'mode-flow' || family.id === 'multipath').map((family) => [family.id, family] as const))(
    "keeps the real outcome of %s's default run as zod does",
    async (_, family) => {
      const params = family.params.parse({});
      const summary = await family.run(params, { seed: 0, rng: createRng(0), reportDevice: () => {}, signal: new AbortController().signal, emit: () => {}, progress: () => {} });
      const raw = { status: 'done', summary, theory: family.theory?.(params, 0) ?? [] };
      expect(checkOutcome(raw)).toEqual(reference.parse(raw));
    },
  );
});
