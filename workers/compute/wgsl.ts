// WGSL sources of the GPU backend, generated from a few templates. Every kernel takes the same
// uniform block `p` (four u32 sizes, four f32 coefficients) at binding 0, then its storage buffers
// in the order the backend binds them: read-only inputs first, writable buffers last.
import type { ProductKind } from './checks';

const PARAMS = /* wgsl */ `
struct Params { d0: u32, d1: u32, d2: u32, d3: u32, a: f32, b: f32, c: f32, e: f32 }
@group(0) @binding(0) var<uniform> p: Params;`;

/** Threads per workgroup of the 1-D kernels; also the number of partial sums a reduction leaves. */
export const GROUP = 256;
/** Workgroups per row of a 2-D dispatch grid (WebGPU allows 65535 per dimension). */
export const GRID_X = 65535;

function bindings(inputs: readonly string[], output: string): string {
  const reads = inputs.map((name, i) => `@group(0) @binding(${i + 1}) var<storage, read> ${name}: array<f32>;`);
  return [...reads, `@group(0) @binding(${inputs.length + 1}) var<storage, read_write> ${output}: array<f32>;`].join('\n');
}

export interface ElementwiseKernel {
  inputs: readonly string[];
  output: string;
  /** out[i] in terms of the buffers, index i, and p (p.d1 = cols, p.a / p.b = coefficients). */
  expr: string;
  /** WGSL helper functions the expression calls. */
  helpers?: string;
}

/** Stable for large |v|, where tanh written as a ratio of exponentials gives inf / inf. */
const TANH = /* wgsl */ `
fn tanh_stable(v: f32) -> f32 {
  if (abs(v) < 1.0) { return tanh(v); }
  let t = exp(-2.0 * abs(v));
  return sign(v) * (1.0 - t) / (1.0 + t);
}`;

export const ELEMENTWISE = {
  axpby: { inputs: ['x', 'y'], output: 'out', expr: 'p.a * x[i] + p.b * y[i]' },
  axpy: { inputs: ['x'], output: 'y', expr: 'y[i] + p.a * x[i]' },
  scale: { inputs: [], output: 'x', expr: 'p.a * x[i]' },
  sgd: { inputs: ['g'], output: 'w', expr: 'w[i] - p.a * (g[i] + p.b * w[i])' },
  sgdBy: { inputs: ['g', 'rate'], output: 'w', expr: 'w[i] - rate[0] * g[i]' },
  /** p.a = c, p.b = k, p.c = ρ; one entry. */
  normRate: { inputs: ['theta2', 'grad2'], output: 'out', expr: 'min(p.a / pow(sqrt(theta2[0]), p.b), p.c * sqrt(theta2[0]) / sqrt(grad2[0]))' },
  /** p.a = lr, p.b = ε; corr = (c₁, c₂), the bias corrections. */
  adam: { inputs: ['m', 'v', 'corr'], output: 'w', expr: 'w[i] - p.a * corr[0] * m[i] / (sqrt(corr[1] * v[i]) + p.b)' },
  mul: { inputs: ['x', 'y'], output: 'out', expr: 'x[i] * y[i]' },
  addRow: { inputs: ['bias'], output: 'x', expr: 'x[i] + bias[i % p.d1]' },
  relu: { inputs: ['x'], output: 'out', expr: 'max(x[i], 0.0)' },
  reluBackward: { inputs: ['x', 'g'], output: 'out', expr: 'select(0.0, g[i], x[i] > 0.0)' },
  tanh: { inputs: ['x'], output: 'out', expr: 'tanh_stable(x[i])', helpers: TANH },
  tanhBackward: { inputs: ['y', 'g'], output: 'out', expr: '(1.0 - y[i] * y[i]) * g[i]' },
} satisfies Record<string, ElementwiseKernel>;

export type ElementwiseName = keyof typeof ELEMENTWISE;

