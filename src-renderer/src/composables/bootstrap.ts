// Start-up: create every store (they subscribe to their events on creation), load what does not
// depend on a project, and reload it all when the serve host's socket comes back.
import { onMounted, watch } from 'vue';
import { useAnalysesStore } from '../stores/analyses';
import { useAppStore } from '../stores/app';
import { useClaimsStore } from '../stores/claims';
import { useDashboardStore } from '../stores/dashboard';
import { useExperimentsStore } from '../stores/experiments';
import { useFamiliesStore } from '../stores/families';
import { useProjectStore } from '../stores/project';
import { useRunsStore } from '../stores/runs';
import { useSeriesStore } from '../stores/series';

export function useBootstrap(): void {
  const app = useAppStore();
  const project = useProjectStore();
  const families = useFamiliesStore();
  const experiments = useExperimentsStore();
  useRunsStore();
  useSeriesStore();
  useAnalysesStore();
  useDashboardStore();
  const claims = useClaimsStore();

  async function loadAll(): Promise<void> {
    // The open project is asked for with the rest, not after it: a late answer (examples are slow
    // on a busy machine) reloaded the project the user had created meanwhile, mid-sweep.
    await Promise.all([app.loadInfo(), families.load(), experiments.loadExamples(), project.refresh(), claims.refresh()]);
  }

  onMounted(() => void loadAll());
  watch(
    () => app.connection.openCount,
    (count, before) => {
      if (count > 1 && count > before) void loadAll();
    },
  );
}
