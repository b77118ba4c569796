// Analyses of the current experiment (fits across a sweep, with checks against theory). They are
// recomputed when the experiment's last active run finishes, and reloaded when main says so.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AnalysisRecord } from '../../../src-main/contract/api';
import { saddle } from '../api/client';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';
import { useRunsStore } from './runs';

export const useAnalysesStore = defineStore('analyses', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();
  const runs = useRunsStore();

  const records = ref<AnalysisRecord[]>([]);
  const computing = ref(false);
  /** Experiments already analysed on opening, so one that no analysis applies to is not redone on every visit. */
  const computedOnLoad = new Set<number>();

  function isStale(experimentId: number): boolean {
    return experiments.currentId !== experimentId;
  }

  async function compute(): Promise<void> {
    const experimentId = experiments.currentId;
    if (experimentId === null || computing.value) return;
    computing.value = true;
    try {
      const computed = await app.attempt('Computing analyses', () => saddle().analyses.compute({ experimentId }));
      if (computed && !isStale(experimentId)) records.value = computed;
    } finally {
      computing.value = false;
    }
  }

  async function load(): Promise<void> {
    const experimentId = experiments.currentId;
    if (experimentId === null || !project.isOpen) {
      records.value = [];
      return;
    }
    const loaded = await app.attempt('Loading analyses', () => saddle().analyses.list({ experimentId }));
    if (!loaded || isStale(experimentId)) return;
    records.value = loaded;
    // A finished sweep without results (e.g. run by the CLI, or analysed by an older version).
    if (loaded.length === 0 && runs.doneOfCurrent > 0 && runs.activeOfCurrent === 0 && !computedOnLoad.has(experimentId)) {
      computedOnLoad.add(experimentId);
      await compute();
    }
  }

  watch([() => experiments.currentId, () => project.generation], () => void load());
  watch(
    () => runs.activeOfCurrent,
    (active, before) => {
      if (active === 0 && before > 0 && runs.doneOfCurrent > 0) void compute();
    },
  );
  saddle().on('analyses.changed', ({ experimentId }) => {
    if (!isStale(experimentId)) void load();
  });

  return { records, computing, load, compute };
});
