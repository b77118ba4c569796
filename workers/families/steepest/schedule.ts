// Which steps a run stores: log-spaced (to resolve the first steps and the escape) plus every
// ⌈steps/points⌉ steps (to resolve the long tail), each with its neighbour so a period-2 orbit keeps
// both branches (the shared schedule, record-schedule.ts): 10⁶ steps store at most about 4·points.
import { recordSteps as pairedRecordSteps } from '../record-schedule';

/** Sorted distinct steps in [1, steps] (records follow updates), always ending at `steps`. */
export function recordSteps(steps: number, points: number): number[] {
  return pairedRecordSteps({ first: 1, last: steps, every: Math.ceil(steps / points), perDecade: (points - 1) / Math.log10(steps) });
}
