import { describe, expect, it } from 'vitest';
import type { Run } from '../../src-main/contract/api';
import { aggregateSeries } from '../../src-renderer/src/logic/aggregate';
import { toCsv } from '../../src-renderer/src/logic/csv';
import { readLayout } from '../../src-renderer/src/logic/dashboard-layout';
import { formatCompact, formatDuration, formatNumber } from '../../src-renderer/src/logic/format';
import { appendPoints } from '../../src-renderer/src/logic/live-series';
import { chartMetrics, metricIndex } from '../../src-renderer/src/logic/metrics';
import { paramsLabel, stableStringify, varyingKeys } from '../../src-renderer/src/logic/params';
import { cellValue, filterRuns, parseRunFilter, parseTags, rowWindow, runWarning, sortRuns, tableColumns } from '../../src-renderer/src/logic/runs-table';
import { clickSelection } from '../../src-renderer/src/logic/selection';
import { commandForKey, commandPanelId, isAppCommand } from '../../src-renderer/src/logic/shortcuts';

describe('number and value formatting', () => {
  it('keeps four significant digits and switches to exponents at the extremes', () => {
    expect(formatNumber(0.04)).toBe('0.04');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1 / 3)).toBe('0.3333');
    expect(formatNumber(1e-5)).toBe('1e-5');
    expect(formatNumber(123456)).toBe('1.235e5');
    expect(formatNumber(-2.5e-7)).toBe('-2.5e-7');
  });

  it('shortens long arrays for table cells', () => {
    expect(formatCompact([1, 2])).toBe('[1, 2]');
    expect(formatCompact([1, 2, 3, 4, 5])).toBe('[1, 2, 3, … 5]');
    expect(formatCompact(null)).toBe('–');
  });

  it('formats ETAs', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(4_320_000)).toBe('1 h 12 min');
  });
});

