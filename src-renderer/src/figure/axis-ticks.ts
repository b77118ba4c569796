// Tick labels as a paper prints them: 10⁴ and 2.5×10⁻³ rather than 1e4 or 1.000e+4, and log axes
// ticked on whole decades (every decade, or every 2nd, 5th… when there are too many to label).
const superscriptDigits: Record<string, string> = {
  '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻',
};

function superscript(exponent: number): string {
  return [...String(exponent)].map((char) => superscriptDigits[char]).join('');
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A tick value: plain between 10⁻³ and 10⁴, else mantissa × 10 to a superscript power; − as the minus sign. */
export function tickText(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const sign = value < 0 ? '−' : '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e4) return sign + trimZeros(magnitude.toPrecision(4));
  const [mantissa, exponent] = magnitude.toExponential(2).split('e');
  const power = `10${superscript(Number(exponent))}`;
  const digits = trimZeros(mantissa);
  return sign + (digits === '1' ? power : `${digits}×${power}`);
}

/** A log axis's tick (a power of ten) as 10 to a superscript power, 10⁰ and 10¹ included. */
export function decadeText(value: number): string {
  return `10${superscript(Math.round(Math.log10(value)))}`;
}

/** Decade steps that keep the labelled exponents round numbers. */
const decadeSteps = [1, 2, 3, 5, 10, 20, 50, 100];

/** The powers of ten to tick on a log axis spanning [min, max] (both > 0), at most `maxLabels` of them. */
export function decadeTicks(min: number, max: number, maxLabels: number): number[] {
  const low = Math.floor(Math.log10(min) + 1e-9);
  const high = Math.ceil(Math.log10(max) - 1e-9);
  const needed = (high - low + 1) / Math.max(1, maxLabels);
  const step = decadeSteps.find((candidate) => candidate >= needed) ?? Math.ceil(needed);
  const ticks: number[] = [];
  for (let exponent = Math.ceil(low / step) * step; exponent <= high; exponent += step) ticks.push(10 ** exponent);
  return ticks;
}
