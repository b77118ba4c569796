// The `runs` namespace: starting (through the RunPipeline), cancelling, reading, importing and deleting runs.
import { readFileSync, statSync } from 'node:fs';
import { downsampleForPanel, type PanelReduction, type XY } from '../../../workers/numeric/downsample';
import type { ProjectStore } from '../store/project-store';
import { ExpectedError } from '../errors';
import { runSourceOf } from '../family-provenance';
import { importRuns } from '../run-import';
import { containedArtifact, listArtifacts, removeArtifacts, runArtifactsDir } from '../artifacts';
import type { HandlerContext, NamespaceHandlers } from './context';

export function runsHandlers(ctx: HandlerContext): NamespaceHandlers<'runs'> {
  return {
    start: ({ experimentId }) => ctx.pipeline.startExperiment(experimentId),
    startPoints: ({ experimentId, points }) => ctx.pipeline.startPoints(experimentId, points),
    cancel: ({ runIds, experimentId }) => ({ cancelled: ctx.pipeline.cancel(runIds, experimentId) }),
    list: ({ experimentId }) => ctx.requireStore().listRuns(experimentId),
    series: ({ runIds, metrics, maxPoints, logX, alsoLogX }) => readSeries(ctx, runIds, metrics, maxPoints, logX, alsoLogX),
    theory: ({ runIds }) => {
      const store = ctx.requireStore();
      return runIds.map((runId) => ({ runId, theory: store.getTheory(runId) }));
    },
    update: ({ id, tags, notes }) => ctx.requireStore().updateRunMeta(id, { tags, notes }),
    source: ({ runId }) => runSourceOf(ctx.requireStore(), ctx.pipeline.families, runId),
    artifacts: ({ runId }) => {
      const store = ctx.requireStore();
      store.getRun(runId);
      const [dir] = artifactFolders(store, [runId]);
      return { runId, dir, files: listArtifacts(dir) };
    },
    artifactFile: ({ runId, path }) => ({ file: artifactFileOf(ctx.requireStore(), runId, path) }),
    openArtifact: async ({ runId, path, reveal }) => {
      if (!ctx.options.dialogs) throw new ExpectedError("opening a run's file is only available in the desktop app: the serve host links to it instead");
      await ctx.options.dialogs.showFile(artifactFileOf(ctx.requireStore(), runId, path), reveal);
      return { ok: true as const };
    },
    artifactData: ({ runId, path }) => {
      const file = artifactFileOf(ctx.requireStore(), runId, path);
      const bytes = statSync(file).size;
      if (bytes > mostArtifactDataBytes) throw new ExpectedError(`path: ${path} has ${bytes} bytes; artifactData reads at most ${mostArtifactDataBytes} (open the file instead)`, [{ path: 'path', message: 'file too large' }]);
      return { base64: readFileSync(file).toString('base64') };
    },
    media: ({ runId }) => {
      const store = ctx.requireStore();
      store.getRun(runId);
      return store.media.ofRun(runId);
    },
    origins: ({ runIds }) => [...ctx.requireStore().origins.ofRuns(runIds).values()].map(({ runId, kind, source, name, importedAtMs }) => ({ runId, kind, source, name, importedAtMs })),
    import: ({ path, kind, experimentName }) => {
      const store = ctx.requireStore();
      const { report, ...result } = importRuns(ctx.ingestContext(store), path, kind, experimentName);
      ctx.applyIngest(report);
      return result;
    },
    delete: ({ runIds }) => {
      if (runIds.some((id) => ctx.pipeline.isActive(id))) throw new ExpectedError('some of these runs are in progress: cancel them first');
      if (runIds.some((id) => ctx.requireStore().getRun(id).status === 'submitted')) throw new ExpectedError('some of these runs are on Slurm: cancel the job and collect first');
      const store = ctx.requireStore();
      const folders = artifactFolders(store, runIds);
      store.deleteRuns(runIds);
      removeArtifacts(folders);
      return { ok: true as const };
    },
  };
}

/** An image shown in the desktop app comes whole through the API: bigger files are opened instead. */
const mostArtifactDataBytes = 16 * 1024 * 1024;

/** The runs' kept folders (core/artifacts.ts), in the order given. */
export function artifactFolders(store: ProjectStore, runIds: readonly number[]): string[] {
  const origins = store.origins.ofRuns(runIds);
  return runIds.map((runId) => runArtifactsDir(store.path, runId, origins.get(runId)));
}

function artifactFileOf(store: ProjectStore, runId: number, path: string): string {
  store.getRun(runId);
  const [dir] = artifactFolders(store, [runId]);
  return containedArtifact(dir, path);
}

/** Below this many stored points a thread hop costs more than the downsampling itself. */
const inlineDownsamplePoints = 200_000;

/**
 * Stored series reduced for display: small reads inline, large ones in the pool's view thread.
 * With `alsoLogX`, series longer than `maxPoints` are reduced for a log x axis too.
 */
async function readSeries(ctx: HandlerContext, runIds: number[], metrics: string[] | undefined, maxPoints: number, logX: boolean, alsoLogX: boolean) {
  const store = ctx.requireStore();
  ctx.pipeline.flushWrites();
  const read: { runId: number; metric: string; totalPoints: number }[] = [];
  const reductions: Promise<PanelReduction>[] = [];
  let batch: XY[] = [];
  let batchPoints = 0;
  try {
    // A batch goes to the view thread once it is past the inline limit, so that thread reduces
    // while the next runs are read; the arrays are transferred, not copied.
    for (const runId of runIds) {
      for (const series of store.readSeries(runId, metrics)) {
        read.push({ runId, metric: series.metric, totalPoints: series.x.length });
        batch.push({ x: series.x, y: series.y });
        batchPoints += series.x.length;
        if (batchPoints > inlineDownsamplePoints) {
          reductions.push(reduceInViewThread(ctx, batch, maxPoints, logX, alsoLogX));
          batch = [];
          batchPoints = 0;
        }
      }
    }
  } catch (error) {
    // Tasks already sent still settle; nobody waits on them.
    void Promise.allSettled(reductions);
    throw error;
  }
  if (batch.length > 0) reductions.push(Promise.resolve(downsampleForPanel(batch, maxPoints, logX, alsoLogX)));
  const results = await Promise.all(reductions);
  const reduced = results.flatMap((result) => result.reduced);
  const logReduced = results.flatMap((result) => result.logReduced);
  let nextLog = 0;
  const replies = read.map((s, i) => {
    const log = alsoLogX && s.totalPoints > maxPoints ? logReduced[nextLog++] : undefined;
    return { metric: s.metric, x: Array.from(reduced[i].x), y: Array.from(reduced[i].y), totalPoints: s.totalPoints, ...(log ? { logX: { x: Array.from(log.x), y: Array.from(log.y) } } : {}) };
  });
  return runIds.map((runId) => ({ runId, series: replies.filter((_, i) => read[i].runId === runId) }));
}

/** One task makes both reductions of the batch; its reply lists the shown ones, then the log-x ones. */
async function reduceInViewThread(ctx: HandlerContext, batch: XY[], maxPoints: number, logX: boolean, alsoLogX: boolean): Promise<PanelReduction> {
  const list = await ctx.pipeline.requireScheduler().downsample({ series: batch, maxPoints, logX, alsoLogX });
  return { reduced: list.slice(0, batch.length), logReduced: list.slice(batch.length) };
}