describe('parameters that tell runs apart', () => {
  it('finds the keys whose values differ, comparing arrays by value', () => {
    const sets = [
      { depth: 2, targets: [1, 2], initScale: 0.01 },
      { depth: 3, targets: [1, 2], initScale: 0.01 },
      { depth: 3, targets: [1, 2], initScale: 0.01, extra: true },
    ];
    expect(varyingKeys(sets)).toEqual(['depth', 'extra']);
    expect(paramsLabel(sets[0], ['depth', 'initScale'])).toBe('depth=2, initScale=0.01');
    expect(stableStringify({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
  });
});

describe('metric patterns', () => {
  it('matches prefixes and orders indexed metrics numerically', () => {
    const available = ['sigma/10', 'sigma/2', 'loss', 'barrier/0', 'sigma/0'];
    expect(chartMetrics(['sigma/'], available)).toEqual(['sigma/0', 'sigma/2', 'sigma/10']);
    expect(chartMetrics(['loss', 'bregman'], available)).toEqual(['loss']);
    expect(metricIndex('sigma/10')).toBe(10);
    expect(metricIndex('loss')).toBeNull();
  });
});

describe('mean and min–max over seeds', () => {
  it('interpolates members onto the longest grid', () => {
    const band = aggregateSeries([
      { x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4] },
      { x: [0, 2, 4], y: [0, 4, 8] },
    ]);
    expect(band.x).toEqual([0, 1, 2, 3, 4]);
    expect(band.mean).toEqual([0, 1.5, 3, 4.5, 6]);
    expect(band.min).toEqual([0, 1, 2, 3, 4]);
    expect(band.max).toEqual([0, 2, 4, 6, 8]);
  });

  it('averages only the members that cover an x and skips non-finite values', () => {
    const band = aggregateSeries([
      { x: [0, 1, 2, 3], y: [1, 1, NaN, 1] },
      { x: [0, 1], y: [3, 3] },
    ]);
    expect(band.x).toEqual([0, 1, 3]);
    expect(band.mean).toEqual([2, 2, 1]);
    expect(band.count).toEqual([2, 2, 1]);
  });
});

describe('live points', () => {
  it('appends only points beyond the last x', () => {
    const first = appendPoints(undefined, 'loss', [0, 1], [5, 4], 100);
    const second = appendPoints(first, 'loss', [1, 2, 3], [4, 3, 2], 100);
    expect(second).toEqual({ metric: 'loss', x: [0, 1, 2, 3], y: [5, 4, 3, 2] });
    expect(appendPoints(second, 'loss', [2], [3], 100)).toBe(second);
  });

  it('thins to the cap, keeping the first and last points', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    const thinned = appendPoints(undefined, 'loss', x, x, 4);
    expect(thinned.x.length).toBeLessThanOrEqual(4);
    expect(thinned.x[0]).toBe(0);
    expect(thinned.x[thinned.x.length - 1]).toBe(9);
  });
});

function makeRun(id: number, params: Record<string, unknown>, extra: Partial<Run> = {}): Run {
  return {
    id,
    experimentId: 1,
    params,
    seed: 0,
    status: 'done',
    progress: 1,
    queuedAtMs: 0,
    startedAtMs: 0,
    finishedAtMs: 1,
    error: null,
    device: 'cpu',
    appVersion: '0.1.0',
    tags: [],
    notes: '',
    summary: null,
    ...extra,
  };
}

describe('runs table', () => {
  const runs = [
    makeRun(1, { depth: 2, targets: [1, 2] }, { summary: { escapeTime: 12.5 } }),
    makeRun(2, { depth: 3, targets: [1, 2] }, { summary: { escapeTime: null }, tags: ['slow'] }),
    makeRun(3, { depth: 10, targets: [1, 2] }, { summary: { escapeTime: 3 }, notes: 'check Fig. 2' }),
  ];

  it('shows varying parameters then summary keys', () => {
    expect(tableColumns(runs, false).map((column) => column.id)).toEqual(['run:id', 'run:status', 'run:seed', 'param:depth', 'summary:escapeTime']);
    expect(tableColumns(runs, true).map((column) => column.id)).toContain('param:targets');
  });

  it('adds a device column once a run used a GPU or fell back with a notice', () => {
    const onGpu = runs.map((run, i) => ({ ...run, device: i === 0 ? 'gpu: NVIDIA H100' : 'cpu' }));
    const columns = tableColumns(onGpu, false);
    const device = columns.find((column) => column.id === 'run:device');
    expect(device).toBeDefined();
    expect(cellValue(onGpu[0], device!)).toBe('gpu: NVIDIA H100');
  });

  it('sorts numerically with missing values last in both directions', () => {
    const columns = tableColumns(runs, false);
    expect(sortRuns(runs, columns, { columnId: 'param:depth', descending: false }).map((run) => run.id)).toEqual([1, 2, 3]);
    expect(sortRuns(runs, columns, { columnId: 'summary:escapeTime', descending: false }).map((run) => run.id)).toEqual([3, 1, 2]);
    expect(sortRuns(runs, columns, { columnId: 'summary:escapeTime', descending: true }).map((run) => run.id)).toEqual([1, 3, 2]);
  });

  const filtered = (rows: readonly Run[], query: string): number[] => {
    const columns = tableColumns(rows, true);
    const parsed = parseRunFilter(query, columns);
    if (!parsed.ok) throw new Error(parsed.message);
    return filterRuns(rows, columns, parsed.terms).map((run) => run.id);
  };

  it('filters on cells, tags and notes', () => {
    expect(filtered(runs, 'slow')).toEqual([2]);
    expect(filtered(runs, 'fig.')).toEqual([3]);
    expect(filtered(runs, 'depth=10')).toEqual([3]);
    expect(filtered(runs, 'status=done')).toEqual([1, 2, 3]);
    expect(filtered(runs, '  ')).toEqual([1, 2, 3]);
  });

  it('compares numbers: = and != within 1e-9 relative, <, >, <=, >=', () => {
    const scales = [0.01, 0.0166, 0.1 * 0.1, 0.010000001].map((initScale, i) => makeRun(i + 1, { initScale, depth: i + 2 }));
    // The substring "0.01" is in 0.0166 and 0.010000001 too; the number is not.
    expect(filtered(scales, 'initScale=0.01')).toEqual([1, 3]);
    expect(filtered(scales, 'initscale!=0.01')).toEqual([2, 4]);
    expect(filtered(scales, 'depth>3')).toEqual([3, 4]);
    expect(filtered(scales, 'depth>=3')).toEqual([2, 3, 4]);
    expect(filtered(scales, 'depth<3')).toEqual([1]);
    expect(filtered(scales, 'depth<=3 initScale<0.012')).toEqual([1]);
    expect(filtered(runs, 'escapeTime<5')).toEqual([3]);
    expect(filtered(runs, 'escapeTime!=3')).toEqual([1, 2]);
  });

  it('names the word and the fix in a malformed filter', () => {
    const columns = tableColumns(runs, true);
    expect(parseRunFilter('depth>abc', columns)).toEqual({ ok: false, message: '"depth>abc": > needs a number after it, e.g. depth>3' });
    expect(parseRunFilter('depth<=', columns)).toMatchObject({ ok: false, message: expect.stringContaining('"depth<=": <= needs a number') });
    expect(parseRunFilter('width>3', columns)).toMatchObject({ ok: false, message: expect.stringContaining('no column "width" (columns: #, status, seed, depth') });
  });

  it('parses tags', () => {
    expect(parseTags('a, b  c,a')).toEqual(['a', 'b', 'c']);
  });
});

describe('row selection', () => {
  const ids = [5, 6, 7, 8];
  const none = { selected: new Set<number>(), anchor: null };

  it('selects one row on a plain click, toggles with Ctrl, extends with Shift', () => {
    const one = clickSelection(none, ids, 6, { shift: false, toggle: false });
    expect([...one.selected]).toEqual([6]);
    const two = clickSelection(one, ids, 8, { shift: false, toggle: true });
    expect([...two.selected].sort()).toEqual([6, 8]);
    const range = clickSelection(one, ids, 8, { shift: true, toggle: false });
    expect([...range.selected]).toEqual([6, 7, 8]);
    const backwards = clickSelection({ selected: new Set([7]), anchor: 7 }, ids, 5, { shift: true, toggle: false });
    expect([...backwards.selected]).toEqual([5, 6, 7]);
    const untoggled = clickSelection(two, ids, 8, { shift: false, toggle: true });
    expect([...untoggled.selected]).toEqual([6]);
  });
});

describe('keyboard shortcuts', () => {
  const key = (value: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
    key: value,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...mods,
  });

  it('maps Ctrl/Cmd+Enter to run.start on each platform', () => {
    expect(commandForKey(key('Enter', { ctrlKey: true }), 'electron', false, true)).toBe('run.start');
    expect(commandForKey(key('Enter', { metaKey: true }), 'electron', true, false)).toBe('run.start');
    expect(commandForKey(key('Enter', { ctrlKey: true }), 'electron', true, false)).toBeNull();
    expect(commandForKey(key('Enter'), 'serve', false, false)).toBeNull();
  });

  it('leaves project shortcuts to the native menu in Electron', () => {
    expect(commandForKey(key('s', { ctrlKey: true }), 'serve', false, false)).toBe('project.saveAs');
    expect(commandForKey(key('S', { ctrlKey: true }), 'electron', false, false)).toBeNull();
  });

  it('ignores plain keys while typing', () => {
    expect(commandForKey(key('?', { shiftKey: true }), 'serve', false, false)).toBe('help.shortcuts');
    expect(commandForKey(key('?', { shiftKey: true }), 'serve', false, true)).toBeNull();
  });

  it('acts on the focused panel before the one last clicked, then the first', () => {
    const panels = ['sigma', 'loss', 'barrier'];
    expect(commandPanelId('loss', 'sigma', panels)).toBe('loss');
    expect(commandPanelId(null, 'sigma', panels)).toBe('sigma');
    // Focus on an analysis panel (no log axes to toggle), or a panel gone since it was clicked.
    expect(commandPanelId('analysis:fit', 'gone', panels)).toBe('sigma');
    expect(commandPanelId(null, null, [])).toBeNull();
  });

  it('recognizes menu command strings', () => {
    expect(isAppCommand('view.smallMultiples')).toBe(true);
    expect(isAppCommand('format.disk')).toBe(false);
  });
});

