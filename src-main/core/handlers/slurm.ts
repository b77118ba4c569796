// The `slurm` namespace: the ClusterService, whose submissions are planned and recorded by the RunPipeline.
import type { HandlerContext, NamespaceHandlers } from './context';

export function slurmHandlers(ctx: HandlerContext): NamespaceHandlers<'slurm'> {
  return {
    status: () => ctx.cluster.status(),
    submit: ({ experimentId, options, again }) => ctx.cluster.submit(experimentId, options, again),
    collect: () => ctx.cluster.collect(),
    cancel: ({ jobId }) => ctx.cluster.cancel(jobId),
    jobs: ({ experimentId }) => ctx.cluster.jobs(experimentId),
  };
}
