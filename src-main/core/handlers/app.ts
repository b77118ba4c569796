// The `app` namespace: what the host is, and its GPU (probed once per service: opening an adapter takes a while).
import type { GpuProbe } from '../../../workers/compute/select';
import { defaultPoolSize } from '../run-pool';
import type { HandlerContext, NamespaceHandlers } from './context';

export function appHandlers(ctx: HandlerContext): NamespaceHandlers<'app'> {
  let gpuProbe: Promise<GpuProbe> | null = null;
  return {
    info: () => ({ version: ctx.options.appVersion, host: ctx.options.host, platform: process.platform, poolSize: ctx.pipeline.poolSize ?? ctx.options.poolSize ?? defaultPoolSize() }),
    gpu: () => {
      // A probe that failed outright is not kept: the next call tries again.
      gpuProbe ??= ctx.pipeline.requireScheduler().probeGpu().catch((error: unknown) => {
        gpuProbe = null;
        throw error;
      });
      return gpuProbe;
    },
  };
}
