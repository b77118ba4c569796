// Matrix-product throughput of the two compute backends: the CPU (float64) backend against Debian's
// OpenBLAS dgemm (CPU time of each, one thread, alternated pairs), and the WebGPU (float32) backend against the CPU backend and,
// on a hardware GPU at d ≥ 1024, against PyTorch's float32 product (TF32 off) on the same GPU, each
// measured in this run; and (benchComputeFamilies) the dln-train and relu-escape training steps on both
// backends. OpenBLAS, the GPU and PyTorch are optional: a missing one is reported, not faked.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CpuBackend, selectBackend, type ComputeBackend } from '../workers/compute/index';
import { gemmUsesFusedMultiplyAdd } from '../workers/numeric/wasm-gemm';
import { DeviceNetwork } from '../workers/families/dln-train/descent';
import { deviceOptimizer } from '../workers/compute/optimizers';
import { targetObjective } from '../workers/families/dln-train/task';
import { DeviceMlp } from '../workers/families/relu-escape/device-mlp';
import type { Matrix } from '../workers/numeric/matrix';
import { createRng } from '../workers/numeric/rng';
import { type BenchFigure, median } from './figures';
import { peerEnvironment } from './python-peer';

const SIZES = [64, 256, 1024, 4096];
/** Said wherever WebGPU runs on a software adapter: its figures measure the CPU, not a GPU. */
const NO_GPU_NOTE = '; no GPU on this machine: the WebGPU figures below are software Vulkan on the CPU, not GPU figures';

/** d = 4096 is 137 GFLOP per product: one product on the CPU (~6 s), none on a software GPU adapter. */
const LARGEST = 4096;
const OPENBLAS_SIZE = 256;

/** Best seconds per product over `windows` timing windows of at least `minMs` each. */
async function secondsPerProduct(be: ComputeBackend, d: number, minMs: number, windows = 3): Promise<number> {
  const rng = createRng(d);
  const data = Float64Array.from({ length: d * d }, () => rng.normal());
  const a = be.tensor(d, d, data), b = be.tensor(d, d, data), c = be.tensor(d, d);
  be.matmul(a, b, c);
  await be.flush();
  let best = Infinity;
  for (let w = 0; w < windows; w++) {
    let calls = 0, batch = 1;
    const start = performance.now();
    do {
      for (let i = 0; i < batch; i++) be.matmul(a, b, c);
      await be.flush();
      calls += batch;
      batch *= 2;
    } while (performance.now() - start < minMs);
    best = Math.min(best, (performance.now() - start) / 1000 / calls);
  }
  return best;
}

const gflops = (d: number, seconds: number): number => (2 * d ** 3) / seconds / 1e9;

const DGEMM_C = `
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
/* Declared here rather than through cblas.h, whose include path differs between Debian's BLAS flavours. */
void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha, const double *a, int lda,
                 const double *b, int ldb, double beta, double *c, int ldc);
char *openblas_get_corename(void);
/* CPU time of the process (one OpenBLAS thread): what the product costs, whatever else the machine runs. */
static double cpu(void) { struct timespec t; clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
int main(int argc, char **argv) {
  int d = atoi(argv[1]);
  double *a = malloc(sizeof(double) * d * d), *b = malloc(sizeof(double) * d * d), *c = malloc(sizeof(double) * d * d);
  for (int i = 0; i < d * d; i++) { a[i] = (double)rand() / RAND_MAX - 0.5; b[i] = (double)rand() / RAND_MAX - 0.5; }
  cblas_dgemm(101, 111, 111, d, d, d, 1.0, a, d, b, d, 0.0, c, d);
  double best = 1e30;
  for (int w = 0; w < 3; w++) {
    int calls = 0; double start = cpu();
    while (cpu() - start < 0.3) { cblas_dgemm(101, 111, 111, d, d, d, 1.0, a, d, b, d, 0.0, c, d); calls++; }
    double per = (cpu() - start) / calls;
    if (per < best) best = per;
  }
  printf("%.9f %f %s\\n", best, c[0], openblas_get_corename());
  return 0;
}`;

/** The dgemm program above built against the system's OpenBLAS, in `dir`; or why it could not be built. */
function buildDgemm(dir: string): string | { skipped: string } {
  fs.writeFileSync(path.join(dir, 'dgemm.c'), DGEMM_C);
  try {
    execFileSync('gcc', ['-O2', '-o', path.join(dir, 'dgemm'), path.join(dir, 'dgemm.c'), '-lopenblas'], { stdio: 'pipe' });
  } catch (error) {
    return { skipped: `skipped: gcc or libopenblas-dev missing (${(error as Error).message.split('\n')[0]}); apt-get install -y gcc libopenblas-dev` };
  }
  return path.join(dir, 'dgemm');
}

