// The `runs` namespace: starting (through the RunPipeline), cancelling, reading, importing and deleting runs.
import { readFileSync, statSync } from 'node:fs';
import { PanelReducer } from '../../../workers/numeric/downsample';
import type { SeriesData } from '../../contract';
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
      const dir = runFolderOf(ctx.requireStore(), runId);
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
      const store = ctx.requireStore();
      const refuse = (ids: number[], why: string, then: string) =>
        new ExpectedError(`runIds: run${ids.length === 1 ? '' : 's'} ${ids.join(', ')} ${why}: ${then}, nothing was deleted`, [{ path: 'runIds', message: `${why}: ${ids.join(', ')}` }]);
      const active = runIds.filter((id) => ctx.pipeline.isActive(id));
      if (active.length > 0) throw refuse(active, active.length === 1 ? 'is in progress' : 'are in progress', 'cancel first');
      const onSlurm = runIds.filter((id) => store.getRun(id).status === 'submitted');
      if (onSlurm.length > 0) throw refuse(onSlurm, onSlurm.length === 1 ? 'is on Slurm' : 'are on Slurm', 'cancel the job and collect first');
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

/** The kept folder of a run that exists (an unknown run is refused by getRun). */
function runFolderOf(store: ProjectStore, runId: number): string {
  store.getRun(runId);
  return artifactFolders(store, [runId])[0];
}

function artifactFileOf(store: ProjectStore, runId: number, path: string): string {
  return containedArtifact(runFolderOf(store, runId), path);
}

/**
 * Stored series reduced for display, each as soon as it is read (while it is in cache, in buffers
 * reused from series to series). With `alsoLogX`, series longer than `maxPoints` are reduced for a
 * log x axis too.
 */
function readSeries(ctx: HandlerContext, runIds: number[], metrics: string[] | undefined, maxPoints: number, logX: boolean, alsoLogX: boolean) {
  const store = ctx.requireStore();
  const reducer = new PanelReducer(maxPoints, logX, alsoLogX);
  const byRun = new Map<number, SeriesData[]>(runIds.map((runId) => [runId, []]));
  for (const { runId, metric, x, y } of store.scanSeries([...byRun.keys()], metrics)) {
    const { shown, log } = reducer.reduce(x, y);
    byRun.get(runId)!.push({ metric, x: shown.x, y: shown.y, totalPoints: x.length, ...(log ? { logX: log } : {}) });
  }
  return runIds.map((runId) => ({ runId, series: byRun.get(runId)! }));
}
