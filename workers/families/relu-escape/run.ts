// One relu-escape run: escape directions at the origin, or small-initialization MNIST training
// (synchronous unless it selected a GPU).
import type { RunContext, RunSummary } from '../../family';
import type { ReluEscapeParams } from './params';
import { runEscape } from './run-escape';
import { runMnist } from './run-mnist';

export function runReluEscape(p: ReluEscapeParams, ctx: RunContext): RunSummary | Promise<RunSummary> {
  return p.experiment === 'mnist' ? runMnist(p, ctx) : runEscape(p, ctx);
}
