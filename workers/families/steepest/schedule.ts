// Which steps a run stores: log-spaced (to resolve the first steps and the escape) plus every
// ⌈steps/points⌉ steps (to resolve the long tail), so 10⁶ steps store at most about 2·points.

/** Sorted distinct steps in [1, steps], always ending at `steps`. */
export function recordSteps(steps: number, points: number): Int32Array {
  const chosen = new Set<number>();
  const decades = Math.log10(steps);
  for (let i = 0; i < points; i++) chosen.add(Math.round(10 ** ((decades * i) / Math.max(1, points - 1))));
  const every = Math.ceil(steps / points);
  for (let s = every; s <= steps; s += every) chosen.add(s);
  chosen.add(steps);
  return Int32Array.from([...chosen].filter((s) => s >= 1 && s <= steps).sort((a, b) => a - b));
}
