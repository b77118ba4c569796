// Experiments of the open project and the one being edited. Edits go to a local draft that is
// validated by the main process (`experiments.validate`) and saved shortly after typing stops;
// invalid parameters stay in the draft, with their issues shown next to the fields.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Experiment, Output } from '../../../src-main/contract/api';
import type { ExperimentSpecInput, FieldIssue, SweepAxis } from '../../../src-main/contract/spec';
import { saddle } from '../api/client';
import { jsonCopy } from '../logic/json-copy';
import { countRuns } from '../../../src-main/contract/sweep';
import type { Sweep } from '../logic/sweep';
import { useAppStore } from './app';
import { useFamiliesStore } from './families';
import { useProjectStore } from './project';

export type ExampleSpec = Output<'experiments', 'examples'>[number];
export type SaveState = 'saved' | 'pending' | 'saving' | 'invalid';

export interface ExperimentDraft {
  name: string;
  params: Record<string, unknown>;
  sweep: Sweep;
  seeds: number[];
  notes: string;
  tags: string[];
}

const saveDelayMs = 400;

function draftOf(experiment: Experiment): ExperimentDraft {
  const { name, params, sweep, seeds, notes, tags } = jsonCopy(experiment);
  return { name, params, sweep, seeds, notes, tags };
}

/** Issues at `path` or below it ("params.targets" covers "params.targets.1", "sweep.depth" covers "sweep.depth[1]"). */
export function issuesAt(issues: readonly FieldIssue[], path: string): FieldIssue[] {
  return issues.filter((issue) => issue.path === path || issue.path.startsWith(`${path}.`) || issue.path.startsWith(`${path}[`));
}

