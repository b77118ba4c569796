// Overlays from the parameters alone: Example 1's two reference speeds (½ needs depth ≥ 3, n₁ ≥ 4). (Prop. 2.2 and Theorem
// 3.1 depend on the speed a run finds, so the run emits them as metrics next to the data.)
import type { TheorySeries } from '../../family';
import { RANK_ONE_SPEED, RANK_TWO_SPEED } from './circle';
import { hiddenWidths, isCircleExample, type ReluEscapeParams } from './params';

export function theoryOverlays(p: ReluEscapeParams): TheorySeries[] {
  if (!isCircleExample(p)) return [];
  const rankTwo: TheorySeries[] =
    p.depth >= 3 && hiddenWidths(p)[0] >= 4 ? [{ id: 'rankTwoSpeed', label: 'rank-two construction (2), s = 1/2', kind: 'hline', x: [], y: [RANK_TWO_SPEED] }] : [];
  return [{ id: 'rankOneSpeed', label: 'best rank-one speed √2 − 1 (App. D.1)', kind: 'hline', x: [], y: [RANK_ONE_SPEED] }, ...rankTwo];
}
