// What the run panels under the runs table (the run's source, its kept files, its logged media) read
// of the one run selected on the dashboard, once that run has finished (its stderr and files are
// complete then), or while it runs for a panel that follows it live.
import { computed, shallowRef, watch, type Ref } from 'vue';
import { useAppStore } from '../stores/app';
import { useDashboardStore } from '../stores/dashboard';
import { useRunsStore } from '../stores/runs';
import { isFinished } from '../stores/series';

/**
 * `read` of the selected run, null while none (or several, or an unfinished one) is selected or
 * `applies` says no. A failed read is reported under `context`; an answer for a run no longer
 * selected is dropped. `live`: a running run is read too, and again each time the host announces
 * it (a run.statuses change replaces its object: a run log's new lines bring one, lines of media
 * alone too, whose summary is unchanged).
 */
export function useSelectedRunRead<T>(context: string, read: (runId: number) => Promise<T>, applies: () => boolean = () => true, live = false): Readonly<Ref<T | null>> {
  const app = useAppStore();
  const dashboard = useDashboardStore();
  const runs = useRunsStore();
  const value = shallowRef<T | null>(null);
  const selected = computed(() => {
    if (!applies() || dashboard.selectedIds.size !== 1) return null;
    const [id] = dashboard.selectedIds;
    const run = runs.ofCurrent.find((r) => r.id === id);
    return run && (live || isFinished(run.status)) ? run : null;
  });
  const runId = computed(() => selected.value?.id ?? null);
  const announced = computed(() => (live ? selected.value : null));
  watch([runId, announced], async ([id]) => {
    const answer = id === null ? null : ((await app.attempt(context, () => read(id))) ?? null);
    if (runId.value === id) value.value = answer;
  }, { immediate: true });
  return value;
}
