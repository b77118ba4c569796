// The `families` namespace: the service's family registry (held by its RunPipeline), checks against a project's stored copies, trust.
import { familyCatalog } from '../family-catalog';
import { checkProjectFamilies, restoreFamily, storedFamilyEntries } from '../family-provenance';
import { loggedFamilyId, loggedFamilyInfo } from '../run-logs';
import type { HandlerContext, NamespaceHandlers } from './context';

export function familiesHandlers(ctx: HandlerContext): NamespaceHandlers<'families'> {
  return {
    list: async () => {
      const [families, store] = [ctx.pipeline.families, ctx.store()];
      const catalog = familyCatalog([...families.list(), ...(store ? await storedFamilyEntries(store, families) : [])]);
      const logged = store?.listFamilyMetrics(loggedFamilyId) ?? [];
      return logged.length > 0 ? [...catalog, loggedFamilyInfo(logged)] : catalog;
    },
    problems: () => [...ctx.pipeline.families.errors()],
    check: () => checkProjectFamilies(ctx.requireStore(), ctx.pipeline.families),
    restore: async ({ familyId }) => {
      const store = ctx.requireStore();
      const location = restoreFamily(store, familyId);
      // Only what was restored is trusted: the project's other families stay as they were.
      await ctx.pipeline.trustRestored(location, store.path);
      return { location };
    },
    reload: async () => {
      await ctx.pipeline.loadFamilies(ctx.store()?.path ?? null);
      return { ok: true as const };
    },
    trustProject: async () => {
      await ctx.pipeline.trustProject(ctx.requireStore().path);
      return { ok: true as const };
    },
  };
}
