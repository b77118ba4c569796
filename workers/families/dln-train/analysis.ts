// Sweep analyses: the plateau table of every run, the rich-to-lazy transition of a λ sweep, and
// the completion comparison with the minimum-nuclear-norm solution across depths.
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { dlnTrainParams, sortedTargets, type DlnTrainParams } from './params';

type Row = AnalysisResult['rows'][number];
type Check = AnalysisResult['checks'][number];

interface FinishedRun {
  runId: number;
  params: DlnTrainParams;
  summary: NonNullable<AnalysisRunInput['summary']>;
}

function finished(runs: AnalysisRunInput[]): FinishedRun[] {
  return runs.flatMap((run) => {
    const parsed = dlnTrainParams.safeParse(run.params);
    return run.status === 'done' && run.summary && parsed.success ? [{ runId: run.runId, params: parsed.data, summary: run.summary }] : [];
  });
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): (number | null)[] => (Array.isArray(v) ? v.map(num) : []);

/** Whether consecutive values never go up (or down), ignoring nulls. */
function monotone(values: (number | null)[], direction: 'down' | 'up'): boolean {
  const present = values.filter((v): v is number => v !== null);
  return present.every((v, i) => i === 0 || (direction === 'down' ? v <= present[i - 1] * (1 + 1e-9) : v >= present[i - 1] * (1 - 1e-9)));
}

export const plateauTable: AnalysisDefinition = {
  id: 'plateaus',
  title: 'Plateaus, ranks and escape times',
  description:
    'Per run, the loss curve cut into plateaus between the drops of W_eff’s modes (a mode drops between 10% and 90% of its ' +
    'reference singular value; it escapes at 50%): rank of W_eff on each plateau, start, duration and loss level.',
  applies: (runs) => finished(runs).some((r) => (num(r.summary.plateauCount) ?? 0) > 0),
  run(runs) {
    const rows: Row[] = [];
    for (const r of finished(runs)) {
      const starts = list(r.summary.plateauStarts), durations = list(r.summary.plateauDurations);
      const ranks = list(r.summary.plateauRanks), losses = list(r.summary.plateauLosses);
      const targets = sortedTargets(r.params);
      starts.forEach((start, i) => {
        const rank = ranks[i];
        // The target task's saddle of rank r has loss ½Σ_{α>r} s_α² (paper 001 §2.2).
        const saddle = r.params.task === 'target' && rank !== null ? targets.slice(rank).reduce((acc, s) => acc + s * s, 0) / 2 : null;
        rows.push({ run: r.runId, depth: r.params.depth, init: r.params.init, plateau: i + 1, rank, start, duration: durations[i], loss: losses[i], saddle });
      });
    }
    return {
      id: 'plateaus',
      title: 'Plateaus, ranks and escape times',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'depth', label: 'L' },
        { key: 'init', label: 'init' },
        { key: 'plateau', label: 'plateau' },
        { key: 'rank', label: 'rank of W_eff' },
        { key: 'start', label: 'start t' },
        { key: 'duration', label: 'duration' },
        { key: 'loss', label: 'loss at plateau middle' },
        { key: 'saddle', label: 'saddle loss ½Σ_{α>r} s_α²' },
      ],
      rows,
      checks: [],
      notes: ['With a moderate init the first plateau is already tilted, so its middle sits below the saddle level.'],
    };
  },
};