describe('saved dashboard layouts', () => {
  it('reads a saved layout and falls back to defaults for bad entries', () => {
    const layout = readLayout({
      mode: 'smallMultiples',
      aggregate: true,
      groupKeys: ['depth', 3],
      panels: { sigma: { logX: true, hiddenTheory: ['tauLin', 1] }, bad: 'x' },
      selectedRunIds: [1, 2.5, 'x', 3],
    });
    expect(layout).toEqual({
      mode: 'smallMultiples',
      aggregate: true,
      bandCentre: 'mean',
      bandSpread: 'minmax',
      groupKeys: ['depth'],
      panels: {
        sigma: { logX: true, logY: false, hiddenTheory: ['tauLin'], xMode: { kind: 'native' }, smoothing: { kind: 'none' }, referenceLines: [], notes: [] },
      },
      selectedRunIds: [1, 3],
      // A layout saved before comparisons existed compares nothing; one saved before "show all" draws the default subset.
      compared: [],
      drawAll: false,
    });
    expect(readLayout({ mode: 'grid' })).toMatchObject({ mode: 'overlay', aggregate: false, groupKeys: null });
  });
});

describe('CSV', () => {
  it('quotes fields with separators, quotes and line breaks', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], [1, null], ['line\nbreak', [1, 2]]])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n1,\r\n"line\nbreak","[1,2]"\r\n',
    );
  });
});

