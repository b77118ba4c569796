// The claims ledger as the Papers view shows it: the catalog and every claim's verdict, judged by
// main from the open project's stored analyses (`claims.list`). Read again when the project
// changes, when an experiment's analyses are stored or fail, and when experiments are removed;
// "Reproduce" creates and starts the claim's experiments and remembers them until their analyses
// are in, so the page can say the claim is running.
import { defineStore } from 'pinia';
import { computed, reactive, ref, shallowRef, watch } from 'vue';
import type { ClaimsOverview, ClaimsReportFormat } from '../../../src-main/contract/claims';
import { saddle } from '../api/client';
import { saveExport } from '../export/save-file';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

export type ClaimView = ClaimsOverview['claims'][number];

const reportMime: Record<ClaimsReportFormat, string> = { md: 'text/markdown', tex: 'application/x-tex', csv: 'text/csv' };

export const useClaimsStore = defineStore('claims', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  const overview = shallowRef<ClaimsOverview | null>(null);
  /** Why the catalog could not be read (a broken claims file), shown in place of the claims. */
  const loadError = ref<string | null>(null);
  /** Experiments started by "Reproduce" whose analyses are not stored yet, per claim. */
  const reproducing = reactive(new Map<string, Set<number>>());
  /** The last reproduce that failed, per claim (it did not start, or its analyses failed). */
  const reproduceErrors = reactive(new Map<string, string>());
  /** Counts reads, so an older reply never replaces a newer one. */
  let reads = 0;
  /** Something changed while the Papers view was not shown: read again when it is. */
  let stale = true;

  const papers = computed(() =>
    (overview.value?.papers ?? []).map((paper) => ({ ...paper, claims: (overview.value?.claims ?? []).filter((c) => c.paper === paper.paper) })),
  );

  async function load(): Promise<void> {
    const read = ++reads;
    try {
      const next = await saddle().claims.list();
      if (read !== reads) return;
      overview.value = next;
      loadError.value = null;
    } catch (error) {
      if (read !== reads) return;
      loadError.value = error instanceof Error ? error.message : String(error);
    }
  }

  async function reproduce(claimId: string, variant: 'quick' | 'full'): Promise<void> {
    reproduceErrors.delete(claimId);
    if (!project.isOpen) {
      reproduceErrors.set(claimId, 'Open or create a project first: the claim\'s experiments are made in it.');
      return;
    }
    try {
      const { experimentIds } = await saddle().claims.reproduce({ claimId, variant });
      reproducing.set(claimId, new Set(experimentIds));
    } catch (error) {
      reproduceErrors.set(claimId, error instanceof Error ? error.message : String(error));
    }
  }

  function settle(experimentId: number, error: string | null): void {
    for (const [claimId, ids] of reproducing) {
      if (!ids.delete(experimentId)) continue;
      if (error) reproduceErrors.set(claimId, `the analyses of experiment ${experimentId} failed: ${error}`);
      if (ids.size === 0) reproducing.delete(claimId);
    }
  }

  /** Shows the experiment that decided a claim in the workbench. */
  async function showExperiment(experimentId: number): Promise<void> {
    app.view = 'workbench';
    await experiments.select(experimentId);
  }

  async function exportReport(format: ClaimsReportFormat): Promise<void> {
    await app.attempt('Exporting the reproduction report', async () => {
      const { filename, content } = await saddle().claims.report({ format });
      await saveExport({ name: filename, data: content, encoding: 'utf8', mimeType: reportMime[format] }, app.host);
    });
  }

  /** Reads the claims now if the Papers view is shown, else when it is next shown. */
  function refresh(): void {
    if (app.view === 'papers') void load();
    else stale = true;
  }

  watch(
    () => app.view,
    (view) => {
      if (view !== 'papers' || !stale) return;
      stale = false;
      void load();
    },
    { immediate: true },
  );
  watch(
    () => project.generation,
    () => {
      reproducing.clear();
      reproduceErrors.clear();
      refresh();
    },
  );
  saddle().on('analyses.changed', (change) => {
    if (change.state === 'computing') return;
    settle(change.experimentId, change.state === 'failed' ? change.error : null);
    refresh();
  });
  // A deleted experiment takes its checks with it.
  saddle().on('experiments.changed', refresh);

  return { overview, papers, loadError, reproducing, reproduceErrors, load, refresh, reproduce, showExperiment, exportReport };
});