export const useExperimentsStore = defineStore('experiments', () => {
  const app = useAppStore();
  const project = useProjectStore();
  const families = useFamiliesStore();

  const list = ref<Experiment[]>([]);
  const examples = ref<ExampleSpec[]>([]);
  const currentId = ref<number | null>(null);
  const draft = ref<ExperimentDraft | null>(null);
  const serverIssues = ref<FieldIssue[]>([]);
  /** Fields whose text does not parse yet, by issue path; the draft keeps their last good value. */
  const localIssues = ref<Record<string, string>>({});
  const saveState = ref<SaveState>('saved');

  const current = computed(() => list.value.find((experiment) => experiment.id === currentId.value) ?? null);
  const currentFamily = computed(() => families.byId(current.value?.family));
  const issues = computed<FieldIssue[]>(() => [
    ...Object.entries(localIssues.value).map(([path, message]) => ({ path, message })),
    ...serverIssues.value.filter((issue) => !(issue.path in localIssues.value)),
  ]);
  const plannedRuns = computed(() => (draft.value ? countRuns(draft.value.sweep, draft.value.seeds) : 0));
  const canRun = computed(() => draft.value !== null && issues.value.length === 0 && plannedRuns.value > 0);

  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let edits = 0;
  let savedEdits = 0;
  let saving: Promise<boolean> = Promise.resolve(true);

  function specOf(experiment: Experiment, values: ExperimentDraft): ExperimentSpecInput {
    return { family: experiment.family, ...values };
  }

  function replaceInList(updated: Experiment): void {
    const index = list.value.findIndex((experiment) => experiment.id === updated.id);
    if (index >= 0) list.value.splice(index, 1, updated);
    else list.value.push(updated);
  }

  async function saveNow(): Promise<boolean> {
    const experiment = current.value;
    if (!experiment || !draft.value) return false;
    const editsInSnapshot = edits;
    const snapshot = jsonCopy(draft.value);
    saveState.value = 'saving';
    try {
      const validation = await saddle().experiments.validate({ spec: specOf(experiment, snapshot) });
      if (currentId.value !== experiment.id) return validation.ok;
      serverIssues.value = validation.issues;
      const valid = validation.ok && Object.keys(localIssues.value).length === 0;
      // Name, notes and tags cannot make an experiment unrunnable: keep them even when params are wrong.
      const { name, notes, tags } = snapshot;
      const patch = valid ? snapshot : { ...(name.trim() ? { name } : {}), notes, tags };
      replaceInList(await saddle().experiments.update({ id: experiment.id, patch }));
      savedEdits = Math.max(savedEdits, editsInSnapshot);
      if (edits === savedEdits) saveState.value = valid ? 'saved' : 'invalid';
      return valid;
    } catch (error) {
      app.report(error, 'Saving the experiment');
      saveState.value = 'invalid';
      return false;
    }
  }

  /** Saves the draft now, after any save already under way. */
  function save(): Promise<boolean> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    saving = saving.then(saveNow, saveNow);
    return saving;
  }

  /** Before running: saves pending edits; true when the experiment is valid as saved. */
  async function flush(): Promise<boolean> {
    if (edits !== savedEdits || saveTimer) return save();
    await saving;
    return issues.value.length === 0;
  }

  function edit(change: (values: ExperimentDraft) => void): void {
    if (!draft.value) return;
    change(draft.value);
    edits++;
    saveState.value = 'pending';
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => void save(), saveDelayMs);
  }

  const setName = (name: string) => edit((values) => (values.name = name));
  const setNotes = (notes: string) => edit((values) => (values.notes = notes));
  const setTags = (tags: string[]) => edit((values) => (values.tags = tags));
  const setSeeds = (seeds: number[]) => edit((values) => (values.seeds = seeds));

  function setParam(key: string, value: unknown): void {
    edit((values) => {
      if (value === undefined) delete values.params[key];
      else values.params[key] = value;
    });
  }

  function setSweepAxis(key: string, axis: SweepAxis | null): void {
    edit((values) => {
      if (axis === null) delete values.sweep[key];
      else values.sweep[key] = axis;
    });
  }

  /** Records (or clears) a field whose text does not parse; it blocks running until fixed. */
  function setLocalIssue(path: string, message: string | null): void {
    const next = { ...localIssues.value };
    if (message === null) delete next[path];
    else next[path] = message;
    localIssues.value = next;
  }

  async function revalidate(): Promise<void> {
    const experiment = current.value;
    if (!experiment || !draft.value) return;
    const validation = await app.attempt('Checking the experiment', () => saddle().experiments.validate({ spec: specOf(experiment, draft.value as ExperimentDraft) }));
    if (validation && currentId.value === experiment.id) {
      serverIssues.value = validation.issues;
      saveState.value = validation.ok ? 'saved' : 'invalid';
    }
  }

  async function select(id: number | null): Promise<void> {
    if (id === currentId.value) return;
    if (edits !== savedEdits || saveTimer) await save();
    currentId.value = id;
    const experiment = current.value;
    draft.value = experiment ? draftOf(experiment) : null;
    serverIssues.value = [];
    localIssues.value = {};
    edits = savedEdits = 0;
    saveState.value = 'saved';
    await revalidate();
  }

  async function load(): Promise<void> {
    if (!project.isOpen) {
      list.value = [];
      await select(null);
      return;
    }
    const loaded = await app.attempt('Loading experiments', () => saddle().experiments.list());
    if (!loaded) return;
    list.value = loaded;
    const stillThere = loaded.some((experiment) => experiment.id === currentId.value);
    if (!stillThere) {
      currentId.value = null;
      await select(loaded.length > 0 ? loaded[loaded.length - 1].id : null);
    } else if (saveState.value === 'saved' && current.value) {
      // Another window or the CLI changed it; a draft with unsaved or invalid edits is kept.
      draft.value = draftOf(current.value);
    }
  }

  async function loadExamples(): Promise<void> {
    examples.value = (await app.attempt('Loading example experiments', () => saddle().experiments.examples())) ?? examples.value;
  }

  async function adopt(context: string, create: () => Promise<Experiment>): Promise<void> {
    const experiment = await app.attempt(context, create);
    if (!experiment) return;
    replaceInList(experiment);
    await select(experiment.id);
  }

  function createFromFamily(familyId: string): Promise<void> {
    const family = families.byId(familyId);
    const name = `${family?.title ?? familyId} ${list.value.length + 1}`;
    return adopt('Creating the experiment', () =>
      saddle().experiments.create({ spec: { family: familyId, name, params: { ...(family?.defaults ?? {}) } } }),
    );
  }

  function createFromExample(file: string, variant: 'full' | 'quick' = 'full'): Promise<void> {
    const example = examples.value.find((candidate) => candidate.file === file);
    const spec = variant === 'quick' ? example?.quick : example?.spec;
    if (!spec) return Promise.resolve();
    return adopt('Creating the experiment from the example', () => saddle().experiments.create({ spec }));
  }

  function duplicate(id: number): Promise<void> {
    return adopt('Duplicating the experiment', () => saddle().experiments.duplicate({ id }));
  }

  async function remove(id: number): Promise<void> {
    const removed = await app.attempt('Deleting the experiment', () => saddle().experiments.delete({ id }));
    if (!removed) return;
    const index = list.value.findIndex((experiment) => experiment.id === id);
    list.value = list.value.filter((experiment) => experiment.id !== id);
    if (currentId.value === id) {
      currentId.value = null;
      const next = list.value[Math.min(index, list.value.length - 1)];
      await select(next?.id ?? null);
    }
  }

  /** The project file the list belongs to: experiment ids name other experiments in another file. */
  let listPath: string | null = null;
  watch(
    () => project.generation,
    () => {
      const path = project.info?.path ?? null;
      if (path !== listPath) {
        // Edits still queued belong to the closed project's experiment; nothing may write them into this one.
        if (saveTimer) clearTimeout(saveTimer);
        saveTimer = null;
        edits = savedEdits = 0;
        listPath = path;
        list.value = [];
        currentId.value = null;
        draft.value = null;
      }
      void load();
    },
  );
  saddle().on('experiments.changed', () => void load());

  return {
    list,
    examples,
    currentId,
    current,
    currentFamily,
    draft,
    issues,
    saveState,
    plannedRuns,
    canRun,
    select,
    load,
    loadExamples,
    setName,
    setNotes,
    setTags,
    setSeeds,
    setParam,
    setSweepAxis,
    setLocalIssue,
    flush,
    createFromFamily,
    createFromExample,
    duplicate,
    remove,
  };
});
