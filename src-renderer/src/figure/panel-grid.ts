// Where each panel of a multi-panel figure goes: a grid of equal cells whose shape is closest to a
// usual plot's (about 1.4 : 1), empty cells counting against a layout, with (a), (b)… labels.
export interface PanelCell {
  x: number;
  y: number;
  width: number;
  height: number;
  /** "(a)", "(b)"…; null for a single panel. */
  label: string | null;
}

const preferredAspect = 1.4;
/** Cost of an empty cell, in units of |log(aspect / preferred)|. */
const emptyCellCost = 0.5;

/** The label of the `index`-th panel of a multi-panel figure: (a), (b)… */
export function panelLabel(index: number): string {
  return `(${String.fromCharCode(97 + (index % 26))})`;
}

export function panelGrid(count: number, width: number, height: number, top = 0): PanelCell[] {
  let best = { columns: 1, cost: Number.POSITIVE_INFINITY };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const aspect = width / columns / (height / rows);
    const cost = Math.abs(Math.log(aspect / preferredAspect)) + emptyCellCost * (rows * columns - count);
    if (cost < best.cost) best = { columns, cost };
  }
  const rows = Math.ceil(count / best.columns);
  const cell = { width: width / best.columns, height: height / rows };
  return Array.from({ length: count }, (_, index) => ({
    x: (index % best.columns) * cell.width,
    y: top + Math.floor(index / best.columns) * cell.height,
    ...cell,
    label: count > 1 ? panelLabel(index) : null,
  }));
}
