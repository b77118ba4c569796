// The `dialogs` namespace: native file dialogs, in the desktop app only.
import { ExpectedError } from '../errors';
import type { HandlerContext, NamespaceHandlers } from './context';

export function dialogsHandlers(ctx: HandlerContext): NamespaceHandlers<'dialogs'> {
  return {
    pickProjectPath: async ({ mode }) => {
      if (!ctx.options.dialogs) throw new ExpectedError('file dialogs are only available in the desktop app: type a path instead');
      return { path: await ctx.options.dialogs.pickProjectPath(mode) };
    },
  };
}
