// Analyses across the runs of a steepest experiment: the geometry of every run next to its escape
// (Lemma 4.13, Cor. 4.9/4.10/4.14), Table 1's on-manifold regularizers (Thm 4.16), and the
// weight-decay grid of Table 4 (balance distance and ground-truth distance).
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { bregmanClass, bregmanLabel, coercivity, coupledRegularizer, decoupledRegularizer, metricExponent } from './geometry';
import { DiagonalNetwork } from './network';
import { effectiveQ, steepestParams, type SteepestParams } from './params';

type Row = AnalysisResult['rows'][number];
type Check = AnalysisResult['checks'][number];

export interface TrainingRun {
  p: SteepestParams;
  summary: Record<string, unknown>;
  seed: number;
}

/** The finished regression and classification runs, with their parsed parameters. */
export function trainingRuns(runs: AnalysisRunInput[]): TrainingRun[] {
  const out: TrainingRun[] = [];
  for (const run of runs) {
    const parsed = steepestParams.safeParse(run.params);
    if (run.status !== 'done' || !run.summary || !parsed.success || parsed.data.task === 'scalar-flow') continue;
    out.push({ p: parsed.data, summary: run.summary, seed: run.seed });
  }
  return out;
}

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A numeric array of a summary (null entries dropped), or null. */
export function numbers(v: unknown): number[] | null {
  return Array.isArray(v) ? v.filter((e): e is number => typeof e === 'number' && Number.isFinite(e)) : null;
}

/** Everything but q: runs that differ only in q form one comparison group. */
function groupKey(p: SteepestParams): string {
  return JSON.stringify({ ...p, q: null });
}

