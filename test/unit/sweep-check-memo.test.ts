// A spec validated, created and started is checked value by value once (SweepCheckMemo): an equal
// sweep reuses the first check's verdict, anything that changes the verdict's inputs (the family,
// a base param, a sweep value, a value JSON cannot tell apart) is checked afresh.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SweepCheckMemo, validateSpec } from '../../src-main/core/spec-validation';
import type { FamilyDefinition } from '../../workers/family';

/** A family whose schema counts its parses; `scale` may be null but not NaN, and at most 1. */
function toyFamily(): { family: FamilyDefinition; parses: () => number } {
  let parses = 0;
  const schema = z.object({ scale: z.number().max(1).nullable().default(0.5), depth: z.number().int().default(2) });
  const params = new Proxy(schema, {
    get(target, key, receiver) {
      if (key === 'safeParse') return (value: unknown) => (parses++, target.safeParse(value));
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { family: { id: 'toy', params } as unknown as FamilyDefinition, parses: () => parses };
}

const spec = (scales: unknown[], depth = 2) => ({ family: 'toy', name: 'toy', params: { depth }, sweep: { scale: scales }, seeds: [0] });

describe('SweepCheckMemo', () => {
  it('checks an equal sweep once, with the same verdict, whatever the order of the spec fields', () => {
    const { family, parses } = toyFamily();
    const memo = new SweepCheckMemo();
    const first = validateSpec(spec([0.1, 0.2, 2]), [family], memo);
    expect(first.issues.map((issue) => issue.path)).toEqual(['sweep.scale[2]']);
    const checked = parses();
    // 1 base parse + 3 sweep values.
    expect(checked).toBe(4);
    // What a caller does with its verdict does not reach the next one.
    first.issues.push({ path: 'params.depth', message: 'added by a caller' });
    const { seeds, sweep, params, name, family: id } = spec([0.1, 0.2, 2]);
    const again = validateSpec({ seeds, sweep, params, name, family: id }, [family], memo);
    expect(again.issues).toEqual(first.issues.slice(0, 1));
    expect(again.ok).toBe(false);
    expect(parses()).toBe(checked);
  });

  it('checks afresh when a value, a base param or the family changes', () => {
    const { family, parses } = toyFamily();
    const memo = new SweepCheckMemo();
    expect(validateSpec(spec([0.1, 0.2]), [family], memo).ok).toBe(true);
    expect(validateSpec(spec([0.1, 3]), [family], memo).issues.map((issue) => issue.path)).toEqual(['sweep.scale[1]']);
    expect(validateSpec(spec([0.1, 0.2], 2.5), [family], memo).issues.map((issue) => issue.path)).toContain('params.depth');
    const other = toyFamily();
    expect(validateSpec(spec([0.1, 0.2]), [other.family], memo).ok).toBe(true);
    expect(other.parses()).toBe(3);
    expect(parses()).toBe(3 + 3 + 3);
  });

  it('answers a spec nested thousands deep with its issues, as without the memo (never a stack overflow)', () => {
    const { family } = toyFamily();
    let deep: unknown = 1;
    for (let i = 0; i < 6000; i++) deep = [deep];
    const nested = { ...spec([0.1]), params: { depth: deep } };
    const withMemo = validateSpec(nested, [family], new SweepCheckMemo());
    expect(withMemo.issues.map((issue) => issue.path)).toEqual(['params.depth']);
    expect(withMemo).toEqual(validateSpec(nested, [family]));
  });

  it('never takes NaN for null, nor -0 for 0 (JSON text writes them alike)', () => {
    const { family } = toyFamily();
    const memo = new SweepCheckMemo();
    expect(validateSpec(spec([null, 0]), [family], memo).ok).toBe(true);
    expect(validateSpec(spec([NaN, 0]), [family], memo).issues.map((issue) => issue.path)).toEqual(['sweep.scale[0]']);
    expect(validateSpec(spec([null, 0]), [family], memo).ok).toBe(true);
  });
});