/** One thread per entry; p.d0 = entries, p.d2 = threads per row of the 2-D grid. */
export function elementwiseSource(k: ElementwiseKernel): string {
  return /* wgsl */ `${PARAMS}
${bindings(k.inputs, k.output)}
${k.helpers ?? ''}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * p.d2;
  if (i >= p.d0) { return; }
  ${k.output}[i] = ${k.expr};
}`;
}

interface Reduction {
  inputs: readonly string[];
  output: string;
  /** Declarations of further writable buffers, after the output's binding. */
  extra?: string;
  /** First index and stride of each thread's loop over p.d0 entries (default: a grid-stride loop). */
  start?: string;
  stride?: string;
  /** Adds entry i to `acc`. */
  body: string;
  /** Stores the workgroup's total, sums[0], from thread 0. */
  result: string;
}

/** Each thread sums its entries, then the workgroup adds its threads' sums up as a tree. */
function reductionSource(r: Reduction): string {
  return /* wgsl */ `${PARAMS}
${bindings(r.inputs, r.output)}
${r.extra ?? ''}
var<workgroup> sums: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(local_invocation_index) t: u32, @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u) {
  var acc = 0.0;
  for (var i = ${r.start ?? `wg.x * ${GROUP}u + t`}; i < p.d0; i += ${r.stride ?? `groups.x * ${GROUP}u`}) {
    ${r.body}
  }
  sums[t] = acc;
  workgroupBarrier();
  for (var width = ${GROUP / 2}u; width > 0u; width /= 2u) {
    if (t < width) { sums[t] += sums[t + width]; }
    workgroupBarrier();
  }
  if (t == 0u) { ${r.result} }
}`;
}

const toPartial = 'partial[wg.x] = sums[0];';

/** First passes of sums leave one partial sum per workgroup; `final` adds them up. */
export const REDUCE = {
  sum: reductionSource({ inputs: ['x'], output: 'partial', body: 'acc += x[i];', result: toPartial }),
  sumSquares: reductionSource({ inputs: ['x'], output: 'partial', body: 'acc += x[i] * x[i];', result: toPartial }),
  /** Writes the residual on the way, into a second writable buffer. */
  residual: reductionSource({
    inputs: ['pred', 'truth'],
    output: 'partial',
    extra: '@group(0) @binding(4) var<storage, read_write> diff: array<f32>;',
    body: 'let d = pred[i] - truth[i];\n    diff[i] = d;\n    acc += d * d;',
    result: toPartial,
  }),
  /** out[0] = p.a · Σ partial, in one workgroup. */
  final: reductionSource({ inputs: ['partial'], output: 'out', body: 'acc += partial[i];', result: 'out[0] = p.a * sums[0];' }),
  /** Workgroup j sums column j (p.d0 = rows, p.d1 = cols) into out[j], times p.a. */
  colSums: reductionSource({
    inputs: ['x'],
    output: 'out',
    start: 't',
    stride: `${GROUP}u`,
    body: 'acc += x[i * p.d1 + wg.x];',
    result: 'out[wg.x] = p.a * sums[0];',
  }),
};

/**
 * Per row of logits z and targets y (p.d0 = rows, p.d1 = cols, p.a = 1 / rows): the gradient row
 * (softmax(z)·Σy − y)/n and the row's loss Σ y (logsumexp(z) − z), summed afterwards by REDUCE.
 */
export const SOFTMAX_CE_ROWS = /* wgsl */ `${PARAMS}
${bindings(['z', 'y'], 'grad')}
@group(0) @binding(4) var<storage, read_write> rowLoss: array<f32>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x + gid.y * p.d2;
  if (r >= p.d0) { return; }
  let c = p.d1;
  let o = r * c;
  var m = z[o];
  for (var j = 1u; j < c; j++) { m = max(m, z[o + j]); }
  var sumExp = 0.0;
  var ySum = 0.0;
  for (var j = 0u; j < c; j++) { sumExp += exp(z[o + j] - m); ySum += y[o + j]; }
  let lse = m + log(sumExp);
  var loss = 0.0;
  for (var j = 0u; j < c; j++) {
    loss += y[o + j] * (lse - z[o + j]);
    grad[o + j] = (exp(z[o + j] - m) / sumExp * ySum - y[o + j]) * p.a;
  }
  rowLoss[r] = loss;
}`;

