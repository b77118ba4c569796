import { describe, expect, it } from 'vitest';
import {
  axisPreview,
  convertAxis,
  formatSeeds,
  parseNumberList,
  parseSeeds,
  sweepKind,
  sweepValueIssues,
} from '../../src-renderer/src/logic/sweep';
import { issuesAt } from '../../src-renderer/src/stores/experiments';

describe('sweep axes', () => {
  it('knows each axis kind', () => {
    expect(sweepKind([1])).toBe('list');
    expect(sweepKind({ linspace: [0, 1, 2] })).toBe('linspace');
    expect(sweepKind({ logspace: [0, 1, 2] })).toBe('logspace');
  });

  it('converts between kinds keeping range and count', () => {
    expect(convertAxis([0.5, 0.1, 0.3], 'linspace')).toEqual({ linspace: [0.1, 0.5, 3] });
    expect(convertAxis([0.001, 0.1], 'logspace')).toEqual({ logspace: [-3, -1, 2] });
    expect(convertAxis({ logspace: [-2, 0, 3] }, 'list')).toEqual([0.01, 0.1, 1]);
    expect(convertAxis([2], 'linspace')).toEqual({ linspace: [2, 2, 2] });
  });

  it('previews long axes compactly', () => {
    expect(axisPreview([1, 2])).toBe('1, 2 (2 values)');
    expect(axisPreview([0.5])).toBe('0.5 (1 value)');
    expect(axisPreview({ linspace: [0, 9, 10] })).toBe('0, 1, 2, 3 … 9 (10 values)');
  });
});

describe('seeds field', () => {
  it('parses lists and ranges, dropping duplicates', () => {
    expect(parseSeeds('0, 1, 2')).toEqual({ ok: true, value: [0, 1, 2] });
    expect(parseSeeds('0-3 7')).toEqual({ ok: true, value: [0, 1, 2, 3, 7] });
    expect(parseSeeds('2..4, 3')).toEqual({ ok: true, value: [2, 3, 4] });
  });

  it('rejects what is not a seed', () => {
    expect(parseSeeds('').ok).toBe(false);
    expect(parseSeeds('-1').ok).toBe(false);
    expect(parseSeeds('1.5').ok).toBe(false);
    expect(parseSeeds('5-2').ok).toBe(false);
    expect(parseSeeds('0-5000').ok).toBe(false);
  });

  it('formats seeds with ranges, round-tripping through the parser', () => {
    expect(formatSeeds([0, 1, 2, 3, 7])).toBe('0-3, 7');
    expect(formatSeeds([4, 5])).toBe('4, 5');
    expect(formatSeeds([0])).toBe('0');
    const seeds = [0, 1, 2, 5, 6, 9, 10, 11];
    const parsed = parseSeeds(formatSeeds(seeds));
    expect(parsed).toEqual({ ok: true, value: seeds });
  });
});

describe('list axis text', () => {
  it('accepts commas, spaces and semicolons; rejects non-numbers', () => {
    expect(parseNumberList('0.01, 0.02 1e-3;4')).toEqual({ ok: true, value: [0.01, 0.02, 0.001, 4] });
    expect(parseNumberList('1, x').ok).toBe(false);
    expect(parseNumberList(' ').ok).toBe(false);
  });
});

describe('issues of single sweep values', () => {
  // What the host's validation returns for depth: [2, 13] in mode-flow (depth ≤ 12), as the CLI prints it.
  const issues = [
    { path: 'sweep.depth[1]', message: 'Too big: expected number to be <=12' },
    { path: 'sweep.depthScale', message: 'not a parameter' },
    { path: 'params.initScale', message: 'too small' },
  ];

  it('are found under the axis path, not under a longer name', () => {
    expect(issuesAt(issues, 'sweep.depth').map((issue) => issue.path)).toEqual(['sweep.depth[1]']);
  });

  it('name the value they are about, in lists and ranges', () => {
    expect(sweepValueIssues('depth', [2, 13], issues)).toEqual([{ index: 1, value: 13, path: 'sweep.depth[1]', message: 'Too big: expected number to be <=12' }]);
    const range = [{ path: 'sweep.initScale[2]', message: 'must be < 1' }];
    expect(sweepValueIssues('initScale', { linspace: [0, 2, 3] }, range)).toMatchObject([{ index: 2, value: 2 }]);
    expect(sweepValueIssues('initScale', [0.5], issues)).toEqual([]);
  });
});
