import { describe, expect, it } from 'vitest';
import type { Run, RunStatus } from '../../src-main/contract/api';
import { maxQueueRows, queueRows } from '../../src-renderer/src/logic/run-queue';

function run(id: number, status: RunStatus, experimentId = 1): Run {
  return { id, experimentId, status, progress: 0, error: null, summary: null } as Run;
}

describe('queueRows', () => {
  it('lists running, then queued or on Slurm, then the current experiment’s failed and diverged runs, by id within each', () => {
    const runs = [run(5, 'queued'), run(1, 'done'), run(4, 'running'), run(2, 'failed'), run(3, 'submitted'), run(6, 'diverged', 2), run(7, 'running')];
    const { rows, more } = queueRows(runs, 1);
    expect(rows.map((r) => r.id)).toEqual([4, 7, 3, 5, 2]);
    expect(more).toEqual({});
  });

  it('lists a 1000-run sweep up to the cap, running runs first, and counts the rest by status', () => {
    const runs = Array.from({ length: 1000 }, (_, i) => run(i + 1, i < 990 ? 'queued' : 'running'));
    const { rows, more } = queueRows(runs, 1);
    expect(rows).toHaveLength(maxQueueRows);
    expect(rows.slice(0, 10).map((r) => r.id)).toEqual([991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]);
    expect(rows[10].id).toBe(1);
    expect(more).toEqual({ queued: 1000 - maxQueueRows });
  });
});
