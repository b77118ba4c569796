// One relu-escape run: escape directions at the origin, the flow from a small random start, or
// small-initialization MNIST training
// (synchronous unless it selected a GPU).
import type { RunContext, RunSummary } from '../../family';
import type { ReluEscapeParams } from './params';
import { runEscape } from './run-escape';
import { runInitFlow } from './run-init-flow';
import { runMnist } from './run-mnist';

export function runReluEscape(p: ReluEscapeParams, ctx: RunContext): RunSummary | Promise<RunSummary> {
  if (p.experiment === 'mnist') return runMnist(p, ctx);
  return p.experiment === 'init-flow' ? runInitFlow(p, ctx) : runEscape(p, ctx);
}
