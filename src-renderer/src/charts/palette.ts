// Colours: Tableau 10 for series told apart by position, one fixed colour per class name (run
// statuses, outcome classes) so a class reads the same in every view and at every moment, and
// viridis for a continuous value (a swept parameter, a numeric summary).

// Tableau 10: distinct in print and for the common colour-vision deficiencies.
export const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Theory drawn with no data series to match. */
export const neutralColor = '#555555';

/** A paper's claim that is not a prediction (TheorySeries role 'paper-claim'): lighter than any theory. */
export const claimColor = '#999999';

export function paletteColor(index: number): string {
  return palette[((index % palette.length) + palette.length) % palette.length];
}

/**
 * Classes the app and its families name (run statuses, multipath outcomes), each with its own
 * colour; a name is the same class wherever it appears ('diverged' as a status and as an outcome).
 */
const namedClassColors: Readonly<Record<string, string>> = {
  queued: '#bab0ac',
  submitted: '#9c755f',
  running: '#4e79a7',
  done: '#59a14f',
  failed: '#e15759',
  diverged: '#b07aa1',
  cancelled: '#79706e',
  crashed: '#ff9da7',
  'winner-takes-all': '#4e79a7',
  'partial-rebalancing': '#76b7b2',
  'full-rebalancing': '#59a14f',
  'flow-split': '#edc948',
  oscillating: '#f28e2b',
  'not-converged': '#bab0ac',
  'no-stable-minimum': '#9c755f',
};

/** True for a class name with a colour of its own (not one hashed into the palette). */
export function isNamedClass(name: string): boolean {
  return Object.hasOwn(namedClassColors, name);
}

/** A class's colour from its name alone: never from the order in which classes were seen. */
export function classColor(name: string): string {
  if (isNamedClass(name)) return namedClassColors[name];
  // FNV-1a: any other class name (a user family's) keeps its colour too.
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return paletteColor(hash >>> 0);
}

/** Viridis at 9 evenly spaced stops (matplotlib's table): perceptually uniform, legible in grey. */
export const viridis = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)) as [number, number, number];
}

/** Viridis at `t` ∈ [0, 1] (clamped), interpolated linearly between the stops. */
export function viridisColor(t: number): string {
  const position = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (viridis.length - 1);
  const lower = Math.min(Math.floor(position), viridis.length - 2);
  const [a, b] = [channels(viridis[lower]), channels(viridis[lower + 1])];
  const mix = a.map((value, k) => Math.round(value + (b[k] - value) * (position - lower)));
  return `#${mix.map((value) => value.toString(16).padStart(2, '0')).join('')}`;
}
