// A RunContext for calling family.run in-process: collects chunks and progress.
import type { DeviceUsed, MetricChunk, RunContext } from '../../workers/family';
import { createRng } from '../../workers/numeric/rng';

export interface RecordingContext extends RunContext {
  chunks: MetricChunk[];
  progressValues: number[];
  devices: DeviceUsed[];
  /** Every chunk of a metric, concatenated. */
  series(metric: string): { x: number[]; y: number[] };
}

export function fakeRunContext(signal: AbortSignal = new AbortController().signal): RecordingContext {
  const chunks: MetricChunk[] = [];
  const progressValues: number[] = [];
  return {
    seed: 0,
    rng: createRng(0),
    devices: [],
    reportDevice(used) {
      this.devices.push(used);
    },
    signal,
    chunks,
    progressValues,
    emit: (chunk) => chunks.push(chunk),
    progress: (fraction) => progressValues.push(fraction),
    series(metric) {
      const mine = chunks.filter((c) => c.metric === metric);
      return { x: mine.flatMap((c) => Array.from(c.x)), y: mine.flatMap((c) => Array.from(c.y)) };
    },
  };
}
