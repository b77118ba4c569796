// Runs of the open project with their live status (`run.statuses` events: progress, ETA, errors),
// and the actions on them: start an experiment, cancel, tag, annotate, delete. Runs are plain
// objects in a shallow ref, replaced as a whole map once per frame with the changes of that frame:
// a sweep of hundreds of runs costs one table update per frame, not one per event.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef, watch } from 'vue';
import type { Run, RunStatusChange } from '../../../src-main/contract/api';
import { ApiError } from '../api/api-error';
import { saddle } from '../api/client';
import { applyStatusChanges, everyMs, FrameBatch, isActive, noneActiveAfter, sameItemsOr, sweepEtaMs } from '../logic/live-batch';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

/** How often progress bars and ETAs of running runs move. */
const progressApplyMs = 250;

export { isActive };

export const useRunsStore = defineStore('runs', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  const byId = shallowRef(new Map<number, Run>());
  /** Latest ETA from the scheduler, per running run. */
  const etaMs = shallowRef(new Map<number, number | null>());
  /** When this window saw each run of an experiment finish, per experiment, for the sweep's ETA. */
  const finishedAtMs = shallowRef(new Map<number, number[]>());
  const starting = ref(false);

  // Runs of an experiment just deleted disappear at once, before the reload confirms it.
  const experimentIds = computed(() => new Set(experiments.list.map((experiment) => experiment.id)));
  const all = computed(() => [...byId.value.values()].filter((run) => experimentIds.value.has(run.experimentId)).sort((a, b) => a.id - b.id));
  const active = computed(() => all.value.filter(isActive));
  const ofCurrent = computed(() => all.value.filter((run) => run.experimentId === experiments.currentId));
  /** The current experiment's run parameters: the same array until a run is added, removed or re-read. */
  const paramsOfCurrent = computed<readonly Run['params'][]>((previous) => sameItemsOr(previous, ofCurrent.value.map((run) => run.params)));
  const doneOfCurrent = computed(() => ofCurrent.value.filter((run) => run.status === 'done').length);
  const activeOfCurrent = computed(() => ofCurrent.value.filter(isActive).length);
  /** The current experiment's sweep: runs finished of all, and time left at the rate they finish. */
  const sweepOfCurrent = computed(() => {
    const finished = ofCurrent.value.filter((run) => !isActive(run) && run.status !== 'submitted').length;
    const seen = experiments.currentId === null ? [] : (finishedAtMs.value.get(experiments.currentId) ?? []);
    return { finished, total: ofCurrent.value.length, etaMs: activeOfCurrent.value > 0 ? sweepEtaMs(seen, activeOfCurrent.value) : null };
  });

  /** Changes that arrived before this read are older than it: applied first, so they cannot undo it. */
  function applyPending(): void {
    void statusBatch.flush();
    void progressBatch.flush();
  }

  /** Runs as read from main (the truth as of the read). */
  function put(runs: readonly Run[]): void {
    applyPending();
    const next = new Map(byId.value);
    for (const run of runs) next.set(run.id, run);
    byId.value = next;
  }

  async function load(): Promise<void> {
    if (!project.isOpen) {
      byId.value = new Map();
      return;
    }
    const runs = await app.attempt('Loading runs', () => saddle().runs.list({}));
    if (!runs) return;
    applyPending();
    byId.value = new Map(runs.map((run) => [run.id, run]));
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

  /** Cancels, then reads the runs back: the host may have finished some meanwhile, and its word is final. */
  async function cancel(runIds: number[]): Promise<void> {
    if (runIds.length === 0) return;
    await app.attempt('Cancelling runs', () => saddle().runs.cancel({ runIds }));
    const experimentIds = new Set(runIds.map((id) => byId.value.get(id)?.experimentId));
    for (const experimentId of experimentIds) if (experimentId !== undefined) await loadExperiment(experimentId);
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
    if (!removed) return;
    const next = new Map(byId.value);
    for (const id of runIds) next.delete(id);
    byId.value = next;
  }

  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  function reloadSoon(): void {
    reloadTimer ??= setTimeout(() => {
      reloadTimer = null;
      void load();
    }, 200);
  }

  function applyStatuses(changes: RunStatusChange[]): void {
    const applied = applyStatusChanges(byId.value, changes);
    // Runs started elsewhere (another window, the CLI) are not known yet.
    if (applied.unknown.length > 0) reloadSoon();
    const now = Date.now();
    for (const runId of applied.finished) {
      const experimentId = applied.runs.get(runId)!.experimentId;
      finishedAtMs.value.set(experimentId, [...(finishedAtMs.value.get(experimentId) ?? []), now]);
    }
    for (const change of changes) {
      if (isActive(change)) etaMs.value.set(change.runId, change.etaMs);
      else etaMs.value.delete(change.runId);
    }
    byId.value = applied.runs;
    triggerRef(etaMs);
    if (applied.finished.length > 0) triggerRef(finishedAtMs);
  }
  const statusBatch = new FrameBatch<RunStatusChange>(applyStatuses);
  /** Progress of running runs, applied a few times a second: each change redraws the runs table. */
  const progressBatch = new FrameBatch<RunStatusChange>(
    (changes) => applyStatuses(changes.filter((change) => byId.value.get(change.runId)?.status === 'running')),
    everyMs(progressApplyMs),
  );
  saddle().on('run.statuses', ({ changes }) => {
    for (const change of changes) {
      const progressOnly = change.status === 'running' && byId.value.get(change.runId)?.status === 'running';
      (progressOnly ? progressBatch : statusBatch).push(change);
    }
    // The last runs ended: shown on the next frame, not after the wait that kept a fast sweep's
    // updates to a share of the page (that wait put "done" up to a second behind the host).
    if (changes.some((change) => !isActive(change)) && noneActiveAfter(byId.value, statusBatch.pending)) statusBatch.hurry();
  });

  watch(
    () => project.generation,
    () => {
      statusBatch.clear();
      progressBatch.clear();
      finishedAtMs.value = new Map();
    },
  );
  watch(() => project.generation, () => void load());
  // Deleting an experiment deletes its runs in main.
  saddle().on('experiments.changed', reloadSoon);

  return {
    byId,
    etaMs,
    sweepOfCurrent,
    starting,
    all,
    active,
    ofCurrent,
    paramsOfCurrent,
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
