// The `projects` namespace: the open project (one per service) and the recent list.
import { resolve } from 'node:path';
import { copyProjectArtifacts, removeArtifacts, requireNoLeftoverRunFolders } from '../artifacts';
import { ProjectStore } from '../store/project-store';
import { ExpectedError } from '../errors';
import type { HandlerContext, NamespaceHandlers } from './context';

export function projectsHandlers(ctx: HandlerContext): NamespaceHandlers<'projects'> {
  return {
    new: async ({ path }) => {
      requireNoLeftoverRunFolders(resolve(path));
      const store = ProjectStore.create(path, ctx.options.appVersion);
      await ctx.setProject(store);
      return store.info();
    },
    open: async ({ path, readOnly }) => {
      // Opening the project this service holds reopens it: its lock is ours, so it is let go first.
      const reopening = ctx.store()?.path === resolve(path);
      if (reopening) await ctx.releaseProject();
      let store: ProjectStore;
      try {
        store = ProjectStore.open(path, ctx.options.appVersion, { readOnly });
      } catch (error) {
        // The project let go cannot be opened again: the windows are told it is closed.
        if (reopening) await ctx.setProject(null);
        throw error;
      }
      await ctx.setProject(store);
      return store.info();
    },
    saveAs: async ({ path, overwrite }) => {
      const current = ctx.requireStore();
      if (ctx.pipeline.hasActiveRuns()) throw new ExpectedError('wait for the running experiments to finish (or cancel them) before "Save as"');
      const madeFolders: string[] = [];
      let copy: ProjectStore;
      try {
        copy = current.saveAs(path, {
          overwrite,
          alongside: (target) => {
            const artifacts = copyProjectArtifacts(current.path, target);
            if (artifacts) madeFolders.push(artifacts);
          },
        });
      } catch (error) {
        removeArtifacts(madeFolders);
        throw error;
      }
      await ctx.setProject(copy);
      return copy.info();
    },
    close: async () => {
      await ctx.setProject(null);
      return { ok: true as const };
    },
    current: () => ctx.store()?.info() ?? null,
    recent: () => ctx.recent.list(),
  };
}
