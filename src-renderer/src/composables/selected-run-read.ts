// What the run panels under the runs table (the run's source, its kept files) read of the one run
// selected on the dashboard, once that run has finished: its stderr and files are complete then.
import { computed, shallowRef, watch, type Ref } from 'vue';
import type { RunStatus } from '../../../src-main/contract/api';
import { useAppStore } from '../stores/app';
import { useDashboardStore } from '../stores/dashboard';
import { useRunsStore } from '../stores/runs';

const finished: ReadonlySet<RunStatus> = new Set(['done', 'failed', 'diverged', 'cancelled', 'crashed']);

/**
 * `read` of the selected run, null while none (or several, or an unfinished one) is selected or
 * `applies` says no. A failed read is reported under `context`; an answer for a run no longer
 * selected is dropped.
 */
export function useSelectedRunRead<T>(context: string, read: (runId: number) => Promise<T>, applies: () => boolean = () => true): Readonly<Ref<T | null>> {
  const app = useAppStore();
  const dashboard = useDashboardStore();
  const runs = useRunsStore();
  const value = shallowRef<T | null>(null);
  const runId = computed(() => {
    if (!applies() || dashboard.selectedIds.size !== 1) return null;
    const [id] = dashboard.selectedIds;
    const run = runs.ofCurrent.find((r) => r.id === id);
    return run && finished.has(run.status) ? run.id : null;
  });
  watch(runId, async (id) => {
    const answer = id === null ? null : ((await app.attempt(context, () => read(id))) ?? null);
    if (runId.value === id) value.value = answer;
  }, { immediate: true });
  return value;
}
