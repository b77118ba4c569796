// Analysis of width-1 runs on the circle (paper 004 App. D.1, eq. (6), Fig. 7): every direction of a
// width-1 network is rank one, so projected descent ends on a local maximum of the rank-one speed
// curve s(φ). The paper puts its maxima, of height √2 − 1, at the multiples of π/4: each live
// restart's first-layer angle is checked against the nearest one, and the best speed against √2 − 1.
import type { AnalysisDefinition, AnalysisResult, AnalysisRunInput } from '../../family';
import { RANK_ONE_SPEED } from './circle';
import { isCircleExample } from './params';
import { doneRuns, finite, numbers } from './run-inputs';

/**
 * The maxima are kinks of s(φ): the decaying step η₀/(1 + k/τ) (0.003 rad after 1500 steps at the
 * defaults) leaves the iterate a few thousandths of a radian off, and s falls off with slope ≈ 1.
 */
const ANGLE_TOLERANCE = 0.01;
const SPEED_TOLERANCE = 0.01;
/** A restart whose only path is cut (W₂ < 0, say) has zero gradient and speed 0: it never moves. */
const LIVE_SPEED = 1e-9;

const QUARTER = Math.PI / 4;
const offGrid = (phi: number): number => Math.abs(phi - QUARTER * Math.round(phi / QUARTER));

interface Restart {
  runId: number;
  phi: number;
  speed: number;
}

function liveRestarts(runs: AnalysisRunInput[]): { live: Restart[]; dead: number } {
  let dead = 0;
  const live = doneRuns(runs, 'escape').flatMap((r) => {
    if (!isCircleExample(r.p)) return [];
    const angles = numbers(r.summary.restartFirstLayerAngles), speeds = finite(r.summary.speeds);
    if (angles.length === 0) return [];
    return speeds.flatMap((speed, i) => {
      const phi = angles[i];
      if (phi === null || !(speed > LIVE_SPEED)) {
        dead++;
        return [];
      }
      return [{ runId: r.runId, phi, speed }];
    });
  });
  return { live, dead };
}

export const rankOneCurve: AnalysisDefinition = {
  id: 'rank-one-curve',
  title: 'Width-1 networks on the circle: maxima of the rank-one speed curve (App. D.1, eq. (6))',
  description:
    'Every restart of a width-1 network on Example 1 ends on a local maximum of s(φ): its first-layer angle against the nearest multiple ' +
    'of π/4, and the best speed against √2 − 1.',
  applies: (runs) => liveRestarts(runs).live.length > 0,
  run(runs): AnalysisResult {
    const { live, dead } = liveRestarts(runs);
    const worst = live.reduce((a, b) => (offGrid(b.phi) > offGrid(a.phi) ? b : a));
    const best = live.reduce((a, b) => (b.speed > a.speed ? b : a));
    return {
      id: 'rank-one-curve',
      title: this.title,
      columns: [
        { key: 'run', label: 'run' },
        { key: 'phi', label: 'φ (rad)' },
        { key: 'multiple', label: 'φ/(π/4)' },
        { key: 'speed', label: 'speed' },
      ],
      rows: live.map((r) => ({ run: r.runId, phi: r.phi, multiple: r.phi / QUARTER, speed: r.speed })),
      checks: [
        {
          name: `every live width-1 restart ends at a multiple of π/4: largest |φ − kπ/4| over ${live.length} restart(s) (run ${worst.runId}, φ/(π/4) = ${(worst.phi / QUARTER).toFixed(4)})`,
          value: offGrid(worst.phi),
          expected: 0,
          tolerance: `≤ ${ANGLE_TOLERANCE} rad`,
          pass: offGrid(worst.phi) <= ANGLE_TOLERANCE,
          claim: '004-12',
        },
        {
          name: `height of the maxima: best speed of a width-1 restart (run ${best.runId}, φ/(π/4) = ${(best.phi / QUARTER).toFixed(4)})`,
          value: best.speed,
          expected: RANK_ONE_SPEED,
          tolerance: `|s − (√2 − 1)| ≤ ${SPEED_TOLERANCE}`,
          pass: Math.abs(best.speed - RANK_ONE_SPEED) <= SPEED_TOLERANCE,
          claim: '004-12',
        },
      ],
      notes: [`${dead} restart(s) ended with speed 0 (a cut path, e.g. W₂ < 0, has zero gradient) and are not counted.`],
    };
  },
};
