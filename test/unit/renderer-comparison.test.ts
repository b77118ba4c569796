import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../../src-main/contract/family-meta';
import { buildPanelModel } from '../../src-renderer/src/charts/panel-model';
import { optionFromModel } from '../../src-renderer/src/charts/panel-option';
import { aggregateSeries, bandLines } from '../../src-renderer/src/logic/aggregate';
import { readLayout } from '../../src-renderer/src/logic/dashboard-layout';
import { smooth } from '../../src-renderer/src/logic/smoothing';
import { mapRunSeries, mapTheory, xAxisLabel, wallClockMetric } from '../../src-renderer/src/logic/x-axis';

describe('smoothing, against hand-computed values', () => {
  const y = [1, 2, 3, 4, 100];

  it('none copies', () => expect(smooth(y, { kind: 'none' })).toEqual(y));

  it('debiased EMA starts at the first value', () => {
    // β = 0.5: m1 = 0.5, m2 = 0.5·0.5 + 0.5·2 = 1.25, debiased 0.5/0.5 = 1, 1.25/0.75 = 5/3.
    const out = smooth([1, 2], { kind: 'ema', weight: 0.5 });
    expect(out[0]).toBeCloseTo(1, 14);
    expect(out[1]).toBeCloseTo(5 / 3, 14);
  });

  it('centred moving average truncates at the ends', () => {
    expect(smooth(y, { kind: 'moving', window: 3 })).toEqual([1.5, 2, 3, 107 / 3, 52]);
  });

  it('Gaussian weights are exp(−j²/2σ²), renormalised at the ends', () => {
    const w1 = Math.exp(-0.5);
    const w2 = Math.exp(-2);
    const w3 = Math.exp(-4.5);
    const out = smooth([0, 0, 0, 1, 0, 0, 0], { kind: 'gaussian', sigma: 1 });
    const total = 1 + 2 * (w1 + w2 + w3);
    expect(out[3]).toBeCloseTo(1 / total, 14);
    expect(out[2]).toBeCloseTo(w1 / (total - w3), 14); // index −1 is missing
    expect(out[0]).toBeCloseTo(w3 / (1 + w1 + w2 + w3), 14);
  });

  it('keeps non-finite points out of every average', () => {
    const out = smooth([1, NaN, 3], { kind: 'moving', window: 3 });
    expect(out[0]).toBe(1);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(3);
  });
});

describe('band statistics over seeds', () => {
  const members = [
    { x: [0, 1], y: [1, 10] },
    { x: [0, 1], y: [2, 20] },
    { x: [0, 1], y: [6, 30] },
  ];
  const band = aggregateSeries(members);

  it('mean, median, min–max, sample σ and N', () => {
    expect(band.mean).toEqual([3, 20]);
    expect(band.median).toEqual([2, 20]);
    expect(band.min).toEqual([1, 10]);
    expect(band.max).toEqual([6, 30]);
    expect(band.std[0]).toBeCloseTo(Math.sqrt(7), 14); // ((−2)² + (−1)² + 3²)/2 = 7
    expect(band.count).toEqual([3, 3]);
  });

  it('±σ and ±SE bands around the chosen centre', () => {
    const std = bandLines(band, 'mean', 'std');
    expect(std.upper[1] - std.y[1]).toBeCloseTo(10, 12);
    const se = bandLines(band, 'median', 'se');
    expect(se.y).toEqual([2, 20]);
    expect(se.y[1] - se.lower[1]).toBeCloseTo(10 / Math.sqrt(3), 12);
  });
});

