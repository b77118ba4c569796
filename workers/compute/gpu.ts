/// <reference types="@webgpu/types" />
// The float32 WebGPU backend. Tensors are storage buffers that stay on the device; ops are encoded as
// dispatches into one open compute pass of a shared command encoder (WebGPU makes each dispatch's
// writes visible to the next), submitted in batches, so a training step costs no round trip and few
// calls into Dawn. Only `read`, `flush` and `ScalarLog.flush` wait for the device.
import { checkData, checkDims, checkNoAlias, checkSameShape, checkSameSize, checkShape, productDims, type ProductKind } from './checks';
import type { ComputeBackend, ScalarLog, Tensor } from './types';
import { ARGMAX_HITS, ELEMENTWISE, GRID_X, GROUP, REDUCE, SOFTMAX_CE_ROWS, TILE, elementwiseSource, matmulSource, type ElementwiseName } from './wgsl';

// Buffer usage and map-mode flags; their values are fixed by the WebGPU specification.
const MAP_READ = 0x01;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const MAP_MODE_READ = 0x01;

/** Dispatches encoded before a submit: enough to amortise the submit, few enough to keep the GPU fed. */
const SUBMIT_EVERY = 64;
/** Bind groups cached by (kernel, buffers, parameters); a run that keeps changing a coefficient refills it. */
const MAX_BIND_GROUPS = 4096;
/** Threads per row of the 2-D dispatch grid, so one index covers more than 65535 workgroups. */
const GRID_ROW = GRID_X * GROUP;

class GpuTensor implements Tensor {
  readonly size: number;
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly buffer: GPUBuffer,
    readonly id: number,
  ) {
    this.size = rows * cols;
  }
}

interface Uniforms {
  dims: readonly number[];
  coef?: readonly number[];
}

export class GpuBackend implements ComputeBackend {
  readonly device = 'gpu';
  readonly precision = 'float32';
  readonly label = 'webgpu-float32';

  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private encoder: GPUCommandEncoder | null = null;
  /** The open compute pass and the pipeline last set in it (set again only when it changes). */
  private pass: GPUComputePassEncoder | null = null;
  private passPipeline: GPUComputePipeline | null = null;
  private encodedDispatches = 0;
  private nextId = 0;
  private failure: Error | null = null;
  private disposed = false;
  private readonly partial: GpuTensor;
  private rowScratch: GpuTensor;

  /**
   * `instance` is the GPU object the device came from: Dawn tears the device down when that object
   * is garbage-collected, so the backend holds it until dispose.
   */
  constructor(
    private readonly gpu: GPUDevice,
    readonly adapterName: string,
    private instance: GPU | null,
  ) {
    gpu.onuncapturederror = (event) => {
      this.failure ??= new Error(`WebGPU error: ${event.error.message}`);
    };
    void gpu.lost.then((info) => {
      if (!this.disposed) this.failure ??= new Error(`WebGPU device lost: ${info.message}`);
    });
    this.partial = this.create(GROUP, 1);
    this.rowScratch = this.create(1, 1);
  }

  tensor(rows: number, cols: number, data?: ArrayLike<number>): Tensor {
    checkDims(rows, cols);
    if (data) checkData('tensor', { rows, cols, size: rows * cols }, data);
    return this.create(rows, cols, data);
  }