/**
 * CPU seconds per d × d dgemm of OpenBLAS with one thread (best of 3 windows), and the kernel it chose. Run
 * in the peers' environment: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE set in ours would force a kernel (an older
 * core's) that a user's numpy would not pick.
 */
function openblasSeconds(dgemm: string, d: number): { seconds: number; kernel: string } {
  const [seconds, , kernel] = execFileSync(dgemm, [String(d)], { env: peerEnvironment(), encoding: 'utf8' }).trim().split(' ');
  return { seconds: Number(seconds), kernel };
}

/** CPU seconds per d × d product on the CPU backend (single-threaded), best of 3 windows of 0.3 s of CPU time, as the dgemm program times OpenBLAS. */
function cpuSecondsPerProduct(be: CpuBackend, d: number): number {
  const rng = createRng(d);
  const data = Float64Array.from({ length: d * d }, () => rng.normal());
  const a = be.tensor(d, d, data), b = be.tensor(d, d, data), c = be.tensor(d, d);
  be.matmul(a, b, c);
  let best = Infinity;
  for (let w = 0; w < 3; w++) {
    let calls = 0, used = 0;
    const start = process.cpuUsage();
    do {
      be.matmul(a, b, c);
      calls++;
      const { user, system } = process.cpuUsage(start);
      used = (user + system) / 1e6;
    } while (used < 0.3);
    best = Math.min(best, used / calls);
  }
  return best;
}

/** Alternated pairs (OpenBLAS, then the CPU backend) at d = OPENBLAS_SIZE, CPU time on both sides. */
const OPENBLAS_PAIRS = 3;

// PyTorch's float32 product on the GPU with TF32 off (plain FP32 FMA, as WGSL does), timed with CUDA
// events over the same kind of windows: the reference for the GPU target at d ≥ 1024.
const TORCH_PY = `
import sys, torch
if not torch.cuda.is_available(): sys.exit("CUDA is not available to PyTorch")
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
d = int(sys.argv[1])
a = torch.randn(d, d, device="cuda"); b = torch.randn(d, d, device="cuda"); c = a @ b
best = float("inf")
for w in range(3):
    calls, batch = 0, 1
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record(); elapsed = 0.0
    while elapsed < 1000:
        for i in range(batch): torch.matmul(a, b, out=c)
        end.record(); torch.cuda.synchronize(); elapsed = start.elapsed_time(end); calls += batch; batch *= 2
    best = min(best, elapsed / 1000 / calls)
print(best, torch.cuda.get_device_name(0))
`;

