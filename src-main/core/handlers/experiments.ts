// The `experiments` namespace: specs, validated against the service's own families (RunPipeline).
import { ExpectedError } from '../errors';
import { loadExamples } from '../examples';
import { removeArtifacts } from '../artifacts';
import { artifactFolders } from './runs';
import type { HandlerContext, NamespaceHandlers } from './context';

export function experimentsHandlers(ctx: HandlerContext): NamespaceHandlers<'experiments'> {
  return {
    list: () => ctx.requireStore().listExperiments(),
    create: ({ spec }) => {
      const valid = ctx.pipeline.requireValid(spec);
      const experiment = ctx.requireStore().insertExperiment(valid);
      ctx.emit('experiments.changed', {});
      return experiment;
    },
    validate: ({ spec }) => {
      const { ok, runCount, issues } = ctx.pipeline.validate(spec);
      return { ok, runCount, issues };
    },
    update: ({ id, patch }) => {
      const store = ctx.requireStore();
      const current = store.getExperiment(id);
      // Name, notes and tags cannot make an experiment unrunnable, so only a patch of what runs is checked:
      // a "logged" experiment (runs from outside, never runnable) can still be renamed and annotated.
      if (patch.params !== undefined || patch.sweep !== undefined || patch.seeds !== undefined) {
        ctx.pipeline.requireValid({ family: current.family, name: current.name, params: current.params, sweep: current.sweep, seeds: current.seeds, ...patch, notes: patch.notes ?? current.notes, tags: patch.tags ?? current.tags });
      }
      const updated = store.updateExperiment(id, patch);
      ctx.emit('experiments.changed', {});
      return updated;
    },
    duplicate: ({ id }) => {
      const store = ctx.requireStore();
      const e = store.getExperiment(id);
      const copy = store.insertExperiment({ family: e.family, name: `${e.name} (copy)`, params: e.params, sweep: e.sweep, seeds: e.seeds, notes: e.notes, tags: e.tags });
      ctx.emit('experiments.changed', {});
      return copy;
    },
    delete: ({ id }) => {
      const store = ctx.requireStore();
      const active = store.listRuns(id).filter((r) => ctx.pipeline.isActive(r.id));
      if (active.length > 0) {
        throw new ExpectedError(`id: experiment ${id} has ${active.length} run(s) in progress (${active.map((r) => r.id).join(', ')}): cancel them first, nothing was deleted`, [{ path: 'id', message: 'runs in progress' }]);
      }
      // Deleting would forget a job Slurm is still running.
      const liveJobs = store.slurm.listJobs(id).filter((job) => job.endedAtMs === null);
      if (liveJobs.length > 0) {
        throw new ExpectedError(`id: experiment ${id} has a live Slurm job (${liveJobs.map((job) => job.jobId).join(', ')}): cancel it and collect first, nothing was deleted`, [{ path: 'id', message: 'live Slurm job' }]);
      }
      const folders = artifactFolders(store, store.listRuns(id).map((r) => r.id));
      store.deleteExperiment(id);
      removeArtifacts(folders);
      ctx.emit('experiments.changed', {});
      return { ok: true as const };
    },
    exportSpec: ({ id }) => {
      const e = ctx.requireStore().getExperiment(id);
      return { family: e.family, name: e.name, params: e.params, sweep: e.sweep, seeds: e.seeds, notes: e.notes, tags: e.tags };
    },
    examples: () => loadExamples(ctx.options.examplesDir),
  };
}
