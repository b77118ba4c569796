// The `runs` namespace: starting (through the RunPipeline), cancelling, reading, importing and deleting runs.
import { downsampleForPanel } from '../../../workers/numeric/downsample';
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
  const read = runIds.flatMap((runId) => store.readSeries(runId, metrics).map((series) => ({ runId, ...series })));
  const lengths = read.map((s) => s.x.length);
  const longer = alsoLogX ? read.filter((s) => s.x.length > maxPoints) : [];
  const totalPoints = lengths.reduce((sum, n) => sum + n, 0);
  let reduced: { x: Float64Array; y: Float64Array }[];
  let logReducedList: { x: Float64Array; y: Float64Array }[];
  if (totalPoints <= inlineDownsamplePoints) {
    ({ reduced, logReduced: logReducedList } = downsampleForPanel(read, maxPoints, logX, alsoLogX));
  } else {
    // One task makes both reductions from the arrays it is given (transferred, not copied).
    const both = await ctx.pipeline.requireScheduler().downsample({ series: read.map(({ x, y }) => ({ x, y })), maxPoints, logX, alsoLogX });
    reduced = both.slice(0, read.length);
    logReducedList = both.slice(read.length);
  }
  const logReduced = new Map(logReducedList.map((xy, i) => [longer[i], xy]));
  return runIds.map((runId) => ({
    runId,
    series: read.flatMap((s, i) => {
      if (s.runId !== runId) return [];
      const log = logReduced.get(s);
      return [{ metric: s.metric, x: Array.from(reduced[i].x), y: Array.from(reduced[i].y), totalPoints: lengths[i], ...(log ? { logX: { x: Array.from(log.x), y: Array.from(log.y) } } : {}) }];
    }),
  }));
}
