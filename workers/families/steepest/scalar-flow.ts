// Fig. 2(b): the scalar flow dx/dt = x^m from x₀ for each metric exponent m, integrated with
// DOP853 and compared with its closed form (m = 1: x₀eᵗ; else x^{1−m} = x₀^{1−m} + (1−m)t). The
// integration goes on to x = 10¹² to measure the blow-up time (the curve is drawn up to 10⁶), and
// records when x first doubles (the slow start of large m).
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { integrate } from '../../numeric/ode';
import { scalarBlowUpTime, scalarFlow } from './geometry';
import type { SteepestParams } from './params';

/** Curves are drawn up to here. */
const X_CAP = 1e6;
/** Integration stops here: for m ≥ 1.5 it is within 2·10⁻⁶ of the blow-up time (10^{12(1−m)}/(m−1)). */
const BLOW_UP_CAP = 1e12;
const SAMPLES = 400;

export function runScalarFlow(p: SteepestParams, ctx: RunContext): RunSummary {
  const x0 = p.scalarInitial;
  const endTimes: number[] = [];
  const reachedCap: number[] = [];
  const doublingTimes: (number | null)[] = [];
  const errors: number[] = [];
  p.scalarExponents.forEach((m, index) => {
    if (ctx.signal.aborted) return;
    const result = integrate((_t, y, dy) => void (dy[0] = y[0] ** m), 0, Float64Array.of(x0), p.scalarHorizon, {
      rtol: 1e-12,
      atol: 1e-14,
      dense: true,
      events: [
        { g: (_t, y) => y[0] - BLOW_UP_CAP, direction: 1, terminal: true },
        { g: (_t, y) => y[0] - X_CAP, direction: 1, terminal: false },
        { g: (_t, y) => y[0] - 2 * x0, direction: 1, terminal: false },
      ],
      signal: ctx.signal,
    });
    if (!result.success || !result.solution) {
      if (result.status === 'aborted') return;
      throw new DivergedError(`scalar flow m = ${m}: ${result.status} (${result.message})`);
    }
    const hitAt = (event: number): number | null => result.events.find((e) => e.event === event)?.t ?? null;
    const end = hitAt(1) ?? result.t;
    const t = new Float64Array(SAMPLES);
    const x = new Float64Array(SAMPLES);
    let worst = 0;
    for (let i = 0; i < SAMPLES; i++) {
      t[i] = (end * i) / (SAMPLES - 1);
      x[i] = result.solution.evaluate(t[i])[0];
      worst = Math.max(worst, Math.abs(x[i] / scalarFlow(m, x0, t[i]) - 1));
    }
    ctx.emit({ metric: `scalar/${index}`, x: t, y: x });
    endTimes.push(result.t);
    reachedCap.push(hitAt(0) === null ? 0 : 1);
    doublingTimes.push(hitAt(2));
    errors.push(worst);
    ctx.progress((index + 1) / p.scalarExponents.length);
  });
  if (ctx.signal.aborted) return {};
  return {
    exponents: p.scalarExponents,
    blowUpTimes: p.scalarExponents.map((m) => scalarBlowUpTime(m, x0)),
    endTimes,
    reachedBlowUpCap: reachedCap,
    doublingTimes,
    closedFormMaxRelError: errors,
  };
}