export const richToLazy: AnalysisDefinition = {
  id: 'rich-to-lazy',
  title: 'Rich-to-lazy transition over λ',
  description:
    'λ-balanced runs ordered by |λ|: how far mode 1 runs ahead of mode 2, max_t (σ₁/σ₂)/(s₁/s₂) (large: greedy, rich; 1: lazy), ' +
    'the escape times, the relative weight change ‖θ(T) − θ(0)‖/‖θ(0)‖ and the agreement with the exact λ-balanced dynamics.',
  applies: (runs) => new Set(finished(runs).filter((r) => r.params.init === 'lambda-balanced').map((r) => r.params.lambda)).size >= 2,
  run(runs) {
    const sweep = finished(runs)
      .filter((r) => r.params.init === 'lambda-balanced')
      // The balanced dynamics depend on |λ| (λ < 0 mirrors the layer order): rich at 0, lazy at large |λ|.
      .sort((a, b) => Math.abs(a.params.lambda) - Math.abs(b.params.lambda) || a.params.lambda - b.params.lambda);
    const rows: Row[] = sweep.map((r) => {
      const escapes = list(r.summary.escapeTimes);
      return {
        lambda: r.params.lambda,
        depth: r.params.depth,
        greedyRatio: num(r.summary.greedyRatio),
        escape1: escapes[0] ?? null,
        escape2: escapes[1] ?? null,
        weightChange: num(r.summary.relativeWeightChange),
        theoryError: num(r.summary.theoryMaxRelativeError),
      };
    });
    const greedy = rows.map((row) => row.greedyRatio as number | null);
    const checks: Check[] = [
      { name: 'greediness max_t (σ₁/σ₂)/(s₁/s₂) falls as |λ| grows (rich → lazy)', value: greedy[greedy.length - 1] ?? null, expected: 1, tolerance: 'non-increasing in |λ|', pass: monotone(greedy, 'down') },
    ];
    sweep.forEach((r, i) => {
      const error = rows[i].theoryError as number | null;
      if (r.params.optimizer === 'flow' && error !== null) {
        checks.push({ name: `λ = ${r.params.lambda}${r.params.initAlignment === 'random' ? ' (unaligned)' : ''}: σ_α(t) against the exact λ-balanced dynamics`, value: error, expected: 0, tolerance: '≤ 1e-3 relative', pass: error <= 1e-3 });
      }
    });
    return {
      id: 'rich-to-lazy',
      title: 'Rich-to-lazy transition over λ',
      columns: [
        { key: 'lambda', label: 'λ' },
        { key: 'depth', label: 'L' },
        { key: 'greedyRatio', label: 'max_t (σ₁/σ₂)/(s₁/s₂)' },
        { key: 'escape1', label: 't_esc mode 1' },
        { key: 'escape2', label: 't_esc mode 2' },
        { key: 'weightChange', label: '‖θ(T) − θ(0)‖/‖θ(0)‖' },
        { key: 'theoryError', label: 'max rel. error vs theory' },
      ],
      rows,
      checks,
      chart: {
        title: 'Greediness and weight movement against |λ|',
        x: { label: '|λ|', log: false },
        y: { label: 'value', log: true },
        series: [
          { name: 'max_t (σ₁/σ₂)/(s₁/s₂)', kind: 'line', x: sweep.map((r) => Math.abs(r.params.lambda)), y: greedy },
          { name: '‖θ(T) − θ(0)‖/‖θ(0)‖', kind: 'line', x: sweep.map((r) => Math.abs(r.params.lambda)), y: rows.map((row) => row.weightChange as number | null) },
        ],
      },
      notes: [],
    };
  },
};

/** How close a two-layer small-random run's escapes come to the prediction from its init (theory.ts linearizedEscapeTimes). */
const ESCAPE_PREDICTION_TOLERANCE = 0.02;

export const escapePrediction: AnalysisDefinition = {
  id: 'escape-prediction',
  title: 'Escapes from small random init: prediction and paper 001 §7.2’s claim',
  description:
    'Two-layer flow runs from small random init: each mode’s escape time (σ_α = s_α/2) against the prediction from the run’s ' +
    'own init (the linearization at the rank-0 saddle, then the logistic), and against the gap timescale ' +
    'τ_r = log(1/ε)/(s_r − s_{r+1}) that paper 001 §7.2 claims.',
  applies: (runs) => finished(runs).some((r) => list(r.summary.predictedEscapeTimes).some((t) => t !== null)),
  run(runs) {
    const done = finished(runs).filter((r) => list(r.summary.predictedEscapeTimes).some((t) => t !== null));
    const rows: Row[] = done.flatMap((r) => {
      const measured = list(r.summary.escapeTimes), predicted = list(r.summary.predictedEscapeTimes), claimed = list(r.summary.paperClaimGapTimescales);
      return measured.map((t, alpha) => {
        const p = predicted[alpha] ?? null, c = claimed[alpha] ?? null;
        return { run: r.runId, mode: alpha + 1, measured: t, predicted: p, error: t !== null && p !== null ? Math.abs(p - t) / t : null, claimed: c, claimRatio: t !== null && c !== null ? c / t : null };
      });
    });
    const checks: Check[] = done.map((r) => {
      const errors = rows.filter((row) => row.run === r.runId).map((row) => row.error as number | null);
      const worst = errors.every((e) => e !== null) ? Math.max(...(errors as number[])) : null;
      return {
        name: `run ${r.runId}: every mode escapes where its init predicts`,
        value: worst,
        expected: 0,
        tolerance: `≤ ${ESCAPE_PREDICTION_TOLERANCE * 100} % relative`,
        pass: worst !== null && worst <= ESCAPE_PREDICTION_TOLERANCE,
      };
    });
    const ratios = rows.map((row) => row.claimRatio as number | null).filter((v): v is number => v !== null);
    const off = ratios.filter((v) => Math.abs(v - 1) > 0.1).length;
    return {
      id: 'escape-prediction',
      title: 'Escapes from small random init: prediction and paper 001 §7.2’s claim',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'mode', label: 'mode' },
        { key: 'measured', label: 't_esc measured' },
        { key: 'predicted', label: 't_esc predicted from the init' },
        { key: 'error', label: 'relative error' },
        { key: 'claimed', label: 'paper 001 §7.2 claim τ_r' },
        { key: 'claimRatio', label: 'claim / measured' },
      ],
      rows,
      checks,
      notes:
        ratios.length > 0
          ? [`Paper 001 §7.2's claim τ_r is ${Math.min(...ratios).toPrecision(3)}–${Math.max(...ratios).toPrecision(3)} times the measured escape; ${off} of ${ratios.length} escapes differ from it by more than 10 % (claim 001-16).`]
          : [],
    };
  },
};

