import { describe, expect, it } from 'vitest';
import type { Run } from '../../src-main/contract';
import { describeRepeatedPoints, repeatedPoints } from '../../src-main/core/slurm/repeated-points';

type Existing = Pick<Run, 'experimentId' | 'params' | 'seed' | 'status'>;
const existing = (experimentId: number, params: Record<string, unknown>, seed: number, status: Run['status']): Existing => ({ experimentId, params, seed, status });

describe('points of a Slurm submission that have runs already', () => {
  const planned = [
    { params: { depth: 2, initScale: 0.01, targets: [1] }, seed: 0 },
    { params: { depth: 3, initScale: 0.01, targets: [1] }, seed: 0 },
    { params: { depth: 3, initScale: 0.01, targets: [1] }, seed: 1 },
  ];

  it('counts planned runs whose parameters (in any key order) and seed a standing run has', () => {
    const runs = [
      existing(1, { targets: [1], initScale: 0.01, depth: 2 }, 0, 'done'),
      existing(4, { depth: 3, initScale: 0.01, targets: [1] }, 1, 'submitted'),
      // Same point, another seed; another point; a nested value that differs.
      existing(1, { depth: 2, initScale: 0.01, targets: [1] }, 5, 'done'),
      existing(1, { depth: 4, initScale: 0.01, targets: [1] }, 0, 'done'),
      existing(2, { depth: 3, initScale: 0.01, targets: [2] }, 0, 'running'),
    ];
    const repeated = repeatedPoints(planned, runs);
    expect(repeated).toEqual({ count: 2, experimentIds: [1, 4] });
    expect(describeRepeatedPoints(repeated, planned.length)).toBe('2 of 3 runs repeat points (parameters and seed) that already have runs in this project (experiments 1, 4)');
  });

  it('lets failed and cancelled runs be redone', () => {
    const runs = [existing(1, planned[0].params, 0, 'failed'), existing(1, planned[1].params, 0, 'cancelled')];
    expect(repeatedPoints(planned, runs)).toEqual({ count: 0, experimentIds: [] });
    expect(repeatedPoints(planned, [])).toEqual({ count: 0, experimentIds: [] });
  });
});
