// Which theory overlays a panel offers to show or hide: those of the chart that the drawn runs
// actually have, by their label. A family lists overlay ids per chart; a run stores only those
// its parameters give (no gap timescale without a gap), so an id alone may draw nothing.
import type { TheorySeries } from '../../../src-main/contract/family-meta';

export interface TheoryToggle {
  id: string;
  label: string;
}

function drawsSomething(overlay: TheorySeries): boolean {
  if (overlay.kind === 'vline') return overlay.x.length > 0;
  if (overlay.kind === 'hline') return overlay.y.length > 0;
  return overlay.x.length > 0 && overlay.y.length > 0;
}

/** The chart's overlay ids (in the chart's order) that some run's stored overlays draw, each with its label. */
export function theoryToggles(chartTheoryIds: readonly string[], overlaysByRun: Iterable<readonly TheorySeries[]>): TheoryToggle[] {
  const labels = new Map<string, string>();
  for (const overlays of overlaysByRun) {
    for (const overlay of overlays) if (!labels.has(overlay.id) && drawsSomething(overlay)) labels.set(overlay.id, overlay.label);
  }
  return chartTheoryIds.flatMap((id) => {
    const label = labels.get(id);
    return label === undefined ? [] : [{ id, label }];
  });
}
