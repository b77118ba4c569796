// Sweeps on a Slurm cluster: whether this host can submit, where the next run goes ("this machine"
// or Slurm, with the sbatch options), the project's jobs and their states. Main collects finished
// tasks on its own while a job is live; the run.statuses events it sends keep this list fresh.
import { defineStore } from 'pinia';
import { computed, reactive, ref, watch } from 'vue';
import type { Output } from '../../../src-main/contract/api';
import type { SlurmJobInfo, SlurmOptionsInput } from '../../../src-main/contract/slurm';
import { ApiError } from '../api/api-error';
import { saddle } from '../api/client';
import { useAppStore } from './app';
import { useExperimentsStore } from './experiments';
import { useProjectStore } from './project';

export type RunTarget = 'local' | 'slurm';

export const useClusterStore = defineStore('cluster', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const experiments = useExperimentsStore();

  const availability = ref<Output<'slurm', 'status'> | null>(null);
  const target = ref<RunTarget>('local');
  /** The form's fields as typed; empty means "Slurm's default". */
  const form = reactive({ partition: '', time: '', cpusPerTask: 1 });
  const jobs = ref<SlurmJobInfo[]>([]);
  const busy = ref(false);

  const available = computed(() => availability.value?.available === true);
  const liveJobs = computed(() => jobs.value.filter((job) => job.live));
  /** The array task of each run sent to Slurm, with Slurm's word for it. */
  const taskOfRun = computed(() => new Map(jobs.value.flatMap((job) => job.runs.map((run) => [run.runId, { jobId: job.jobId, ...run }] as const))));

  async function probe(): Promise<void> {
    availability.value ??= (await app.attempt('Looking for Slurm', () => saddle().slurm.status())) ?? null;
  }

  async function load(): Promise<void> {
    jobs.value = project.isOpen ? ((await app.attempt('Loading Slurm jobs', () => saddle().slurm.jobs({}))) ?? []) : [];
  }

  function options(): SlurmOptionsInput {
    return {
      cpusPerTask: form.cpusPerTask,
      ...(form.partition.trim() ? { partition: form.partition.trim() } : {}),
      ...(form.time.trim() ? { time: form.time.trim() } : {}),
    };
  }

  /** Sends the current experiment (its draft saved first) to Slurm; asks before repeating points that have runs. */
  async function submit(): Promise<void> {
    const experimentId = experiments.currentId;
    if (experimentId === null || busy.value) return;
    busy.value = true;
    try {
      if (!(await experiments.flush())) throw new ApiError({ kind: 'expected', message: 'Fix the highlighted fields before submitting.' });
      try {
        await saddle().slurm.submit({ experimentId, options: options() });
      } catch (error) {
        // Points that have runs in the project already: the user decides whether to run them again.
        if (!(error instanceof ApiError && error.issues.some((issue) => issue.path === 'again'))) throw error;
        if (!window.confirm(`${error.message}. Submit them to Slurm again?`)) return;
        await saddle().slurm.submit({ experimentId, options: options(), again: true });
      }
      await load();
    } catch (error) {
      app.report(error, 'Submitting to Slurm');
    } finally {
      busy.value = false;
    }
  }

  async function collect(): Promise<void> {
    const result = await app.attempt('Collecting Slurm results', () => saddle().slurm.collect());
    if (result) jobs.value = result.jobs;
  }

  async function cancel(jobId: string): Promise<void> {
    await app.attempt('Cancelling the Slurm job', () => saddle().slurm.cancel({ jobId }));
    await collect();
  }

  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  saddle().on('run.statuses', ({ changes }) => {
    if (!changes.some((change) => taskOfRun.value.has(change.runId))) return;
    reloadTimer ??= setTimeout(() => {
      reloadTimer = null;
      void load();
    }, 300);
  });
  watch(() => project.generation, () => void load());

  return { availability, available, target, form, jobs, liveJobs, taskOfRun, busy, probe, load, submit, collect, cancel };
});
