// Analyses of the current experiment (fits across a sweep, with checks against theory). Main
// computes them when a sweep's last run ends (for every host, the CLI included) and pushes them
// with `analyses.changed` (computing, then stored records or the error); this store keeps what it
// is told per experiment, loads the stored ones when an experiment is chosen, and recomputes when
// the user asks.
import { defineStore } from 'pinia';
import { computed, reactive, shallowRef, watch } from 'vue';
import type { AnalysisRecord } from '../../../src-main/contract/api';
import { saddle } from '../api/client';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

export const useAnalysesStore = defineStore('analyses', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  /** Replaced whole, never changed in place: a record's rows (1000+ at a big sweep) are not wrapped in proxies. */
  const records = shallowRef<readonly AnalysisRecord[]>([]);
  /** Experiments whose analyses main is computing now (heard for every experiment, shown for the current one). */
  const computingIds = reactive(new Set<number>());
  /** The last computation's error, per experiment, until one succeeds. */
  const failures = reactive(new Map<number, string>());
  /** Counts pushed records, so a list reply that was read before a push does not replace it. */
  let pushes = 0;

  const computing = computed(() => experiments.currentId !== null && computingIds.has(experiments.currentId));
  const error = computed(() => (experiments.currentId === null ? null : failures.get(experiments.currentId) ?? null));

  function isStale(experimentId: number): boolean {
    return experiments.currentId !== experimentId;
  }

  async function compute(): Promise<void> {
    const experimentId = experiments.currentId;
    if (experimentId === null || computingIds.has(experimentId)) return;
    computingIds.add(experimentId);
    try {
      const computed = await app.attempt('Computing analyses', () => saddle().analyses.compute({ experimentId }));
      if (computed && !isStale(experimentId)) records.value = computed;
    } finally {
      computingIds.delete(experimentId);
    }
  }

  async function load(): Promise<void> {
    const experimentId = experiments.currentId;
    if (experimentId === null || !project.isOpen) {
      records.value = [];
      return;
    }
    const pushesBefore = pushes;
    const loaded = await app.attempt('Loading analyses', () => saddle().analyses.list({ experimentId }));
    if (loaded && !isStale(experimentId) && pushes === pushesBefore) records.value = loaded;
  }

  watch([() => experiments.currentId, () => project.generation], () => void load());
  watch(
    () => project.generation,
    () => {
      computingIds.clear();
      failures.clear();
    },
  );
  saddle().on('analyses.changed', (change) => {
    const { experimentId } = change;
    if (change.state === 'computing') {
      computingIds.add(experimentId);
      return;
    }
    computingIds.delete(experimentId);
    if (change.state === 'failed') {
      failures.set(experimentId, change.error);
      return;
    }
    failures.delete(experimentId);
    pushes += 1;
    if (!isStale(experimentId)) records.value = change.records;
  });

  return { records, computing, error, load, compute };
});
