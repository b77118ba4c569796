// Runs of the open project with their live status (`run.status` events: progress, ETA, errors),
// and the actions on them: start an experiment, cancel, tag, annotate, delete.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Run, RunStatus } from '../../../src-main/contract/api';
import { ApiError } from '../api/api-error';
import { saddle } from '../api/client';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

const activeStatuses: readonly RunStatus[] = ['queued', 'running'];
/** How often progress bars and ETAs of running runs move. */
const progressApplyMs = 250;

export function isActive(run: Pick<Run, 'status'>): boolean {
  return activeStatuses.includes(run.status);
}

export const useRunsStore = defineStore('runs', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  const byId = ref(new Map<number, Run>());
  /** Latest ETA from the scheduler, per running run. */
  const etaMs = ref(new Map<number, number | null>());
  const starting = ref(false);

  // Runs of an experiment just deleted disappear at once, before the reload confirms it.
  const experimentIds = computed(() => new Set(experiments.list.map((experiment) => experiment.id)));
  const all = computed(() => [...byId.value.values()].filter((run) => experimentIds.value.has(run.experimentId)).sort((a, b) => a.id - b.id));
  const active = computed(() => all.value.filter(isActive));
  const ofCurrent = computed(() => all.value.filter((run) => run.experimentId === experiments.currentId));
  const doneOfCurrent = computed(() => ofCurrent.value.filter((run) => run.status === 'done').length);
  const activeOfCurrent = computed(() => ofCurrent.value.filter(isActive).length);

  function put(runs: readonly Run[]): void {
    for (const run of runs) byId.value.set(run.id, run);
  }

  async function load(): Promise<void> {
    if (!project.isOpen) {
      byId.value = new Map();
      return;
    }
    const runs = await app.attempt('Loading runs', () => saddle().runs.list({}));
    if (runs) byId.value = new Map(runs.map((run) => [run.id, run]));
  }

  async function loadExperiment(experimentId: number): Promise<void> {
    put((await app.attempt('Loading runs', () => saddle().runs.list({ experimentId }))) ?? []);
  }

  /** Runs the current experiment (saving its draft first). Ignored while a start is under way. */
  async function start(): Promise<number[]> {
    const experimentId = experiments.currentId;
    if (experimentId === null || starting.value) return [];
    starting.value = true;
    try {
      if (!(await experiments.flush())) {
        throw new ApiError({ kind: 'expected', message: 'Fix the highlighted fields before running.' });
      }
      const { runIds } = await saddle().runs.start({ experimentId });
      await loadExperiment(experimentId);
      return runIds;
    } catch (error) {
      app.report(error, 'Starting runs');
      return [];
    } finally {
      starting.value = false;
    }
  }

  async function cancel(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    await app.attempt('Cancelling runs', () => saddle().runs.cancel({ runIds }));
  }

  const cancelAll = () => cancel(active.value.map((run) => run.id));
  const cancelCurrent = () => cancel(ofCurrent.value.filter(isActive).map((run) => run.id));

  async function update(id: number, change: { tags?: string[]; notes?: string }): Promise<void> {
    const updated = await app.attempt('Saving the run', () => saddle().runs.update({ id, ...change }));
    if (updated) put([updated]);
  }

  async function remove(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    const removed = await app.attempt('Deleting runs', () => saddle().runs.delete({ runIds }));
    if (removed) for (const id of runIds) byId.value.delete(id);
  }

  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  function reloadSoon(): void {
    reloadTimer ??= setTimeout(() => {
      reloadTimer = null;
      void load();
    }, 200);
  }

  /** Progress of running runs, applied a few times a second: each change redraws the runs table. */
  const progressDue = new Map<number, { progress: number; etaMs: number | null }>();
  let progressTimer: ReturnType<typeof setTimeout> | null = null;
  function applyProgress(): void {
    progressTimer = null;
    for (const [runId, { progress, etaMs: eta }] of progressDue) {
      const run = byId.value.get(runId);
      if (!run || run.status !== 'running') continue;
      run.progress = progress;
      etaMs.value.set(runId, eta);
    }
    progressDue.clear();
  }

  saddle().on('run.status', (event) => {
    const run = byId.value.get(event.runId);
    // Runs started elsewhere (another window, the CLI) are not known yet.
    if (!run) return reloadSoon();
    if (event.status === 'running' && run.status === 'running') {
      progressDue.set(event.runId, { progress: event.progress, etaMs: event.etaMs });
      progressTimer ??= setTimeout(applyProgress, progressApplyMs);
      return;
    }
    progressDue.delete(event.runId);
    run.status = event.status;
    run.progress = event.progress;
    run.error = event.error;
    if (event.summary) run.summary = event.summary;
    if (isActive(event)) etaMs.value.set(event.runId, event.etaMs);
    else etaMs.value.delete(event.runId);
  });

  watch(() => project.generation, () => void load());
  // Deleting an experiment deletes its runs in main.
  saddle().on('experiments.changed', reloadSoon);

  return {
    byId,
    etaMs,
    starting,
    all,
    active,
    ofCurrent,
    doneOfCurrent,
    activeOfCurrent,
    load,
    start,
    cancel,
    cancelAll,
    cancelCurrent,
    update,
    remove,
  };
});