/** A completion run has fitted its observations when ‖P_Ω(W_eff − T)‖_F ≤ this × ‖P_Ω(T)‖_F. */
const FIT_TOLERANCE = 1e-3;
/** Paper 001 §8: two layers from small init reach the minimum nuclear norm as ε → 0; ε = 0.01 leaves about 1 % (seen 1.0098). */
const DEPTH_TWO_RATIO_TOLERANCE = 0.02;

export const completionDepth: AnalysisDefinition = {
  id: 'completion-depth',
  title: 'Matrix completion: learned vs minimum nuclear norm',
  description:
    'Completion runs by depth: nuclear norm of the learned W_eff against the minimum-nuclear-norm completion of the same ' +
    'observations (ADMM, certified to a relative duality gap of 1e-7), how well the observations are fitted, effective rank and recovery error.',
  applies: (runs) => finished(runs).some((r) => r.params.task === 'completion'),
  run(runs) {
    const done = finished(runs)
      .filter((r) => r.params.task === 'completion')
      .sort((a, b) => a.params.depth - b.params.depth || a.runId - b.runId);
    const rows: Row[] = done.map((r) => ({
      run: r.runId,
      depth: r.params.depth,
      nuclear: num(r.summary.finalNuclearNorm),
      minNuclear: num(r.summary.minNuclearNorm),
      ratio: num(r.summary.nuclearNormRatio),
      fitError: num(r.summary.observedFitError),
      effectiveRank: num(r.summary.finalEffectiveRank),
      recoveryError: num(r.summary.recoveryError),
      finalLoss: num(r.summary.finalLoss),
    }));
    const byDepth = new Map<number, number[]>();
    rows.forEach((row) => {
      const value = row.effectiveRank as number | null;
      if (value !== null) byDepth.set(row.depth as number, [...(byDepth.get(row.depth as number) ?? []), value]);
    });
    const depths = [...byDepth.keys()].sort((a, b) => a - b);
    const meanRank = depths.map((d) => {
      const v = byDepth.get(d) ?? [];
      return v.reduce((a, b) => a + b, 0) / v.length;
    });
    const checks: Check[] = rows.flatMap((row) => {
      const fitError = row.fitError as number | null, ratio = row.ratio as number | null;
      const fit: Check = {
        name: `run ${row.run} (L = ${row.depth}): fits the observed entries, ‖P_Ω(W_eff − T)‖_F / ‖P_Ω(T)‖_F`,
        value: fitError,
        expected: 0,
        tolerance: `≤ ${FIT_TOLERANCE}`,
        pass: fitError !== null && fitError <= FIT_TOLERANCE,
      };
      // Deeper nets are biased towards Schatten-2/L, not the nuclear norm: their ratio is reported, not checked.
      if (row.depth !== 2) return [fit];
      const nearest: Check = {
        name: `run ${row.run} (L = 2): ‖W_eff‖_* / minimum nuclear norm of the interpolants (paper 001 §8: the minimum, from small init)`,
        value: ratio,
        expected: 1,
        tolerance: `within [1 − 1e-6, ${1 + DEPTH_TWO_RATIO_TOLERANCE}]`,
        pass: ratio !== null && ratio >= 1 - 1e-6 && ratio <= 1 + DEPTH_TWO_RATIO_TOLERANCE,
      };
      return [fit, nearest];
    });
    if (depths.length >= 2) {
      checks.push({ name: 'effective rank does not grow with depth', value: meanRank[meanRank.length - 1], expected: meanRank[0], tolerance: 'non-increasing in L', pass: monotone(meanRank, 'down') });
    }
    return {
      id: 'completion-depth',
      title: 'Matrix completion: learned vs minimum nuclear norm',
      columns: [
        { key: 'run', label: 'run' },
        { key: 'depth', label: 'L' },
        { key: 'nuclear', label: '‖W_eff‖_*' },
        { key: 'minNuclear', label: 'min ‖X‖_* (convex)' },
        { key: 'ratio', label: 'ratio' },
        { key: 'fitError', label: '‖P_Ω(W − T)‖/‖P_Ω(T)‖' },
        { key: 'effectiveRank', label: 'effective rank' },
        { key: 'recoveryError', label: '‖W − T‖/‖T‖' },
        { key: 'finalLoss', label: 'final loss' },
      ],
      rows,
      checks,
      chart: {
        title: 'Effective rank and nuclear-norm ratio against depth',
        x: { label: 'L', log: false },
        y: { label: 'value', log: false },
        series: [
          { name: 'effective rank', kind: 'line', x: depths, y: meanRank },
          { name: '‖W_eff‖_* / min', kind: 'scatter', x: rows.map((row) => row.depth as number), y: rows.map((row) => row.ratio as number | null) },
        ],
      },
      notes: [
        'Paper 001 §8: two layers from small init converge to the minimum-nuclear-norm interpolant (checked at L = 2 once the observations are fitted); deeper nets are biased to Schatten-2/L, i.e. lower rank (their ratio is reported, the effective rank checked against depth).',
      ],
    };
  },
};
