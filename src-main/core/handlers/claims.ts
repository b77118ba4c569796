// The `claims` namespace: the papers' claims judged from the open project's stored analyses, reproduced through the RunPipeline.
import { join } from 'node:path';
import type { ClaimsOverview } from '../../contract';
import { judgeClaims, loadClaimCatalog } from '../claims';
import { claimNumbers, claimsReport } from '../claims-report';
import { ExpectedError } from '../errors';
import { loadExamples } from '../examples';
import type { HandlerContext, NamespaceHandlers } from './context';

export function claimsHandlers(ctx: HandlerContext): NamespaceHandlers<'claims'> {
  return {
    list: () => claimsOverview(ctx),
    reproduce: ({ claimId, variant }) => reproduceClaim(ctx, claimId, variant),
    report: ({ format }) => {
      const { papers, claims } = claimsOverview(ctx);
      const store = ctx.store();
      const source = store ? `the stored analyses of ${store.path}` : 'no project: none open, nothing run';
      return claimsReport(papers, claims, { format, appVersion: ctx.options.appVersion, date: new Date(), source });
    },
  };
}

/** The claims catalog, read afresh (examples/claims/), judged from every experiment's stored analyses. */
function claimsOverview(ctx: HandlerContext): ClaimsOverview {
  const catalog = loadClaimCatalog(join(ctx.options.examplesDir, 'claims'));
  const store = ctx.store();
  const experiments = store
    ? store.listExperiments().map((e) => ({ experimentId: e.id, experimentName: e.name, records: store.listAnalyses(e.id) }))
    : [];
  const claims = judgeClaims(catalog, experiments).map((status) => ({ ...status, numbers: claimNumbers(status) }));
  return { papers: catalog.map(({ claims: _claims, ...paper }) => paper), claims };
}

/** An experiment from each example the claim names, named after the claim, with its runs started. */
function reproduceClaim(ctx: HandlerContext, claimId: string, variant: 'quick' | 'full'): { experimentIds: number[] } {
  const store = ctx.requireStore();
  const status = claimsOverview(ctx).claims.find((c) => c.claim.id === claimId);
  if (!status) throw new ExpectedError(`no claim ${claimId} in the catalog`, [{ path: 'claimId', message: 'unknown claim' }]);
  if (status.claim.notHere !== null) throw new ExpectedError(`claim ${claimId} is not reproducible here: ${status.claim.notHere}`, [{ path: 'claimId', message: 'not reproducible here' }]);
  const examples = loadExamples(ctx.options.examplesDir);
  const specs = status.claim.examples.map((name) => {
    const example = examples.find((e) => e.file === `${name}.json`);
    if (!example) throw new ExpectedError(`claim ${claimId} names example ${name}, which is not among the examples (examples/${name}.json)`);
    // An example without a quick variant is small already (examples over a minute must have one).
    const spec = variant === 'quick' ? (example.quick ?? example.spec) : example.spec;
    return ctx.pipeline.requireValid({ ...spec, name: `${claimId} · ${spec.name}` });
  });
  const experimentIds = specs.map((spec) => store.insertExperiment(spec).id);
  ctx.emit('experiments.changed', {});
  for (const experimentId of experimentIds) ctx.pipeline.startExperiment(experimentId);
  return { experimentIds };
}
