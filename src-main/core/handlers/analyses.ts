// The `analyses` namespace: stored analyses, and computing them again through the RunPipeline (which checks what a family returns).
import type { HandlerContext, NamespaceHandlers } from './context';

export function analysesHandlers(ctx: HandlerContext): NamespaceHandlers<'analyses'> {
  return {
    list: ({ experimentId }) => ctx.requireStore().listAnalyses(experimentId),
    compute: ({ experimentId }) => ctx.pipeline.analyze(experimentId),
  };
}