  private create(rows: number, cols: number, data?: ArrayLike<number>): GpuTensor {
    const bytes = rows * cols * 4;
    if (bytes > this.gpu.limits.maxStorageBufferBindingSize) {
      throw new Error(`tensor: ${rows}×${cols} float32 needs ${bytes} bytes, over this adapter's limit of ${this.gpu.limits.maxStorageBufferBindingSize}`);
    }
    const buffer = this.gpu.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC | COPY_DST, mappedAtCreation: data !== undefined });
    if (data) {
      new Float32Array(buffer.getMappedRange()).set(data);
      buffer.unmap();
    }
    return new GpuTensor(rows, cols, buffer, this.nextId++);
  }

  private own(t: Tensor): GpuTensor {
    if (!(t instanceof GpuTensor)) throw new Error('gpu backend: tensor belongs to another backend');
    if (this.disposed) throw new Error('gpu backend: used after dispose');
    return t;
  }

  write(t: Tensor, data: ArrayLike<number>): void {
    checkData('write', t, data);
    // queue.writeBuffer runs before any later submit, so earlier ops must be submitted first.
    this.submit();
    this.gpu.queue.writeBuffer(this.own(t).buffer, 0, Float32Array.from(data));
  }

  async read(t: Tensor): Promise<Float64Array> {
    return this.readBuffer(this.own(t).buffer, t.size);
  }

  private async readBuffer(buffer: GPUBuffer, count: number): Promise<Float64Array> {
    const staging = this.gpu.createBuffer({ size: Math.max(4, count * 4), usage: MAP_READ | COPY_DST });
    if (count > 0) this.commands().copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
    this.submit();
    try {
      await staging.mapAsync(MAP_MODE_READ);
      return Float64Array.from(new Float32Array(staging.getMappedRange(), 0, count));
    } finally {
      staging.destroy();
      this.throwIfFailed();
    }
  }

  scalarLog(capacity: number): ScalarLog {
    const log = this.create(capacity, 1);
    let length = 0;
    return {
      capacity,
      get length() {
        return length;
      },
      push: (t) => {
        const src = this.own(t);
        if (length + src.size > capacity) throw new Error(`scalarLog: capacity ${capacity} exceeded; flush more often`);
        this.commands().copyBufferToBuffer(src.buffer, 0, log.buffer, length * 4, src.size * 4);
        length += src.size;
      },
      flush: async () => {
        const count = length;
        length = 0;
        return this.readBuffer(log.buffer, count);
      },
    };
  }

  copy(src: Tensor, dst: Tensor): void {
    checkSameShape('copy', src, dst);
    checkNoAlias('copy', dst, src);
    this.commands().copyBufferToBuffer(this.own(src).buffer, 0, this.own(dst).buffer, 0, src.size * 4);
  }

  reshapeCopy(src: Tensor, dst: Tensor): void {
    checkSameSize('reshapeCopy', src, dst);
    checkNoAlias('reshapeCopy', dst, src);
    this.commands().copyBufferToBuffer(this.own(src).buffer, 0, this.own(dst).buffer, 0, src.size * 4);
  }

  matmul(a: Tensor, b: Tensor, out: Tensor): void {
    this.product('NN', a, b, out);
  }

  matmulTN(a: Tensor, b: Tensor, out: Tensor): void {
    this.product('TN', a, b, out);
  }

  matmulNT(a: Tensor, b: Tensor, out: Tensor): void {
    this.product('NT', a, b, out);
  }

  private product(kind: ProductKind, a: Tensor, b: Tensor, out: Tensor): void {
    const [m, k, n] = productDims(kind, a, b, out);
    const groups: [number, number] = [Math.ceil(n / TILE), Math.ceil(m / TILE)];
    this.dispatch(`matmul${kind}`, () => matmulSource(kind), [a, b, out], { dims: [m, k, n] }, groups);
  }

  axpby(alpha: number, x: Tensor, beta: number, y: Tensor, out: Tensor): void {
    checkSameShape('axpby', x, y, out);
    checkNoAlias('axpby', out, x, y);
    this.elementwise('axpby', [x, y], out, [alpha, beta]);
  }

  axpy(alpha: number, x: Tensor, y: Tensor): void {
    checkSameShape('axpy', x, y);
    checkNoAlias('axpy', y, x);
    this.elementwise('axpy', [x], y, [alpha]);
  }

  scale(alpha: number, x: Tensor): void {
    this.elementwise('scale', [], x, [alpha]);
  }

  sgdStep(w: Tensor, grad: Tensor, lr: number, weightDecay = 0): void {
    checkSameShape('sgdStep', w, grad);
    checkNoAlias('sgdStep', w, grad);
    this.elementwise('sgd', [grad], w, [lr, weightDecay]);
  }

  sgdStepBy(w: Tensor, grad: Tensor, lr: Tensor): void {
    checkSameShape('sgdStepBy', w, grad);
    checkShape('sgdStepBy', 'lr', lr, 1, 1);
    checkNoAlias('sgdStepBy', w, grad, lr);
    this.elementwise('sgdBy', [grad, lr], w);
  }

  normAdaptiveRate(paramSq: Tensor, gradSq: Tensor, out: Tensor, c: number, k: number, rho: number): void {
    for (const [name, t] of [['paramSq', paramSq], ['gradSq', gradSq], ['out', out]] as const) checkShape('normAdaptiveRate', name, t, 1, 1);
    checkNoAlias('normAdaptiveRate', out, paramSq, gradSq);
    this.elementwise('normRate', [paramSq, gradSq], out, [c, k, rho]);
  }

  adamStep(w: Tensor, m: Tensor, v: Tensor, corrections: Tensor, lr: number, epsilon: number): void {
    checkSameShape('adamStep', w, m, v);
    checkShape('adamStep', 'corrections', corrections, 1, 2);
    checkNoAlias('adamStep', w, m, v, corrections);
    this.elementwise('adam', [m, v, corrections], w, [lr, epsilon]);
  }

  mul(a: Tensor, b: Tensor, out: Tensor): void {
    checkSameShape('mul', a, b, out);
    checkNoAlias('mul', out, a, b);
    this.elementwise('mul', [a, b], out);
  }

  addRowVector(x: Tensor, bias: Tensor): void {
    checkShape('addRowVector', 'bias', bias, 1, x.cols);
    checkNoAlias('addRowVector', x, bias);
    this.elementwise('addRow', [bias], x);
  }

  relu(x: Tensor, out: Tensor): void {
    checkSameShape('relu', x, out);
    checkNoAlias('relu', out, x);
    this.elementwise('relu', [x], out);
  }

  reluBackward(x: Tensor, gradOut: Tensor, gradIn: Tensor): void {
    checkSameShape('reluBackward', x, gradOut, gradIn);
    checkNoAlias('reluBackward', gradIn, x, gradOut);
    this.elementwise('reluBackward', [x, gradOut], gradIn);
  }

  tanh(x: Tensor, out: Tensor): void {
    checkSameShape('tanh', x, out);
    checkNoAlias('tanh', out, x);
    this.elementwise('tanh', [x], out);
  }

  tanhBackward(y: Tensor, gradOut: Tensor, gradIn: Tensor): void {
    checkSameShape('tanhBackward', y, gradOut, gradIn);
    checkNoAlias('tanhBackward', gradIn, y, gradOut);
    this.elementwise('tanhBackward', [y, gradOut], gradIn);
  }

  sum(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('sum', 'out', out, 1, 1);
    this.reduce('sum', [x], [], x.size, out, scale);
  }

  sumSquares(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('sumSquares', 'out', out, 1, 1);
    this.reduce('sumSquares', [x], [], x.size, out, scale);
  }

  colSums(x: Tensor, out: Tensor, scale = 1): void {
    checkShape('colSums', 'out', out, 1, x.cols);
    checkNoAlias('colSums', out, x);
    this.dispatch('colSums', () => REDUCE.colSums, [x, out], { dims: [x.rows, x.cols], coef: [scale] }, [x.cols, 1]);
  }

  squaredResidual(pred: Tensor, target: Tensor, diff: Tensor, loss: Tensor): void {
    checkSameShape('squaredResidual', pred, target, diff);
    checkShape('squaredResidual', 'loss', loss, 1, 1);
    checkNoAlias('squaredResidual', diff, pred, target);
    this.reduce('residual', [pred, target], [diff], pred.size, loss, 1);
  }

  softmaxCrossEntropy(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor): void {
    checkSameShape('softmaxCrossEntropy', logits, targets, grad);
    checkShape('softmaxCrossEntropy', 'loss', loss, 1, 1);
    checkNoAlias('softmaxCrossEntropy', grad, logits, targets);
    const n = logits.rows;
    const rowLoss = this.scratchRows(n);
    const uniforms = { dims: [n, logits.cols, GRID_ROW], coef: [1 / n] };
    this.dispatch('softmaxCE', () => SOFTMAX_CE_ROWS, [logits, targets, grad, rowLoss], uniforms, grid(n));
    this.reduce('sum', [rowLoss], [], n, loss, 1 / n);
  }

  accuracy(logits: Tensor, targets: Tensor, out: Tensor): void {
    checkSameShape('accuracy', logits, targets);
    checkShape('accuracy', 'out', out, 1, 1);
    const n = logits.rows;
    const hits = this.scratchRows(n);
    this.dispatch('argmaxHits', () => ARGMAX_HITS, [logits, targets, hits], { dims: [n, logits.cols, GRID_ROW] }, grid(n));
    this.reduce('sum', [hits], [], n, out, 1 / n);
  }

  async flush(): Promise<void> {
    this.submit();
    await this.gpu.queue.onSubmittedWorkDone();
    this.throwIfFailed();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pass = null;
    this.encoder = null;
    this.bindGroups.clear();
    this.gpu.destroy();
    this.instance = null;
  }

  /** A per-row scratch vector of at least n entries; passes already encoded keep the one they bound. */
  private scratchRows(n: number): GpuTensor {
    if (this.rowScratch.size < n) this.rowScratch = this.create(n, 1);
    return this.rowScratch;
  }

  private elementwise(name: ElementwiseName, inputs: Tensor[], output: Tensor, coef: number[] = []): void {
    const uniforms = { dims: [output.size, output.cols, GRID_ROW], coef };
    this.dispatch(name, () => elementwiseSource(ELEMENTWISE[name]), [...inputs, output], uniforms, grid(output.size));
  }

  /** out = scale · Σ_i f(i) over n entries: per-workgroup partial sums, then one workgroup adds them. */
  private reduce(name: 'sum' | 'sumSquares' | 'residual', inputs: Tensor[], extra: Tensor[], n: number, out: Tensor, scale: number): void {
    const groups = Math.min(GROUP, Math.ceil(n / GROUP));
    this.dispatch(name, () => REDUCE[name], [...inputs, this.partial, ...extra], { dims: [n] }, [groups, 1]);
    this.dispatch('final', () => REDUCE.final, [this.partial, out], { dims: [groups], coef: [scale] }, [1, 1]);
  }

  private dispatch(kernel: string, source: () => string, tensors: Tensor[], uniforms: Uniforms, groups: [number, number]): void {
    const buffers = tensors.map((t) => this.own(t));
    const pipeline = this.pipeline(kernel, source);
    const key = `${kernel}|${buffers.map((b) => b.id).join(',')}|${uniforms.dims.join(',')}|${uniforms.coef?.join(',') ?? ''}`;
    let bindGroup = this.bindGroups.get(key);
    if (!bindGroup) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      bindGroup = this.gpu.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: this.uniformBuffer(uniforms) } },
          ...buffers.map((t, i) => ({ binding: i + 1, resource: { buffer: t.buffer } })),
        ],
      });
      this.bindGroups.set(key, bindGroup);
    }
    const pass = this.computePass();
    if (this.passPipeline !== pipeline) {
      pass.setPipeline(pipeline);
      this.passPipeline = pipeline;
    }
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1]);
    if (++this.encodedDispatches >= SUBMIT_EVERY) this.submit();
  }

  private uniformBuffer({ dims, coef = [] }: Uniforms): GPUBuffer {
    const buffer = this.gpu.createBuffer({ size: 32, usage: UNIFORM, mappedAtCreation: true });
    const range = buffer.getMappedRange();
    new Uint32Array(range, 0, 4).set(dims);
    new Float32Array(range, 16, 4).set(coef);
    buffer.unmap();
    return buffer;
  }

  private pipeline(kernel: string, source: () => string): GPUComputePipeline {
    let pipeline = this.pipelines.get(kernel);
    if (!pipeline) {
      const module = this.gpu.createShaderModule({ code: source() });
      pipeline = this.gpu.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(kernel, pipeline);
    }
    return pipeline;
  }

  /** The encoder, for copies: a copy cannot be encoded while a compute pass is open. */
  private commands(): GPUCommandEncoder {
    if (this.disposed) throw new Error('gpu backend: used after dispose');
    this.endPass();
    this.encoder ??= this.gpu.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.commands().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
    this.passPipeline = null;
  }

  private submit(): void {
    if (!this.encoder) return;
    this.endPass();
    this.gpu.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.encodedDispatches = 0;
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}

/** Workgroups covering n threads: a row of up to GRID_X, then more rows. */
function grid(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / GROUP));
  return groups <= GRID_X ? [groups, 1] : [GRID_X, Math.ceil(groups / GRID_X)];
}
