// The CLI's run tables (core/run-table.ts): --where conditions, sorting and the compare columns,
// on runs whose answers are read off by hand.
import { describe, expect, it } from 'vitest';
import { compareTable, matches, parseWhere, sortRows, tableCsv, tableMarkdown, type RunRow } from '../../src-main/core/run-table';
import type { Experiment, Run } from '../../src-main/contract';

const experiment: Experiment = { id: 1, name: 'e', family: 'logged', params: {}, sweep: {}, seeds: [0], notes: '', tags: [], createdAtMs: 0, updatedAtMs: 0 };

function row(id: number, params: Record<string, unknown>, summary: Run['summary'], status: Run['status'] = 'done'): RunRow {
  const run: Run = { id, experimentId: 1, params, seed: 0, status, progress: 1, queuedAtMs: 0, startedAtMs: null, finishedAtMs: null, error: null, device: null, appVersion: 'v', tags: [], notes: '', summary };
  return { run, experiment, origin: undefined };
}

const rows = [
  row(1, { depth: 3, lr: 0.1 }, { loss: 0.5, escapeTimes: [1, 2] }),
  row(2, { depth: 2, lr: 0.1 }, { loss: 0.05 }),
  row(3, { depth: 3, lr: 0.01, loss: 'param' }, { loss: 0.2 }, 'crashed'),
];

describe('run tables', () => {
  it('--where: numbers compare as numbers, text as text; a missing key matches only !=', () => {
    const pick = (...where: string[]) => rows.filter((r) => matches(r, parseWhere(where))).map((r) => r.run.id);
    expect(pick('depth=3')).toEqual([1, 3]);
    expect(pick('depth=3,lr<0.05')).toEqual([3]);
    expect(pick('depth>=3', 'status!=crashed')).toEqual([1]);
    expect(pick('summary.loss<=0.2')).toEqual([2, 3]);
    // A parameter wins over a summary of the same name unless summary. is written.
    expect(pick('loss=param')).toEqual([3]);
    expect(pick('escapeTimes[1]=2')).toEqual([1]);
    expect(pick('momentum!=0.9')).toEqual([1, 2, 3]);
    expect(pick('momentum=0.9')).toEqual([]);
    expect(() => parseWhere(['depth'])).toThrow('--where "depth": write KEY=VALUE');
    expect(() => parseWhere(['depth='])).toThrow('--where "depth="');
  });

  it('sorts ascending or (-KEY) descending, runs without the key last', () => {
    expect(sortRows(rows, 'summary.loss').map((r) => r.run.id)).toEqual([2, 3, 1]);
    expect(sortRows(rows, '-summary.loss').map((r) => r.run.id)).toEqual([1, 3, 2]);
    expect(sortRows(rows, 'escapeTimes[0]').map((r) => r.run.id)).toEqual([1, 2, 3]);
  });

  it('compare: varying parameters and every summary as columns, a name in both told apart; CSV and Markdown', () => {
    const table = compareTable(rows, { onlyVarying: true });
    expect(table.columns.slice(8)).toEqual(['depth', 'lr', 'params.loss', 'summary.loss', 'escapeTimes[0]', 'escapeTimes[1]']);
    expect(table.rows.map((cells) => cells.slice(8))).toEqual([
      [3, 0.1, null, 0.5, 1, 2],
      [2, 0.1, null, 0.05, null, null],
      [3, 0.01, 'param', 0.2, null, null],
    ]);
    const small = compareTable(rows.slice(0, 2), { onlyVarying: true, columns: ['run', 'depth', 'loss'] });
    expect(tableCsv(small)).toBe('run,depth,loss\n1,3,0.5\n2,2,0.05\n');
    expect(tableMarkdown(small)).toBe('| run | depth | loss |\n| --- | --- | --- |\n| 1 | 3 | 0.5 |\n| 2 | 2 | 0.05 |\n');
  });
});
