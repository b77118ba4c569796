// Analyses of the current experiment (fits across a sweep, with checks against theory). Main
// computes them when a sweep's last run ends (for every host, the CLI included) and says so with
// `analyses.changed`; this store only loads them, and recomputes when the user asks.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AnalysisRecord } from '../../../src-main/contract/api';
import { saddle } from '../api/client';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

export const useAnalysesStore = defineStore('analyses', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  const records = ref<AnalysisRecord[]>([]);
  const computing = ref(false);

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
    if (loaded && !isStale(experimentId)) records.value = loaded;
  }

  watch([() => experiments.currentId, () => project.generation], () => void load());
  saddle().on('analyses.changed', ({ experimentId }) => {
    if (!isStale(experimentId)) void load();
  });

  return { records, computing, load, compute };
});
