// The caption draft and provenance of a figure, from the stores: the runs the panels draw (the
// experiment's and those compared from others), the experiment, the app version and the project file.
import { useAppStore } from '../stores/app';
import { useDashboardStore } from '../stores/dashboard';
import { useExperimentsStore } from '../stores/experiments';
import { useProjectStore } from '../stores/project';
import { captionDraft } from './figure-caption';
import type { FigureSource } from './figure-sources';
import type { FigureMeta } from './svg-figure';

export function figureMeta(title: string, sources: readonly FigureSource[]): FigureMeta {
  const app = useAppStore();
  const dashboard = useDashboardStore();
  const experiments = useExperimentsStore();
  const project = useProjectStore();
  const drawn = new Set(sources.flatMap((source) => source.runIds()));
  const runs = dashboard.selectedRuns.filter((run) => drawn.has(run.id)).map((run) => ({ runId: run.id, params: run.params, seed: run.seed }));
  const appVersion = app.info?.version ?? 'unknown';
  const projectPath = project.info?.path ?? 'no project';
  const experiment = experiments.current;
  const compared = dashboard.comparison
    .map((group) => ({ experiment: group.name, family: group.family, runIds: group.runs.filter((run) => drawn.has(run.id)).map((run) => run.id) }))
    .filter((group) => group.runIds.length > 0);
  const caption = captionDraft({ title, experiment: experiment?.name ?? '', family: experiment?.family ?? '', runs, compared, appVersion, projectPath });
  return { title, caption, creator: `Saddle Lab ${appVersion}`, source: projectPath };
}
