// Row selection as in a file manager: click selects one, Ctrl/Cmd toggles, Shift selects a range
// from the anchor (added to the selection with Ctrl/Cmd).

export interface SelectionState {
  selected: ReadonlySet<number>;
  anchor: number | null;
}

export interface ClickModifiers {
  shift: boolean;
  toggle: boolean;
}

export function clickSelection(
  state: SelectionState,
  orderedIds: readonly number[],
  clicked: number,
  modifiers: ClickModifiers,
): SelectionState {
  const anchorIndex = state.anchor === null ? -1 : orderedIds.indexOf(state.anchor);
  if (modifiers.shift && anchorIndex >= 0) {
    const clickedIndex = orderedIds.indexOf(clicked);
    const [from, to] = anchorIndex <= clickedIndex ? [anchorIndex, clickedIndex] : [clickedIndex, anchorIndex];
    const range = orderedIds.slice(from, to + 1);
    const selected = new Set(modifiers.toggle ? [...state.selected, ...range] : range);
    return { selected, anchor: state.anchor };
  }
  if (modifiers.toggle) {
    const selected = new Set(state.selected);
    if (selected.has(clicked)) selected.delete(clicked);
    else selected.add(clicked);
    return { selected, anchor: clicked };
  }
  return { selected: new Set([clicked]), anchor: clicked };
}