export const geometryTable: AnalysisDefinition = {
  id: 'geometry-table',
  title: 'Geometry of each run and its saddle escape',
  description:
    'Per run: metric exponent m = q(L−1)/L, coercivity μ (Cor. 4.9/4.10), whether R_{L_p,L} is a Bregman function (Lemma 4.13, Cor. 4.14), the ' +
    'on-manifold regularizers (Thm 4.16), escape step and final distance to x*. Check: among steepest-descent runs that differ only in q, a smaller q never escapes later. ' +
    'Chart: m against depth for the runs’ q (Fig. 2(a)); m ≤ 1 is the Bregman region.',
  applies: (runs) => trainingRuns(runs).length > 0,
  run(runs) {
    const training = trainingRuns(runs);
    const rows: Row[] = training.map(({ p, summary }) => {
      const q = effectiveQ(p);
      return {
        task: p.task,
        optimizer: p.optimizer,
        q,
        depth: p.depth,
        samples: p.samples,
        init: p.init,
        metricExponent: metricExponent(q, p.depth),
        coercivity: coercivity(p.init, q, p.depth, p.initScale, p.balanceConstant),
        bregman: bregmanLabel(bregmanClass(q, p.depth)),
        decoupled: decoupledRegularizer(q, p.depth).label,
        coupled: coupledRegularizer(p.depth).label,
        escapeStep: num(summary.escapeStep),
        escaped: num(summary.escaped) === 1,
        finalDistance: num(summary.finalDistance),
        frozenAtStep: num(summary.frozenAtStep),
      };
    });
    const frozen = rows.filter((r) => r.frozenAtStep !== null).length;
    const groups = new Map<string, TrainingRun[]>();
    for (const r of training) {
      if (r.p.optimizer !== 'steepest') continue;
      const key = groupKey(r.p);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const checks: Check[] = [];
    for (const group of groups.values()) {
      if (group.length < 2) continue;
      const sorted = [...group].sort((a, b) => a.p.q - b.p.q);
      const escapes = sorted.map((r) => num(r.summary.escapeStep) ?? Infinity);
      const monotone = escapes.every((e, i) => i === 0 || escapes[i - 1] <= e);
      const p = sorted[0].p;
      checks.push({
        name: `L = ${p.depth}, k = ${p.samples}: escape step non-decreasing in q (q = ${sorted.map((r) => r.p.q).join(', ')})`,
        value: Number.isFinite(escapes[0]) ? escapes[0] : null,
        expected: null,
        tolerance: 'ordering',
        pass: monotone,
        claim: '003-7',
      });
    }
    const qs = [...new Set(training.map((r) => effectiveQ(r.p)))].sort((a, b) => a - b);
    const depths = Array.from({ length: 16 }, (_, i) => i + 1);
    return {
      id: 'geometry-table',
      title: 'Geometry of each run and its saddle escape',
      columns: [
        { key: 'task', label: 'task' },
        { key: 'optimizer', label: 'optimizer' },
        { key: 'q', label: 'q' },
        { key: 'depth', label: 'L' },
        { key: 'samples', label: 'k' },
        { key: 'init', label: 'init' },
        { key: 'metricExponent', label: 'm = q(L−1)/L' },
        { key: 'coercivity', label: 'μ' },
        { key: 'bregman', label: 'R_{L_p,L}' },
        { key: 'decoupled', label: 'M_reg decoupled' },
        { key: 'coupled', label: 'M_reg coupled' },
        { key: 'escapeStep', label: 'escape step' },
        { key: 'escaped', label: 'escaped' },
        { key: 'finalDistance', label: '‖x − x*‖ (final)' },
        { key: 'frozenAtStep', label: 'frozen after step' },
      ],
      rows,
      checks,
      chart: {
        title: 'Metric exponent m = q(L−1)/L against depth (Fig. 2(a))',
        x: { label: 'depth L', log: false },
        y: { label: 'm', log: false },
        series: [
          ...qs.map((q) => ({ name: `q = ${q}`, kind: 'line' as const, x: depths, y: depths.map((L) => metricExponent(q, L)) })),
          { name: 'm = 1 (Bregman boundary)', kind: 'line' as const, x: [1, 16], y: [1, 1] },
        ],
      },
      notes: [
        'Adam and SignGD runs are read with q = 1 (Adam ≃ SignGF, App. A).',
        ...(frozen > 0 ? [`${frozen} run(s) froze: no weight changed after the step shown, so their final state is not where the dynamics lead (see each run’s warning).`] : []),
      ],
    };
  },
};

/** Table 1 of paper 003 as printed, L = 2 column: exponents of the coupled and decoupled M_reg. */
const TABLE_1_L2: { q: number; coupled: number; decoupled: number }[] = [
  { q: 1, coupled: 1, decoupled: 1.5 },
  { q: 1.5, coupled: 1, decoupled: 1.25 },
  { q: 2, coupled: 1, decoupled: 1 },
];

/** Step size of the probe updates: small enough that first-order terms dominate (error ~ Lη/w). */
const PROBE_STEP = 1e-8;
/** Two points on the balanced manifold whose log–log slope gives an exponent. */
const PROBE_X: [number, number] = [0.5, 2];
/** Slope error of the probes: O(Lη/w) from the step, ~1e-16/(Lη) from cancellation in Δx. */
const EXPONENT_TOLERANCE = 1e-4;

/** Δx/η of one network update of a single λ-balanced (λ = 0) coordinate x > 0: every layer x^{1/L}. */
function probeUpdate(q: number, depth: number, x: number, gradient: number, coupledDecay: number, decoupledDecay: number): number {
  const net = new DiagonalNetwork(1, depth, { kind: 'steepest', q, learningRate: PROBE_STEP, coupledDecay, decoupledDecay, beta1: 0, beta2: 0, epsilon: 0 });
  net.w.fill(x ** (1 / depth));
  net.refreshProduct();
  const before = net.x[0];
  net.step(Float64Array.of(gradient));
  return (net.x[0] - before) / PROBE_STEP;
}

/** Exponent e of |Δx| ∝ x^e, from the two probe points. */
function probeSlope(update: (x: number) => number): number {
  const [a, b] = PROBE_X;
  return Math.log(Math.abs(update(b) / update(a))) / Math.log(b / a);
}

/**
 * On-manifold regularizer exponents measured from the network's own update (Thm 4.16's argument,
 * not its formula): ẋ = −L|x|^m·sign(∇f)|∇f|^{q−1} gives the metric exponent m; a decay that moves x
 * as |ẋ| ∝ x^e is the mirror step of M_reg with M_reg′ ∝ x^{e−m}, so M_reg ∝ |x|^{1+e−m}. Coupled
 * decay is a penalty on the weights, independent of q: it is read through gradient descent (q = 2).
 */
export function measuredRegularizerExponents(q: number, depth: number): { metric: number; decoupled: number; coupled: number } {
  const metric = probeSlope((x) => probeUpdate(q, depth, x, 1, 0, 0));
  const decoupledSpeed = probeSlope((x) => probeUpdate(q, depth, x, 0, 0, 1));
  const gdMetric = probeSlope((x) => probeUpdate(2, depth, x, 1, 0, 0));
  const coupledSpeed = probeSlope((x) => probeUpdate(2, depth, x, 0, 1, 0));
  return { metric, decoupled: 1 + decoupledSpeed - metric, coupled: 1 + coupledSpeed - gdMetric };
}

export const table1: AnalysisDefinition = {
  id: 'table-1',
  title: 'Table 1: on-manifold regularizer of coupled and decoupled weight decay',
  description:
    'For the (q, L) of the runs with weight decay: the exponents of M_reg measured from the network’s own update on a balanced coordinate (metric exponent from a gradient step, ' +
    'decay speed from a decay step), against Table 1 as printed where it has the entry (L = 2) and Thm 4.16 elsewhere: coupled decay Lα‖x‖_{2/L}^{2/L} for every q, decoupled ' +
    'L/(L(2−q)+q)·Σ|xᵢ|^{2−m}.',
  applies: (runs) => trainingRuns(runs).some((r) => r.p.coupledDecay > 0 || r.p.decoupledDecay > 0),
  run(runs) {
    const settings = new Map<string, { q: number; depth: number }>();
    for (const { p } of trainingRuns(runs)) {
      if (p.coupledDecay === 0 && p.decoupledDecay === 0) continue;
      const q = effectiveQ(p);
      settings.set(`${q}/${p.depth}`, { q, depth: p.depth });
    }
    const rows: Row[] = [];
    const checks: Check[] = [];
    for (const { q, depth } of [...settings.values()].sort((a, b) => a.q - b.q || a.depth - b.depth)) {
      const measured = measuredRegularizerExponents(q, depth);
      const printed = depth === 2 ? TABLE_1_L2.find((e) => e.q === q) : undefined;
      const source = printed ? 'Table 1' : 'Thm 4.16';
      const expected = { decoupled: printed?.decoupled ?? decoupledRegularizer(q, depth).exponent, coupled: printed?.coupled ?? coupledRegularizer(depth).exponent };
      rows.push({
        q,
        depth,
        metricExponent: metricExponent(q, depth),
        measuredMetricExponent: measured.metric,
        decoupled: decoupledRegularizer(q, depth).label,
        measuredDecoupled: measured.decoupled,
        coupled: coupledRegularizer(depth).label,
        measuredCoupled: measured.coupled,
        expectedFrom: source,
      });
      for (const kind of ['decoupled', 'coupled'] as const) {
        checks.push({
          name: `q = ${q}, L = ${depth}: ${kind} M_reg exponent measured from the network’s update against ${source}`,
          value: measured[kind],
          expected: expected[kind],
          tolerance: String(EXPONENT_TOLERANCE),
          pass: Math.abs(measured[kind] - expected[kind]) <= EXPONENT_TOLERANCE,
          claim: '003-9',
        });
      }
    }
    return {
      id: 'table-1',
      title: 'Table 1: on-manifold regularizer of coupled and decoupled weight decay',
      columns: [
        { key: 'q', label: 'q' },
        { key: 'depth', label: 'L' },
        { key: 'metricExponent', label: 'm = q(L−1)/L' },
        { key: 'measuredMetricExponent', label: 'm measured' },
        { key: 'decoupled', label: 'decoupled (Thm 4.16)' },
        { key: 'measuredDecoupled', label: 'decoupled exponent measured' },
        { key: 'coupled', label: 'coupled' },
        { key: 'measuredCoupled', label: 'coupled exponent measured' },
        { key: 'expectedFrom', label: 'checked against' },
      ],
      rows,
      checks,
      notes: ['Table 1’s L = ∞ column (log for coupled decay) is a limit and is not measured; at finite L the coupled exponent is 2/L.'],
    };
  },
};

/**
 * Table 4 of paper 003 as printed, in its column order: L, α₁, α₂, Balance Dist., Groundtruth Dist.
 * Its text calls α₁ decoupled and α₂ coupled (the reverse of its Algorithms 1–2), and its α₂ rows
 * are the ones whose balance drifts, so rows are matched by what the decay does. Its "Groundtruth
 * Dist." behaves like ‖x − x*‖₂² (L = 1: 6.0–7.7 over Gaussian designs against 7.1; the unsquared
 * distance is about 2.6), so that is what it is compared with.
 */
const TABLE_4_PRINTED: [number, number, number, number, number][] = [
  [1, 0, 1e-4, 0, 7.1],
  [1, 1e-4, 0, 0, 7.0],
  [1, 0, 1e-3, 0, 7.1],
  [1, 1e-3, 0, 0, 5.8],
  [1, 0, 1e-2, 0, 7.1],
  [1, 1e-2, 0, 0, 1.0],
  [1, 0, 0, 0, 7.1],
  [2, 0, 1e-4, 5.3e-4, 4.8e-1],
  [2, 1e-4, 0, 7.3e-5, 4.7e-1],
  [2, 0, 1e-3, 5.1e-3, 4.7e-1],
  [2, 1e-3, 0, 1.8e-3, 4.1e-1],
  [2, 0, 1e-2, 3.5e-2, 4.7e-1],
  [2, 1e-2, 0, 6.7e-4, 4.8e-1],
  [2, 0, 0, 1.1e-4, 4.8e-1],
  [10, 0, 1e-4, 1.2e-1, 2.5e-4],
  [10, 1e-4, 0, 1.5e-4, 1.4e-4],
  [10, 0, 1e-3, 3.9e-1, 2.9e-4],
  [10, 1e-3, 0, 2.9e-4, 4.9e-5],
  [10, 0, 1e-2, 7.8e-1, 3.0e-3],
  [10, 1e-2, 0, 1.6e-3, 7.9e-6],
  [10, 0, 0, 1.5e-4, 2.1e-4],
];
const TABLE_4 = TABLE_4_PRINTED.map(([depth, decoupled, coupled, balanceDistance, squaredDistance]) => ({ depth, coupled, decoupled, balanceDistance, squaredDistance }));

/** App. I's setting of Table 4 (examples/steepest-weight-decay.json): only such runs are compared with its numbers. */
const TABLE_4_SETTING: Partial<SteepestParams> = {
  task: 'regression',
  features: 100,
  samples: 80,
  support: 5,
  optimizer: 'sign',
  learningRate: 1e-4,
  steps: 1_000_000,
  init: 'saddle',
  initScale: 0.1,
};

/**
 * One Gaussian design against the paper's unknown one: over designs ‖x − x*‖₂² spreads by about
 * 8× at L = 10 (1.7e-4–1.7e-3 against the printed 2.1e-4), so a row reproduces within a factor 3.
 */
const TABLE_4_FACTOR = 3;

function table4Row(p: SteepestParams): (typeof TABLE_4)[number] | undefined {
  const inSetting = p.batchSize === undefined && !p.groundTruth && Object.entries(TABLE_4_SETTING).every(([key, value]) => p[key as keyof SteepestParams] === value);
  return inSetting ? TABLE_4.find((r) => r.depth === p.depth && r.coupled === p.coupledDecay && r.decoupled === p.decoupledDecay) : undefined;
}

/**
 * Decoupled decay keeps Lemma 4.5's law to within this share of |B(0)|: discrete sign descent breaks
 * it by up to 2η whenever a factor crosses zero, and Table 4 itself prints decoupled balance
 * distances up to 1.6·10⁻³ = 1.6 % of |B(0)| = 0.1 (measured here: 1.3 % at L = 2, α₂ = 10⁻², 10⁶ steps).
 */
export const LEMMA_45_HOLDS = 2e-2;
/** Coupled decay breaks the law: its balance distance is at least this share of |B(0)|. */
export const LEMMA_45_BROKEN = 0.1;

/** Lemma 4.5: the balance distance relative to |B(0)|, small under decoupled decay alone, large under coupled decay alone. */
function lemma45Checks(training: TrainingRun[]): Check[] {
  const checks: Check[] = [];
  for (const { p, summary } of training) {
    const decoupledOnly = p.decoupledDecay > 0 && p.coupledDecay === 0;
    const coupledOnly = p.coupledDecay > 0 && p.decoupledDecay === 0;
    const distance = num(summary.balanceDistance);
    const scale = num(summary.initialBalanceScale);
    if (p.depth < 2 || p.optimizer === 'adam' || (!decoupledOnly && !coupledOnly) || distance === null || scale === null || scale === 0) continue;
    const relativeDistance = distance / scale;
    checks.push(
      decoupledOnly
        ? {
            name: `L = ${p.depth}, decoupled α₂ = ${p.decoupledDecay}: |B(T) − B(0)e^{−qηα₂T}| relative to |B(0)| (Lemma 4.5 holds)`,
            value: relativeDistance,
            expected: 0,
            tolerance: `≤ ${LEMMA_45_HOLDS}`,
            pass: relativeDistance <= LEMMA_45_HOLDS,
            claim: '003-5',
          }
        : {
            name: `L = ${p.depth}, coupled α₁ = ${p.coupledDecay}: |B(T) − B(0)| relative to |B(0)| (coupled decay breaks Lemma 4.5)`,
            value: relativeDistance,
            expected: LEMMA_45_BROKEN,
            tolerance: 'value ≥ expected',
            pass: relativeDistance >= LEMMA_45_BROKEN,
            claim: '003-5',
          },
    );
  }
  return checks;
}

/** Table 4's other reading: at equal decay, deeper networks end closer to x*. */
function depthOrderChecks(training: TrainingRun[]): Check[] {
  const groups = new Map<string, TrainingRun[]>();
  for (const r of training) {
    if (r.p.coupledDecay > 0) continue;
    const key = JSON.stringify({ ...r.p, depth: null, seed: r.seed });
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const checks: Check[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.p.depth - b.p.depth);
    const distances = sorted.map((r) => num(r.summary.finalDistance) ?? Infinity);
    checks.push({
      name: `decoupled α₂ = ${sorted[0].p.decoupledDecay}: ‖x − x*‖₂ decreases with depth (L = ${sorted.map((r) => r.p.depth).join(', ')}: ${distances.map((d) => d.toPrecision(3)).join(', ')})`,
      value: distances.at(-1) ?? null,
      expected: null,
      tolerance: 'ordering',
      pass: distances.every((d, i) => i === 0 || d < distances[i - 1]),
      claim: '003-15',
    });
  }
  return checks;
}

export const weightDecayGrid: AnalysisDefinition = {
  id: 'weight-decay',
  title: 'Table 4: weight decay, balance distance and ground-truth distance',
  description:
    'Per run: depth, coupled α₁ and decoupled α₂ decay, the mean distance of the balance residuals |w₁|^q − |wⱼ|^q from their Lemma 4.5 prediction B(0)·exp(−qηα₂t) ' +
    'at the end, and the squared distance ‖x − x*‖₂² (Table 4’s “Groundtruth Dist.”). Checks: at equal depth (≥ 2) and equal strength, decoupled decay stays closer to the prediction ' +
    `than coupled decay; runs in Table 4’s setting (App. I) reproduce its ‖x − x*‖₂² within a factor ${TABLE_4_FACTOR}.`,
  applies: (runs) => trainingRuns(runs).some((r) => r.p.coupledDecay > 0 || r.p.decoupledDecay > 0),
  run(runs) {
    const training = trainingRuns(runs).sort((a, b) => a.p.depth - b.p.depth || a.p.coupledDecay - b.p.coupledDecay || a.p.decoupledDecay - b.p.decoupledDecay);
    const checks: Check[] = [];
    const rows: Row[] = training.map(({ p, summary }) => {
      const distance = num(summary.finalDistance);
      const squared = distance === null ? null : distance * distance;
      const paper = table4Row(p);
      const reproduces = paper !== undefined && squared !== null && Math.abs(Math.log(squared / paper.squaredDistance)) <= Math.log(TABLE_4_FACTOR);
      if (paper) {
        checks.push({
          name: `L = ${p.depth}, coupled α₁ = ${p.coupledDecay}, decoupled α₂ = ${p.decoupledDecay}: ‖x − x*‖₂² against Table 4`,
          value: squared,
          expected: paper.squaredDistance,
          tolerance: `within a factor ${TABLE_4_FACTOR}`,
          pass: reproduces,
          claim: '003-15',
        });
      }
      return {
        depth: p.depth,
        coupled: p.coupledDecay,
        decoupled: p.decoupledDecay,
        balanceDistance: num(summary.balanceDistance),
        paperBalanceDistance: paper?.balanceDistance ?? null,
        squaredDistance: squared,
        paperSquaredDistance: paper?.squaredDistance ?? null,
        table4: paper === undefined ? 'not in Table 4’s setting' : reproduces ? 'reproduces' : 'does not reproduce',
        distanceL1: num(summary.finalDistanceL1),
      };
    });
    for (const a of training) {
      if (a.p.depth < 2 || a.p.decoupledDecay === 0 || a.p.coupledDecay !== 0) continue;
      const b = training.find((r) => r.p.depth === a.p.depth && r.p.decoupledDecay === 0 && r.p.coupledDecay === a.p.decoupledDecay);
      const dDecoupled = num(a.summary.balanceDistance);
      const dCoupled = b ? num(b.summary.balanceDistance) : null;
      if (dDecoupled === null || dCoupled === null) continue;
      checks.push({
        name: `L = ${a.p.depth}, α = ${a.p.decoupledDecay}: balance distance decoupled < coupled`,
        value: dDecoupled,
        expected: dCoupled,
        tolerance: 'value < expected',
        pass: dDecoupled < dCoupled,
        claim: '003-15',
      });
    }
    checks.push(...lemma45Checks(training), ...depthOrderChecks(training));
    return {
      id: 'weight-decay',
      title: 'Table 4: weight decay, balance distance and ground-truth distance',
      columns: [
        { key: 'depth', label: 'L' },
        { key: 'coupled', label: 'α₁ (coupled)' },
        { key: 'decoupled', label: 'α₂ (decoupled)' },
        { key: 'balanceDistance', label: 'balance distance' },
        { key: 'paperBalanceDistance', label: 'Table 4 balance dist.' },
        { key: 'squaredDistance', label: '‖x − x*‖₂²' },
        { key: 'paperSquaredDistance', label: 'Table 4 groundtruth dist.' },
        { key: 'table4', label: 'Table 4 row' },
        { key: 'distanceL1', label: '‖x − x*‖₁' },
      ],
      rows,
      checks,
      notes: [
        'α₁/α₂ follow Algorithms 1–2 (α₁ coupled, α₂ decoupled). Table 4’s own text calls α₁ decoupled and α₂ coupled; its rows with large balance distance are the coupled ones, and they are matched here by what they do.',
        'Table 4’s “Groundtruth Dist.” is compared with the squared distance ‖x − x*‖₂², the quantity its values match; the unsquared ‖x − x*‖₂ is about 2.6 at L = 1 against the printed 7.1.',
      ],
    };
  },
};
