// Tableau 10: distinct in print and for the common colour-vision deficiencies.
export const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** Theory drawn with no data series to match. */
export const neutralColor = '#555555';

/** A paper's claim that is not a prediction (TheorySeries role 'paper-claim'): lighter than any theory. */
export const claimColor = '#999999';

export function paletteColor(index: number): string {
  return palette[((index % palette.length) + palette.length) % palette.length];
}