describe('x axis modes on known data', () => {
  const run = {
    params: { learningRate: 0.1 },
    series: [
      { metric: 'loss', x: [0, 10, 20, 30], y: [4, 3, 2, 1] },
      { metric: 'norm', x: [0, 10, 20, 30], y: [1, 2, 4, 8] },
      { metric: 'escape', x: [10, 25], y: [3, 1.5] },
      { metric: wallClockMetric, x: [10, 30], y: [0.5, 1.5] },
    ],
  };
  const loss = (mode: Parameters<typeof mapRunSeries>[1]) => mapRunSeries(run, mode)?.find((s) => s.metric === 'loss');

  it('native leaves x alone; scaled multiplies by the parameter (η·t)', () => {
    expect(loss({ kind: 'native' })?.x).toEqual([0, 10, 20, 30]);
    expect(loss({ kind: 'scaled', param: 'learningRate' })?.x).toEqual([0, 1, 2, 3]);
    expect(mapRunSeries(run, { kind: 'scaled', param: 'missing' })).toBeNull();
  });

  it('per-run rescale divides by the run’s own summary time scale, so curves collapse', () => {
    const withSummary = { ...run, summary: { escapeTime: 20, outcome: 'x' } };
    expect(mapRunSeries(withSummary, { kind: 'perRun', key: 'escapeTime' })?.find((s) => s.metric === 'loss')?.x).toEqual([0, 0.5, 1, 1.5]);
    expect(mapRunSeries(withSummary, { kind: 'perRun', key: 'outcome' })).toBeNull();
    expect(mapRunSeries(run, { kind: 'perRun', key: 'escapeTime' })).toBeNull();
    expect(xAxisLabel({ kind: 'perRun', key: 'escapeTime' }, 't', (m) => m)).toBe('t / escapeTime');
  });

  it('log x drops x ≤ 0', () => {
    expect(loss({ kind: 'log' })).toEqual({ metric: 'loss', x: [1, Math.log10(20), Math.log10(30)], y: [3, 2, 1] });
  });

  it('aligned at the k-th event shifts the run so that event is at 0', () => {
    expect(loss({ kind: 'aligned', event: 'escape', k: 1 })?.x).toEqual([-10, 0, 10, 20]);
    expect(loss({ kind: 'aligned', event: 'escape', k: 2 })?.x).toEqual([-25, -15, -5, 5]);
    expect(mapRunSeries(run, { kind: 'aligned', event: 'escape', k: 3 })).toBeNull();
  });

  it('another metric as x gives a parametric curve', () => {
    expect(loss({ kind: 'metric', metric: 'norm' })).toEqual({ metric: 'loss', x: [1, 2, 4, 8], y: [4, 3, 2, 1] });
  });

  it('wall time interpolates the recorded clock, from 0 at the first sample', () => {
    expect(loss({ kind: 'wall' })?.x).toEqual([0, 0.5, 1, 1.5]);
  });

  it('theory follows modes that are functions of x, and is dropped for the others', () => {
    const theory = [{ id: 'tau', label: 'τ', kind: 'vline' as const, x: [20], y: [] }];
    expect(mapTheory(run, { kind: 'aligned', event: 'escape', k: 1 }, theory)[0].x).toEqual([10]);
    expect(mapTheory(run, { kind: 'wall' }, theory)).toEqual([]);
    expect(xAxisLabel({ kind: 'scaled', param: 'learningRate' }, 'step', (m) => m)).toBe('learningRate · step');
  });
});

describe('panel model with comparison settings', () => {
  const chart: ChartSpec = { id: 'loss', title: 'Loss', kind: 'lines', x: { label: 'step', log: false }, y: { label: 'ℓ', log: false }, series: ['loss'], theory: [] };
  const runs = [0, 1, 2].map((seed) => ({
    runId: seed + 1,
    params: { depth: 2 },
    seed,
    series: [
      { metric: 'loss', x: [0, 1, 2], y: [seed, seed + 1, seed + 2] },
      { metric: 'escape', x: seed < 2 ? [1] : [], y: seed < 2 ? [0] : [] },
    ],
  }));

  it('counts runs the x mode cannot place and labels groups with N', () => {
    const model = buildPanelModel({ chart, runs, theory: new Map(), grouping: ['depth'], hiddenTheory: [], xMode: { kind: 'aligned', event: 'escape', k: 1 } });
    expect(model.unplaced).toBe(1);
    expect(model.groups[0].label).toBe('depth=2 (N=2)');
  });

  it('smoothed lines keep the raw curve, drawn faintly under them', () => {
    const model = buildPanelModel({ chart, runs: runs.slice(0, 1), theory: new Map(), grouping: null, hiddenTheory: [], smoothing: { kind: 'moving', window: 3 } });
    const line = model.groups[0].lines[0];
    expect(line.y).toEqual([0.5, 1, 1.5]);
    expect(line.raw?.y).toEqual([0, 1, 2]);
    const option = optionFromModel(model, { logX: false, logY: false, overlay: true });
    expect(option.series.some((s) => String(s.id).startsWith('raw:'))).toBe(true);
  });

  it('draws reference lines with their labels and pinned notes', () => {
    const model = buildPanelModel({
      chart, runs, theory: new Map(), grouping: null, hiddenTheory: [],
      referenceLines: [{ axis: 'y', value: 2, label: '2/η' }, { axis: 'x', value: -1, label: 'off' }],
      notes: [{ x: 1, y: 1, text: 'plateau' }],
    });
    const option = optionFromModel(model, { logX: true, logY: false, overlay: true });
    const ref = option.series.find((s) => s.id === 'ref:0') as { markLine: { data: { name: string }[] } };
    expect(ref.markLine.data.map((d) => d.name)).toEqual(['2/η']); // x = −1 cannot sit on a log axis
    const notes = option.series.find((s) => s.id === 'notes:0') as { data: { name: string }[] };
    expect(notes.data[0].name).toBe('plateau');
  });
});

describe('saved layouts', () => {
  it('reads new panel settings and falls back field by field on bad ones', () => {
    const layout = readLayout({
      bandSpread: 'se',
      panels: {
        loss: { logX: true, xMode: { kind: 'aligned', event: 'escape', k: 2 }, smoothing: { kind: 'ema', weight: 5 }, referenceLines: [{ axis: 'y', value: 1, label: 'a' }] },
        bad: 'nope',
      },
    });
    expect(layout.bandSpread).toBe('se');
    expect(layout.panels.loss.xMode).toEqual({ kind: 'aligned', event: 'escape', k: 2 });
    expect(layout.panels.loss.smoothing).toEqual({ kind: 'none' }); // weight 5 is out of range
    expect(layout.panels.loss.referenceLines).toHaveLength(1);
    expect(layout.panels.bad).toBeUndefined();
  });
});
