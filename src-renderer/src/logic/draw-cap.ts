// How many runs a line chart draws by default: a big sweep drawn whole is slow and unreadable, so
// an evenly spread subset is drawn until the user asks for all.

/** Runs drawn by default before "show all". */
export const defaultDrawCap = 40;

/** `cap` items spread evenly over `items` (first and last included), in their order; all if they fit. */
export function spreadSubset<T>(items: readonly T[], cap: number): readonly T[] {
  if (items.length <= cap) return items;
  if (cap <= 1) return items.slice(0, cap);
  const step = (items.length - 1) / (cap - 1);
  return Array.from({ length: cap }, (_, i) => items[Math.round(i * step)]);
}
