export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
  /** What the ratio is measured against, in the same run. */
  baseline?: string;
  ratio?: number;
  /** The wait ended by its time-out: the figure is at least `value`. */
  atLeast?: boolean;
}

/** The middle value (the upper middle of an even count); the input is not reordered. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function printFigures(title: string, figures: BenchFigure[]): void {
  console.log(`\n${title}`);
  for (const f of figures) {
    const value = `${f.atLeast ? '> ' : ''}${Number(f.value.toPrecision(4))} ${f.unit}`.trim();
    const ratio = f.ratio === undefined ? '' : `   ×${Number(f.ratio.toPrecision(3))} vs ${f.baseline}`;
    const note = f.ratio === undefined && f.baseline ? `   (${f.baseline})` : '';
    console.log(`  ${f.name.padEnd(58)} ${value.padStart(14)}${ratio}${note}`);
  }
}
