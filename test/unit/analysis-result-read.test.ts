// readAnalysisResult checks a result's rows by hand and the rest with zod: it must give the verdict,
// the data and the issues that analysisResult.safeParse gives, on results as JSON text brings them.
import { describe, expect, it } from 'vitest';
import { analysisResult, readAnalysisResult } from '../../src-main/contract';

const table = {
  id: 'escape-times',
  title: 'Escape times',
  columns: [{ key: 'scale', label: 'init scale' }, { key: 'tEscape', label: 't' }],
  rows: Array.from({ length: 50 }, (_, i) => ({ scale: 10 ** (-2 + i / 49), tEscape: i === 7 ? null : 3 + i, label: `run ${i}`, converged: i % 2 === 0 })),
  checks: [{ name: 'slope', value: -1.01, expected: -1, tolerance: '±0.05', pass: true, claim: '000-5' }],
  chart: { title: 'escape', x: { label: 's', log: true }, y: { label: 't', log: false }, series: [{ name: 'runs', kind: 'scatter', x: [1, 2], y: [3, null] }] },
  notes: ['n'],
};

const cases: Record<string, unknown> = {
  'a sweep table': table,
  'no notes (the default)': { ...table, notes: undefined },
  'keys the contract lacks (dropped)': { ...table, extra: 1, rows: [{ a: 1 }] },
  'no rows': { ...table, rows: [] },
  'a row holding an object': { ...table, rows: [{ a: 1 }, { a: { b: 2 } }] },
  'a row holding an array': { ...table, rows: [{ a: [1, 2] }] },
  'a row that is an array': { ...table, rows: [[1, 2]] },
  'a row that is null': { ...table, rows: [{ a: 1 }, null] },
  'rows that are no list': { ...table, rows: { a: 1 } },
  'no rows at all': { ...table, rows: undefined },
  'good rows, a bad check': { ...table, checks: [{ ...table.checks[0], claim: 'five' }] },
  'good rows, no title': { ...table, title: 3 },
  'bad rows and a bad check': { ...table, rows: [{ a: {} }], checks: [{}] },
  'not an object': 'escape-times',
  null: null,
};

describe('readAnalysisResult', () => {
  it.each(Object.entries(cases))('agrees with analysisResult.safeParse: %s', (_name, value) => {
    // As read from a worker's reply or the project file: JSON text.
    const raw: unknown = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
    const fast = readAnalysisResult(raw);
    const zod = analysisResult.safeParse(raw);
    expect(fast.success).toBe(zod.success);
    if (zod.success) expect(fast.data).toEqual(zod.data);
    else expect(fast.error?.issues).toEqual(zod.error.issues);
  });

  it.each([
    ['a cell of 1e400 (read as Infinity)', '[{"a": 1e400}]'],
    ['a row with a "__proto__" key', '[{"__proto__": 1, "a": 2}]'],
  ])('agrees with analysisResult.safeParse on JSON text JSON.stringify cannot write: %s', (_name, rowsText) => {
    const raw: unknown = JSON.parse(`{"id": "t", "title": "t", "columns": [], "checks": [], "rows": ${rowsText}}`);
    const fast = readAnalysisResult(raw);
    const zod = analysisResult.safeParse(raw);
    expect(fast.success).toBe(zod.success);
    if (zod.success) expect(fast.data).toEqual(zod.data);
    else expect(fast.error?.issues).toEqual(zod.error.issues);
  });

  it('keeps a good table whole', () => {
    const read = readAnalysisResult(JSON.parse(JSON.stringify(table)));
    expect(read.success).toBe(true);
    expect(read.data?.rows).toHaveLength(50);
    expect(read.data?.rows[7]).toEqual({ scale: table.rows[7].scale, tEscape: null, label: 'run 7', converged: false });
  });
});