/** Seconds per d × d float32 product in PyTorch on this machine's CUDA GPU, or why it could not be measured. */
function torchSeconds(d: number): number | string {
  try {
    const out = execFileSync('python3', ['-c', TORCH_PY, String(d)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    return Number(out.split(' ')[0]);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').trim().split('\n').pop();
    return `skipped: ${stderr || (error as Error).message.split('\n')[0]}`;
  }
}

export async function benchCompute(): Promise<BenchFigure[]> {
  console.log(`  note: CPU kernel: ${gemmUsesFusedMultiplyAdd() ? 'fused multiply-add (WebAssembly relaxed SIMD)' : 'multiply then add (no relaxed SIMD in this engine)'}`);
  const figures: BenchFigure[] = [];
  const cpu = new CpuBackend();
  const cpuSeconds = new Map<number, number>();
  for (const d of SIZES) cpuSeconds.set(d, await secondsPerProduct(cpu, d, d >= LARGEST ? 0 : d >= 1024 ? 1500 : 300, d >= 1024 ? 1 : 3));
  for (const d of SIZES) figures.push({ name: `CPU float64 matmul, one core, d = ${d}`, value: gflops(d, cpuSeconds.get(d) ?? NaN), unit: 'GFLOP/s' });
  // Against OpenBLAS: CPU time on both sides (both single-threaded), in alternated pairs, the median ratio.
  // Wall time on this shared machine measured the load as much as the kernels: the two sides, timed
  // minutes apart, saw different loads (×0.26 by wall time where CPU time gave ×0.6).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-bench-blas-'));
  try {
    const dgemm = buildDgemm(dir);
    if (typeof dgemm !== 'string') console.log(`  note: OpenBLAS comparison ${dgemm.skipped}`);
    else {
      const pairs = Array.from({ length: OPENBLAS_PAIRS }, () => {
        const blas = openblasSeconds(dgemm, OPENBLAS_SIZE);
        return { blas, ours: cpuSecondsPerProduct(cpu, OPENBLAS_SIZE) };
      });
      const { kernel } = pairs[0].blas;
      console.log(`  note: OpenBLAS kernel ${kernel} (its own choice: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset)`);
      const ours = median(pairs.map((p) => p.ours)), blas = median(pairs.map((p) => p.blas.seconds));
      figures.push(
        { name: `CPU float64 matmul, d = ${OPENBLAS_SIZE}, CPU time`, value: gflops(OPENBLAS_SIZE, ours), unit: 'GFLOP/s', baseline: `OpenBLAS dgemm (${kernel}, 1 thread), median of ${OPENBLAS_PAIRS} alternated pairs`, ratio: median(pairs.map((p) => p.blas.seconds / p.ours)) },
        { name: `OpenBLAS dgemm (${kernel}), one thread, d = ${OPENBLAS_SIZE}, CPU time`, value: gflops(OPENBLAS_SIZE, blas), unit: 'GFLOP/s' },
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  let selection;
  try {
    selection = await selectBackend('gpu');
  } catch (error) {
    console.log(`  note: WebGPU matmul skipped: ${(error as Error).message}`);
    return figures;
  }
  const { backend: gpu, adapterName, software } = selection;
  console.log(`  note: WebGPU adapter: ${adapterName}${software ? ` (software)${NO_GPU_NOTE}` : ''}`);
  try {
    for (const d of SIZES) {
      if (d === LARGEST && software) {
        const at1024 = figures.find((f) => f.name.startsWith('WebGPU') && f.name.endsWith('d = 1024'))?.value ?? NaN;
        const eta = gflops(d, 1) / at1024;
        console.log(`  note: WebGPU d = ${d} skipped on a software adapter: ~${eta.toFixed(0)} s per product at the d = 1024 rate`);
        continue;
      }
      const seconds = await secondsPerProduct(gpu, d, d >= 1024 ? 1500 : 300, d >= 1024 ? 1 : 3);
      const figure: BenchFigure = { name: `WebGPU float32 matmul, d = ${d}`, value: gflops(d, seconds), unit: 'GFLOP/s' };
      const cpuAtD = cpuSeconds.get(d);
      if (cpuAtD) Object.assign(figure, { baseline: 'CPU float64 backend', ratio: cpuAtD / seconds });
      figures.push(figure);
      if (d >= 1024 && !software) {
        const torch = torchSeconds(d);
        if (typeof torch === 'string') console.log(`  note: PyTorch comparison at d = ${d} ${torch}`);
        else figures.push({ name: `WebGPU float32 matmul, d = ${d}, against PyTorch`, value: gflops(d, seconds), unit: 'GFLOP/s', baseline: `PyTorch float32 (TF32 off) ${gflops(d, torch).toFixed(0)} GFLOP/s, same GPU`, ratio: torch / seconds });
      }
    }
  } finally {
    gpu.dispose();
  }
  return figures;
}

// The families' training steps on both backends (issue 7): dln-train GD (L = 2, target task) at
// d ∈ {64, 256, 1024} and the paper-004 MNIST MLP at full size (depth 6, width 1000, batch 32), in
// steps per second, the GPU against the CPU backend measured in the same run. A timed window is
// closed by a device flush, so queued GPU work is counted.
const FAMILY_DLN_SIZES = [64, 256, 1024, 4096];
const PAPER_MLP = { depth: 6, width: 1000, batch: 32, inputs: 784, classes: 10 };

/** Best steps per second over `windows` windows of at least `minMs` and `minSteps` steps each. */
async function stepsPerSecond(be: ComputeBackend, step: () => void, minMs: number, minSteps: number, windows: number): Promise<number> {
  step();
  await be.flush();
  let best = 0;
  for (let w = 0; w < windows; w++) {
    let steps = 0;
    const start = performance.now();
    while (performance.now() - start < minMs || steps < minSteps) {
      step();
      steps++;
      if (steps % 8 === 0) await be.flush();
    }
    await be.flush();
    best = Math.max(best, steps / ((performance.now() - start) / 1000));
  }
  return best;
}

/** One GD step of ½‖W₂W₁ − T‖² at width d: W_eff, the residual and 2 gradient products, 2 updates. */
function dlnStepper(be: ComputeBackend, d: number): () => void {
  const rng = createRng(d);
  const gaussian = (scale: number): Matrix => ({ rows: d, cols: d, data: Float64Array.from({ length: d * d }, () => scale * rng.normal()) });
  const net = new DeviceNetwork(be, [gaussian(1 / Math.sqrt(d)), gaussian(1 / Math.sqrt(d))]);
  const objective = targetObjective(be, gaussian(1));
  const g = be.tensor(d, d), loss = be.tensor(1, 1);
  const plain = deviceOptimizer(be, net.layers, { kind: 'plain', learningRate: 1e-4 });
  return () => {
    objective.lossAndGradient(net.product(), g, loss);
    net.descend(g, plain);
  };
}

/** One SGD step of the paper-004 MLP (or one of another width) on a fixed random batch (the data does not
 * change the cost). */
function mlpStepper(be: ComputeBackend, shape = PAPER_MLP): () => void {
  const { depth, width, batch, inputs, classes } = shape;
  const rng = createRng(4);
  const sizes = [inputs, ...Array.from({ length: depth - 1 }, () => width), classes];
  const weights: Matrix[] = sizes.slice(1).map((n, l) => ({ rows: n, cols: sizes[l], data: Float64Array.from({ length: n * sizes[l] }, () => 1e-3 * rng.normal()) }));
  const mlp = new DeviceMlp(be, weights, batch);
  const x = Float64Array.from({ length: batch * inputs }, () => rng.normal());
  const y = new Float64Array(batch * classes);
  for (let b = 0; b < batch; b++) y[b * classes + (b % classes)] = 1;
  return () => mlp.step(x, y, { lrConstant: 10, lrPower: 4, maxRelativeStep: 0.05 });
}

interface FamilyCase {
  name: string;
  make: (be: ComputeBackend) => () => void;
  /** Window length and minimum steps on the CPU, and on a software GPU adapter (kept short; null: skipped). */
  cpu: [number, number];
  softwareGpu: [number, number] | null;
}

export async function benchComputeFamilies(): Promise<BenchFigure[]> {
  const cases: FamilyCase[] = [
    ...FAMILY_DLN_SIZES.map((d): FamilyCase => ({
      name: `dln-train GD step, L = 2, d = ${d}`,
      make: (be) => dlnStepper(be, d),
      cpu: d >= LARGEST ? [0, 1] : d >= 1024 ? [0, 2] : [500, 3],
      softwareGpu: d >= LARGEST ? null : d >= 1024 ? [0, 2] : [300, 3],
    })),
    { name: 'paper-004 MLP SGD step (depth 6, width 1000, batch 32)', make: (be) => mlpStepper(be), cpu: [1000, 3], softwareGpu: [0, 3] },
    // The same ~40 kernels per step on tiny matrices: the fixed cost of a step (encoding, submits).
    { name: 'MLP SGD step at width 16 (depth 6, batch 32, 16 inputs): per-step overhead', make: (be) => mlpStepper(be, { ...PAPER_MLP, width: 16, inputs: 16 }), cpu: [500, 3], softwareGpu: [500, 3] },
  ];
  const figures: BenchFigure[] = [];
  const cpuRate = new Map<string, number>();
  const cpu = new CpuBackend();
  for (const c of cases) {
    const rate = await stepsPerSecond(cpu, c.make(cpu), c.cpu[0], c.cpu[1], c.cpu[0] > 0 ? 3 : 1);
    cpuRate.set(c.name, rate);
    figures.push({ name: `CPU float64: ${c.name}`, value: rate, unit: 'steps/s' });
  }
  let selection;
  try {
    selection = await selectBackend('gpu');
  } catch (error) {
    console.log(`  note: GPU family steps skipped: ${(error as Error).message}`);
    return figures;
  }
  const { backend: gpu, adapterName, software } = selection;
  console.log(`  note: WebGPU adapter: ${adapterName}${software ? ` (software: short windows)${NO_GPU_NOTE}` : ''}`);
  try {
    for (const c of cases) {
      if (software && !c.softwareGpu) {
        console.log(`  note: WebGPU ${c.name} skipped on a software adapter`);
        continue;
      }
      const [minMs, minSteps] = software && c.softwareGpu ? c.softwareGpu : [1000, 20];
      const rate = await stepsPerSecond(gpu, c.make(gpu), minMs, minSteps, software && minMs === 0 ? 1 : 3);
      figures.push({ name: `WebGPU float32: ${c.name}`, value: rate, unit: 'steps/s', baseline: 'CPU float64 backend, same step', ratio: rate / (cpuRate.get(c.name) ?? NaN) });
    }
  } finally {
    gpu.dispose();
  }
  return figures;
}
