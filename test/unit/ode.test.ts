// The DOP853 integrator on problems with known solutions: accuracy, convergence order of the step
// and of the dense output, event location, and failures returned as statuses.
import { describe, expect, it } from 'vitest';
import { DenseSolution, integrate, type OdeRhs } from '../../workers/numeric/ode';
import { brentRoot } from '../../workers/numeric/roots';

const decay: OdeRhs = (_t, y, dydt) => {
  dydt[0] = -y[0];
};
/** y0 = cos t, y1 = −sin t. */
const oscillator: OdeRhs = (_t, y, dydt) => {
  dydt[0] = y[1];
  dydt[1] = -y[0];
};
/** y = exp(sin t). */
const expSin: OdeRhs = (t, y, dydt) => {
  dydt[0] = y[0] * Math.cos(t);
};

describe('integrate (DOP853)', () => {
  it('integrates exponential decay to the requested relative accuracy', () => {
    const r = integrate(decay, 0, Float64Array.of(1), 10, { rtol: 1e-10, atol: 1e-14 });
    expect(r.status).toBe('done');
    expect(r.success).toBe(true);
    expect(r.t).toBe(10);
    expect(Math.abs(r.y[0] / Math.exp(-10) - 1)).toBeLessThan(1e-9);
  });

  it('follows the harmonic oscillator over ten periods, at the steps and on the dense output', () => {
    const tEnd = 20 * Math.PI;
    const r = integrate(oscillator, 0, Float64Array.of(1, 0), tEnd, { rtol: 1e-10, atol: 1e-12, dense: true });
    expect(r.status).toBe('done');
    const n = r.times.length;
    expect(r.states.length).toBe(2 * n);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(r.states[2 * i] - Math.cos(r.times[i]))).toBeLessThan(1e-8);
      expect(Math.abs(r.states[2 * i + 1] + Math.sin(r.times[i]))).toBeLessThan(1e-8);
    }
    const solution = r.solution as DenseSolution;
    expect(solution.tStart).toBe(0);
    expect(solution.tEnd).toBe(tEnd);
    for (let k = 0; k <= 1000; k++) {
      const t = (k / 1000) * tEnd;
      const y = solution.evaluate(t);
      expect(Math.abs(y[0] - Math.cos(t))).toBeLessThan(1e-8);
      expect(Math.abs(y[1] + Math.sin(t))).toBeLessThan(1e-8);
    }
  });

  it('converges with order 8 per step and about 8 on the dense output (fixed steps)', () => {
    const errors = [0.4, 0.2, 0.1].map((h) => {
      // rtol = atol = 1 accepts every step; maxStep pins the step size to h.
      const r = integrate(expSin, 0, Float64Array.of(1), 4, { rtol: 1, atol: 1, firstStep: h, maxStep: h, dense: true });
      expect(r.stats.rejectedSteps).toBe(0);
      let dense = 0;
      for (let k = 0; k < 400; k++) {
        const t = (k + 0.5) * 0.01;
        dense = Math.max(dense, Math.abs((r.solution as DenseSolution).evaluate(t)[0] - Math.exp(Math.sin(t))));
      }
      return { end: Math.abs(r.y[0] - Math.exp(Math.sin(4))), dense };
    });
    for (let i = 1; i < errors.length; i++) {
      const stepOrder = Math.log2(errors[i - 1].end / errors[i].end);
      const denseOrder = Math.log2(errors[i - 1].dense / errors[i].dense);
      expect(stepOrder).toBeGreaterThan(7.5);
      expect(stepOrder).toBeLessThan(8.6);
      expect(denseOrder).toBeGreaterThan(7); // the interpolant is of order 7
    }
  });

  it('has an error roughly proportional to the tolerance', () => {
    const errorAt = (rtol: number): number => {
      const r = integrate(oscillator, 0, Float64Array.of(1, 0), 10, { rtol, atol: rtol * 1e-2 });
      return Math.abs(r.y[0] - Math.cos(10));
    };
    const loose = errorAt(1e-6), tight = errorAt(1e-10);
    expect(loose).toBeLessThan(1e-5);
    expect(tight).toBeLessThan(1e-9);
    expect(loose / tight).toBeGreaterThan(1e2);
  });

  it('locates events on the dense output to ~1e-12 relative, by direction', () => {
    const events = [
      { g: (_t: number, y: Float64Array) => y[0], direction: -1 as const }, // cos t falls through 0: π/2 + 2kπ
      { g: (_t: number, y: Float64Array) => y[0], direction: 1 as const }, // rises through 0: 3π/2 + 2kπ
      { g: (_t: number, y: Float64Array) => y[1] }, // −sin t = 0 either way: kπ
    ];
    const r = integrate(oscillator, 0, Float64Array.of(1, 0), 10.25 * Math.PI, { rtol: 1e-12, atol: 1e-14, events });
    const times = (e: number): number[] => r.events.filter((hit) => hit.event === e).map((hit) => hit.t);
    const falling = times(0), rising = times(1), zerosOfSin = times(2);
    expect(falling).toHaveLength(5);
    expect(rising).toHaveLength(5);
    // kπ for k = 1..10: the root at t0 = 0 is not an event.
    expect(zerosOfSin).toHaveLength(10);
    falling.forEach((t, k) => expect(Math.abs(t - (Math.PI / 2 + 2 * k * Math.PI))).toBeLessThan(1e-12 * t + 1e-13));
    rising.forEach((t, k) => expect(Math.abs(t - (1.5 * Math.PI + 2 * k * Math.PI))).toBeLessThan(1e-12 * t + 1e-13));
    zerosOfSin.forEach((t, k) => expect(Math.abs(t - (k + 1) * Math.PI)).toBeLessThan(1e-11));
    // Hits come in time order.
    expect(r.events.map((e) => e.t)).toEqual([...r.events.map((e) => e.t)].sort((a, b) => a - b));
  });

  it('ends exactly at tEnd, also far from the origin', () => {
    for (const [t0, tEnd] of [[0, 0.1], [123456.789, 123456.7891234], [1e9, 1e9 + 3.3]]) {
      const r = integrate(decay, t0, Float64Array.of(1), tEnd, { rtol: 1e-10, dense: true });
      expect(r.status).toBe('done');
      expect(r.t).toBe(tEnd);
      expect(r.times.at(-1)).toBe(tEnd);
      expect(r.solution?.tEnd).toBe(tEnd);
    }
  });

  it('stops at a terminal event, also with tEnd = Infinity', () => {
    const growth: OdeRhs = (_t, y, dydt) => {
      dydt[0] = y[0];
    };
    const r = integrate(growth, 0, Float64Array.of(1), Infinity, {
      rtol: 1e-12,
      atol: 1e-14,
      events: [{ g: (_t, y) => y[0] - 10, terminal: true }],
      dense: true,
    });
    expect(r.status).toBe('event');
    expect(Math.abs(r.t - Math.LN10)).toBeLessThan(1e-12 * Math.LN10);
    expect(Math.abs(r.y[0] - 10)).toBeLessThan(1e-10);
    expect(r.times.at(-1)).toBe(r.t);
    expect(r.solution?.tEnd).toBe(r.t);
  });

  it('honours a state-dependent step bound', () => {
    let largest = 0;
    integrate(decay, 0, Float64Array.of(1), 5, {
      rtol: 1e-3,
      maxStepAt: (t) => 0.1 + 0.01 * t,
      onStep: (t, _y, step) => (largest = Math.max(largest, (step.t1 - step.t0) / (0.1 + 0.01 * step.t0))),
    });
    expect(largest).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('calls onStep with an interpolant that matches the step ends', () => {
    let checked = 0;
    integrate(oscillator, 0, Float64Array.of(1, 0), 3, {
      rtol: 1e-10,
      onStep: (t, y, step) => {
        expect(step.t1).toBe(t);
        expect(step.evaluate(t)[0]).toBeCloseTo(y[0], 14);
        checked++;
      },
    });
    expect(checked).toBeGreaterThan(3);
  });

  it('returns failures as statuses instead of throwing', () => {
    // y' = y² from 1 blows up at t = 1.
    const blowUp: OdeRhs = (_t, y, dydt) => {
      dydt[0] = y[0] * y[0];
    };
    const r = integrate(blowUp, 0, Float64Array.of(1), 2, { rtol: 1e-8 });
    expect(r.success).toBe(false);
    expect(['step-too-small', 'non-finite']).toContain(r.status);
    expect(Math.abs(r.t - 1)).toBeLessThan(1e-3);

    expect(integrate(decay, 1, Float64Array.of(1), 0).status).toBe('invalid');
    expect(integrate(decay, 0, Float64Array.of(Number.NaN), 1).status).toBe('invalid');
    expect(integrate(decay, 0, Float64Array.of(1), 1, { rtol: -1 }).status).toBe('invalid');
    expect(integrate(decay, 0, Float64Array.of(1), 1, { firstStep: Number.NaN }).status).toBe('invalid');
    expect(integrate(decay, 0, Float64Array.of(1), 1, { maxStepAt: () => Number.NaN }).status).toBe('invalid');
    expect(integrate(decay, 0, Float64Array.of(1), 1e6, { maxSteps: 3, rtol: 1e-12 }).status).toBe('max-steps');
    const aborted = new AbortController();
    aborted.abort();
    expect(integrate(decay, 0, Float64Array.of(1), 1, { signal: aborted.signal }).status).toBe('aborted');
  });

  it('steps over a region where f is not finite by shrinking the step', () => {
    // f is NaN for y > 3 (outside its domain); the solution y = 1 + t stays inside up to t = 1.
    const bounded: OdeRhs = (_t, y, dydt) => {
      dydt[0] = y[0] > 3 ? Number.NaN : 1;
    };
    const r = integrate(bounded, 0, Float64Array.of(1), 1, { firstStep: 100 });
    expect(r.status).toBe('done');
    expect(r.y[0]).toBeCloseTo(2, 12);
  });

  it('joins dense solutions end to start', () => {
    const first = integrate(decay, 0, Float64Array.of(1), 1, { rtol: 1e-12, atol: 1e-14, dense: true });
    const second = integrate(decay, 1, first.y, 2, { rtol: 1e-12, atol: 1e-14, dense: true });
    const joined = DenseSolution.concat(first.solution as DenseSolution, second.solution as DenseSolution);
    expect(joined.tStart).toBe(0);
    expect(joined.tEnd).toBe(2);
    for (const t of [0, 0.3, 1, 1.5, 2]) expect(Math.abs(joined.evaluate(t)[0] / Math.exp(-t) - 1)).toBeLessThan(1e-11);
  });
});

describe('brentRoot', () => {
  it('finds a bracketed root to a few ulps', () => {
    const r = brentRoot(Math.cos, 0, 2, Math.cos(0), Math.cos(2));
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x - Math.PI / 2)).toBeLessThan(4 * Number.EPSILON);
    expect(r.iterations).toBeLessThan(20);
  });

  it('throws on an invalid bracket instead of guessing', () => {
    expect(() => brentRoot(Math.cos, 0, 1, Math.cos(0), Math.cos(1))).toThrow('is not a bracket');
  });
});