/** Per row: 1 where argmax z = argmax y (first index on ties), else 0; summed afterwards by REDUCE. */
export const ARGMAX_HITS = /* wgsl */ `${PARAMS}
${bindings(['z', 'y'], 'hit')}
@compute @workgroup_size(${GROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let r = gid.x + gid.y * p.d2;
  if (r >= p.d0) { return; }
  let o = r * p.d1;
  var bz = 0u;
  var by = 0u;
  for (var j = 1u; j < p.d1; j++) {
    if (z[o + j] > z[o + bz]) { bz = j; }
    if (y[o + j] > y[o + by]) { by = j; }
  }
  hit[r] = select(0.0, 1.0, bz == by);
}`;

/** Output tile of one workgroup (TILE × TILE, 4 × 4 entries per thread) and the depth of a k step. */
export const TILE = 64;
const TK = 16;

/**
 * out = op(A) op(B) for p.d0 = m, p.d1 = k, p.d2 = n. Each step stages a TILE × TK panel of op(A)
 * and a TK × TILE panel of op(B) in workgroup memory; the loads are laid out so that neighbouring
 * threads read neighbouring addresses of the stored (possibly transposed) matrix.
 */
export function matmulSource(kind: ProductKind): string {
  // (row of op(A) or column of op(B), depth) of staged entry e, and the global read.
  const aLoad =
    kind === 'TN'
      ? { ii: 'e % TILE', kk: 'e / TILE', read: 'A[(k0 + kk) * p.d0 + row0 + ii]' }
      : { ii: 'e / TK', kk: 'e % TK', read: 'A[(row0 + ii) * p.d1 + k0 + kk]' };
  const bLoad =
    kind === 'NT'
      ? { jj: 'e / TK', kk: 'e % TK', read: 'B[(col0 + jj) * p.d1 + k0 + kk]' }
      : { jj: 'e % TILE', kk: 'e / TILE', read: 'B[(k0 + kk) * p.d2 + col0 + jj]' };
  return /* wgsl */ `${PARAMS}
${bindings(['A', 'B'], 'C')}
const TILE = ${TILE}u;
const TK = ${TK}u;
var<workgroup> As: array<f32, ${TILE * TK}>;
var<workgroup> Bs: array<f32, ${TILE * TK}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  let t = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.d1; k0 += TK) {
    for (var r = 0u; r < ${(TILE * TK) / 256}u; r++) {
      let e = t + r * 256u;
      {
        let ii = ${aLoad.ii};
        let kk = ${aLoad.kk};
        var v = 0.0;
        if (row0 + ii < p.d0 && k0 + kk < p.d1) { v = ${aLoad.read}; }
        As[kk * TILE + ii] = v;
      }
      {
        let jj = ${bLoad.jj};
        let kk = ${bLoad.kk};
        var v = 0.0;
        if (col0 + jj < p.d2 && k0 + kk < p.d1) { v = ${bLoad.read}; }
        Bs[kk * TILE + jj] = v;
      }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var x = 0u; x < 4u; x++) {
        a[x] = As[kk * TILE + lid.y + 16u * x];
        b[x] = Bs[kk * TILE + lid.x + 16u * x];
      }
      for (var x = 0u; x < 4u; x++) {
        for (var y = 0u; y < 4u; y++) { acc[x * 4u + y] = fma(a[x], b[y], acc[x * 4u + y]); }
      }
    }
    workgroupBarrier();
  }
  for (var x = 0u; x < 4u; x++) {
    let i = row0 + lid.y + 16u * x;
    for (var y = 0u; y < 4u; y++) {
      let j = col0 + lid.x + 16u * y;
      if (i < p.d0 && j < p.d2) { C[i * p.d2 + j] = acc[x * 4u + y]; }
    }
  }
}`;
}
