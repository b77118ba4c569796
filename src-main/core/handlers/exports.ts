// The `exports` namespace: CSV of stored series, files saved through a dialog with their sidecars, figure presets.
import { ExpectedError } from '../errors';
import { seriesToCsv } from '../csv-export';
import { writeSidecars } from '../sidecars';
import type { HandlerContext, NamespaceHandlers } from './context';

export function exportsHandlers(ctx: HandlerContext): NamespaceHandlers<'exports'> {
  return {
    csv: ({ runIds, metrics, maxPoints }) => {
      const store = ctx.requireStore();
      const runs = runIds.map((id) => store.getRun(id));
      return seriesToCsv(runs, (runId) => store.readSeries(runId, metrics), maxPoints, store.info().name);
    },
    saveFile: async ({ suggestedName, data, encoding, sidecars }) => {
      if (!ctx.options.dialogs) throw new ExpectedError('saving through a dialog is only available in the desktop app');
      const saved = await ctx.options.dialogs.saveFile(suggestedName, Buffer.from(data, encoding));
      if (saved !== null) await writeSidecars(saved, sidecars);
      return { path: saved };
    },
    listPresets: () => ctx.requireStore().listFigurePresets(),
    savePreset: (input) => ctx.requireStore().saveFigurePreset(input),
    deletePreset: ({ id }) => {
      ctx.requireStore().deleteFigurePreset(id);
      return { ok: true as const };
    },
  };
}
