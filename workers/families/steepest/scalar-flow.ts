// Fig. 2(b): the scalar flow dx/dt = x^m from x₀ for each metric exponent m, integrated with
// DOP853 and compared with its closed form (m = 1: x₀eᵗ; else x^{1−m} = x₀^{1−m} + (1−m)t).
import { DivergedError, type RunContext, type RunSummary } from '../../family';
import { integrate } from '../../numeric/ode';
import { scalarBlowUpTime, scalarFlow } from './geometry';
import type { SteepestParams } from './params';

/** Curves stop here: past it, m > 1 is a few ulps from its blow-up time. */
const X_CAP = 1e6;
const SAMPLES = 400;

export function runScalarFlow(p: SteepestParams, ctx: RunContext): RunSummary {
  const x0 = p.scalarInitial;
  const endTimes: number[] = [];
  const errors: number[] = [];
  p.scalarExponents.forEach((m, index) => {
    if (ctx.signal.aborted) return;
    const result = integrate((_t, y, dy) => void (dy[0] = y[0] ** m), 0, Float64Array.of(x0), p.scalarHorizon, {
      rtol: 1e-12,
      atol: 1e-14,
      dense: true,
      events: [{ g: (_t, y) => y[0] - X_CAP, direction: 1, terminal: true }],
      signal: ctx.signal,
    });
    if (!result.success || !result.solution) {
      if (result.status === 'aborted') return;
      throw new DivergedError(`scalar flow m = ${m}: ${result.status} (${result.message})`);
    }
    const end = result.t;
    const t = new Float64Array(SAMPLES);
    const x = new Float64Array(SAMPLES);
    let worst = 0;
    for (let i = 0; i < SAMPLES; i++) {
      t[i] = (end * i) / (SAMPLES - 1);
      x[i] = result.solution.evaluate(t[i])[0];
      worst = Math.max(worst, Math.abs(x[i] / scalarFlow(m, x0, t[i]) - 1));
    }
    ctx.emit({ metric: `scalar/${index}`, x: t, y: x });
    endTimes.push(end);
    errors.push(worst);
    ctx.progress((index + 1) / p.scalarExponents.length);
  });
  if (ctx.signal.aborted) return {};
  return {
    exponents: p.scalarExponents,
    blowUpTimes: p.scalarExponents.map((m) => scalarBlowUpTime(m, x0)),
    endTimes,
    closedFormMaxRelError: errors,
  };
}
