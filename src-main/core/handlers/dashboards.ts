// The `dashboards` namespace: saved views of the open project.
import type { HandlerContext, NamespaceHandlers } from './context';

export function dashboardsHandlers(ctx: HandlerContext): NamespaceHandlers<'dashboards'> {
  return {
    list: ({ experimentId }) => ctx.requireStore().listDashboards(experimentId ?? undefined),
    save: (input) => ctx.requireStore().saveDashboard(input),
    delete: ({ id }) => {
      ctx.requireStore().deleteDashboard(id);
      return { ok: true as const };
    },
  };
}
