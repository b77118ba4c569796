// Runs of other experiments of the project drawn on the current experiment's dashboard, e.g. a
// script family's runs next to dln-train's. What is stored (experiment id, and run ids or "all"
// for every run the experiment has, now or later) is checked
// against the project as it is now: deleted runs and experiments, runs of another experiment and
// the current experiment itself are left out without a word, so an old layout never breaks.
import type { ChartSpec } from '../../../src-main/contract/family-meta';
import type { ComparedExperiment } from './dashboard-layout';

/**
 * Name of the dashboard record that keeps an experiment's view as the user left it (autosaved),
 * the comparison included; it is named for what it first held, so older projects keep theirs.
 */
export const viewRecordName = '__comparison__';

/** An experiment's dashboard records: the views saved by name, and its autosaved view record (if any). */
export function splitDashboards<D extends { name: string }>(records: readonly D[]): { views: D[]; viewRecord: D | null } {
  return {
    views: records.filter((record) => record.name !== viewRecordName),
    viewRecord: records.find((record) => record.name === viewRecordName) ?? null,
  };
}

export interface ComparedGroup<R> {
  experimentId: number;
  /** The experiment's name: the prefix of its series' labels. */
  name: string;
  family: string;
  runs: R[];
  /** The user chose all runs: runs the experiment gets later join the group. */
  all: boolean;
}

interface ExperimentRef {
  id: number;
  name: string;
  family: string;
}

interface RunRef {
  id: number;
  experimentId: number;
}

export function resolveComparison<R extends RunRef>(
  compared: readonly ComparedExperiment[],
  currentId: number | null,
  experiments: readonly ExperimentRef[],
  runs: readonly R[],
): ComparedGroup<R>[] {
  const runsById = new Map(runs.map((run) => [run.id, run]));
  const groups: ComparedGroup<R>[] = [];
  for (const entry of compared) {
    const experiment = experiments.find((candidate) => candidate.id === entry.experimentId);
    if (!experiment || experiment.id === currentId || groups.some((group) => group.experimentId === experiment.id)) continue;
    const all = entry.runIds === 'all';
    const members = entry.runIds === 'all'
      ? runs.filter((run) => run.experimentId === experiment.id)
      : [...new Set(entry.runIds)].flatMap((id) => {
          const run = runsById.get(id);
          return run && run.experimentId === experiment.id ? [run] : [];
        });
    if (members.length > 0) groups.push({ experimentId: experiment.id, name: experiment.name, family: experiment.family, runs: members, all });
  }
  return groups;
}

/** The comparison with `experimentId` showing `runIds` ("all": every run, also later ones; none: the experiment is removed). */
export function withCompared(compared: readonly ComparedExperiment[], experimentId: number, runIds: readonly number[] | 'all'): ComparedExperiment[] {
  const others = compared.filter((entry) => entry.experimentId !== experimentId);
  if (runIds.length === 0) return others;
  const next: ComparedExperiment = { experimentId, runIds: runIds === 'all' ? 'all' : [...new Set(runIds)] };
  // A changed comparison keeps its place (and so its colours); a new one comes last.
  return compared.some((entry) => entry.experimentId === experimentId)
    ? compared.map((entry) => (entry.experimentId === experimentId ? next : entry))
    : [...others, next];
}

/** Theory ids a compared family draws on `chart`: those of its own charts that plot any of the same metrics. */
export function comparedTheoryIds(chart: ChartSpec, familyCharts: readonly ChartSpec[]): string[] {
  const sharing = familyCharts.filter((candidate) => candidate.series.some((metric) => chart.series.includes(metric)));
  return [...new Set(sharing.flatMap((candidate) => candidate.theory ?? []))];
}

/** What is worth storing: the resolved groups' ids ("all" where chosen so), in their order. */
export function storedComparison(groups: readonly ComparedGroup<RunRef>[]): ComparedExperiment[] {
  return groups.map((group) => ({ experimentId: group.experimentId, runIds: group.all ? 'all' : group.runs.map((run) => run.id) }));
}