describe('run warnings', () => {
  it("shows a family's warning string and nothing for a run without one", () => {
    const run = (summary: Record<string, unknown> | null) => ({ summary }) as unknown as Parameters<typeof runWarning>[0];
    expect(runWarning(run({ warning: 'no weight changed after step 474 of 10000' }))).toBe('no weight changed after step 474 of 10000');
    expect(runWarning(run({ warning: null }))).toBeNull();
    expect(runWarning(run({ warning: '' }))).toBeNull();
    expect(runWarning(run(null))).toBeNull();
  });
});

describe('a big runs table draws the rows in view', () => {
  it('draws tables of up to 200 rows whole, and any table whole before a row was measured', () => {
    expect(rowWindow(200, 0, 360, 20, 18)).toEqual({ first: 0, end: 200, padTop: 0, padBottom: 0 });
    expect(rowWindow(1000, 0, 360, 0, 18)).toEqual({ first: 0, end: 1000, padTop: 0, padBottom: 0 });
  });

  it('draws the rows in view and a screenful either side; the spacers keep the full height', () => {
    // 18 rows of 20 px in view from row 500; 18 more either side.
    const at = rowWindow(1000, 500 * 20, 360, 20, 18);
    expect(at).toEqual({ first: 482, end: 536, padTop: 482 * 20, padBottom: (1000 - 536) * 20 });
    expect(at.padTop + (at.end - at.first) * 20 + at.padBottom).toBe(1000 * 20);
    expect(rowWindow(1000, 0, 360, 20, 18)).toMatchObject({ first: 0, end: 36, padTop: 0 });
    // Scrolled to the bottom (and past it, as a shrinking table may be): the last rows, no bottom spacer.
    expect(rowWindow(1000, 1000 * 20 - 360, 360, 20, 18)).toMatchObject({ first: 964, end: 1000, padBottom: 0 });
    expect(rowWindow(300, 1e6, 360, 20, 18)).toEqual({ first: 300, end: 300, padTop: 6000, padBottom: 0 });
  });
});
