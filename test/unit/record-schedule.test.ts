// The shared record schedule: sorted distinct steps, each anchor stored with its neighbour, the
// first and last steps present, and a count within the documented bound.
import { describe, expect, it } from 'vitest';
import { anchorSteps, isDoublingAnchor, isDoublingRecordStep, pairSteps, recordSteps } from '../../workers/families/record-schedule';

const sortedDistinct = (steps: readonly number[]): boolean => steps.every((s, i) => i === 0 || s > steps[i - 1]);

describe('record schedule', () => {
  it('a run of known length: anchors with their neighbours, first and last, bounded count', () => {
    for (const o of [
      { first: 0, last: 1_000_000, every: 3334, perDecade: 20 },
      { first: 1, last: 5000, every: 125, perDecade: 39 / Math.log10(5000) },
      { first: 0, last: 2000, every: 8, perDecade: 20, extra: [333, 1999, 5000] },
      { first: 1, last: 7, every: 2 },
      { first: 0, last: 1, every: 4 },
    ]) {
      const anchors = anchorSteps(o), steps = recordSteps(o);
      expect(sortedDistinct(steps)).toBe(true);
      expect(steps[0]).toBe(o.first);
      expect(steps.at(-1)).toBe(o.last);
      expect(steps).toContain(o.first + 1);
      expect(steps).toContain(o.last - 1);
      const stored = new Set(steps);
      for (const s of anchors) expect(stored.has(s + 1) || (s === o.last && stored.has(s - 1))).toBe(true);
      for (let s = o.every; s < o.last; s += o.every) if (s > o.first) expect(stored.has(s) && stored.has(s + 1)).toBe(true);
      const extra = (o.extra ?? []).filter((s) => s >= o.first && s <= o.last);
      extra.forEach((s) => expect(stored.has(s)).toBe(true));
      expect(steps.every((s) => s >= o.first && s <= o.last)).toBe(true);
      const bound = 2 * (2 + (o.last - o.first) / o.every + (o.perDecade ?? 0) * Math.log10(o.last) + extra.length);
      expect(steps.length).toBeLessThanOrEqual(bound);
    }
    // 10⁶ steps with ~300 uniform and 20 log-spaced anchors per decade keep under a thousand records.
    expect(recordSteps({ first: 0, last: 1_000_000, every: 3334, perDecade: 20 }).length).toBeLessThan(900);
  });

  it('pairs the last step with its predecessor and stays inside [first, last]', () => {
    expect(pairSteps([1, 4, 10], 1, 10)).toEqual([1, 2, 4, 5, 9, 10]);
    expect(pairSteps([0], 0, 0)).toEqual([0]);
  });

  it('doubling schedule: every step at first, then strides 2, 4, …, each anchor with its successor, bounded count', () => {
    const perLevel = 5, total = 200_000;
    const anchors: number[] = [], records: number[] = [];
    for (let s = 0; s <= total; s++) {
      if (isDoublingAnchor(s, perLevel)) anchors.push(s);
      if (isDoublingRecordStep(s, perLevel)) records.push(s);
    }
    // Level j starts at perLevel·(2^j − 1) and holds perLevel anchors at stride 2^j.
    expect(anchors.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 7, 9, 11, 13, 15, 19]);
    expect(anchors.slice(15, 17)).toEqual([35, 43]);
    const stored = new Set(records);
    anchors.forEach((s) => expect(stored.has(s) && stored.has(s + 1)).toBe(true));
    expect(records[0]).toBe(0);
    expect(records[1]).toBe(1);
    const bound = 2 * perLevel * Math.ceil(Math.log2(total / perLevel + 1));
    expect(records.length).toBeLessThanOrEqual(bound);
    expect(records.length).toBeGreaterThan(bound / 2);
    // Both parities are stored at every level, so a period-2 orbit shows both branches.
    const late = records.filter((s) => s > total / 2);
    expect(late.some((s) => s % 2 === 0) && late.some((s) => s % 2 === 1)).toBe(true);
  });
});
