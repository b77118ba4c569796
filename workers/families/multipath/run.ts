// One multipath run: the chosen model, then the theory's predictions merged into the summary.
import type { SelectOptions } from '../../compute/index';
import type { RunContext, RunSummary } from '../../family';
import { runMatrixModel } from './run-matrix';
import type { MultipathParams } from './params';
import { predictionSummary } from './predictions';
import { runReducedFlow, runReducedGd } from './run-reduced';

/** `options` lets tests substitute the WebGPU provider; the family passes none. */
export async function runMultipath(p: MultipathParams, ctx: RunContext, options: SelectOptions = {}): Promise<RunSummary> {
  ctx.progress(0);
  let observed: RunSummary;
  if (p.model === 'reduced') observed = p.dynamics === 'flow' ? runReducedFlow(p, ctx) : runReducedGd(p, ctx);
  else observed = await runMatrixModel(p, ctx, options);
  if (ctx.signal.aborted) return {};
  return { ...observed, ...predictionSummary(p) };
}
