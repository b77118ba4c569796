import { describe, expect, it } from 'vitest';
import { api, experimentSpec } from '../../src-main/contract';
import { apiMethods } from '../../src-main/contract/methods';

describe('the API contract', () => {
  it('the preload method list names exactly the methods of the API', () => {
    const fromApi = Object.fromEntries(Object.entries(api).map(([ns, methods]) => [ns, Object.keys(methods).sort()]));
    const fromList = Object.fromEntries(Object.entries(apiMethods).map(([ns, methods]) => [ns, [...methods].sort()]));
    expect(fromList).toEqual(fromApi);
  });

  it('spec files fill defaults and reject unknown keys', () => {
    const spec = experimentSpec.parse({ family: 'mode-flow', params: { depth: 3 } });
    expect(spec).toMatchObject({ name: 'Untitled experiment', sweep: {}, seeds: [0], notes: '', tags: [] });
    const bad = experimentSpec.safeParse({ family: 'mode-flow', sweeps: {} });
    expect(bad.success).toBe(false);
  });

  it('sweep axes accept a list, linspace or logspace and nothing else', () => {
    const ok = experimentSpec.safeParse({ family: 'x', sweep: { a: [1, 2], b: { linspace: [0, 1, 3] }, c: { logspace: [-2, -1, 4] } } });
    expect(ok.success).toBe(true);
    const bad = experimentSpec.safeParse({ family: 'x', sweep: { a: { range: [0, 1] } } });
    expect(bad.success).toBe(false);
    const zero = experimentSpec.safeParse({ family: 'x', sweep: { a: { linspace: [0, 1, 0] } } });
    expect(zero.success).toBe(false);
  });
});
