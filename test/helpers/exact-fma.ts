// Exact arithmetic for the SIMD kernels' tests: a·b + c rounded once (what a fused multiply-add gives),
// computed with BigInt, and a bit-for-bit comparison of float arrays.

/** x = mantissa · 2^exponent exactly (finite x). */
function exact(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  if (biased !== 0) mantissa |= 1n << 52n;
  return [bits >> 63n ? -mantissa : mantissa, (biased || 1) - 1075];
}

/** a·b + c rounded once (ties to even), for terms within ~900 binary orders of each other and a result in
 * the normal range: Number(bigint) rounds correctly, and scaling by a power of two is then exact. */
export function fma(a: number, b: number, c: number): number {
  if (a * b === 0 || c === 0) return a * b + c; // one rounding already
  const [ma, ea] = exact(a), [mb, eb] = exact(b), [mc, ec] = exact(c);
  const e = Math.min(ea + eb, ec);
  const sum = ((ma * mb) << BigInt(ea + eb - e)) + (mc << BigInt(ec - e));
  return sum === 0n ? 0 : Number(sum) * 2 ** e;
}

/** Indices where two arrays differ as bit patterns (so −0 vs 0 and NaN count). */
export function differing(x: Float64Array, y: Float64Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) out.push(i);
  return out;
}
