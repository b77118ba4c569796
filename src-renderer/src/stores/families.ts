// Experiment families as the main process describes them; everything family-specific in the UI
// (form, charts, formulas, analyses) comes from here. The list changes with the project: its own
// families folder, and the check of the families its runs used (changed, not installed).
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FamilyCheck, FamilyInfo, FamilyProblem } from '../../../src-main/contract/family-meta';
import { saddle } from '../api/client';
import { fieldsFromSchema, type FormField } from '../logic/schema-form';
import { useAppStore } from './app';

export const useFamiliesStore = defineStore('families', () => {
  const app = useAppStore();
  const list = ref<FamilyInfo[]>([]);
  const problems = ref<FamilyProblem[]>([]);
  /** The open project's script and code families that differ from what is installed. */
  const warnings = ref<FamilyCheck[]>([]);
  const fieldsById = computed(() => new Map(list.value.map((family) => [family.id, fieldsFromSchema(family.paramsSchema)])));

  function byId(id: string | undefined): FamilyInfo | null {
    return list.value.find((family) => family.id === id) ?? null;
  }

  function fields(id: string | undefined): FormField[] {
    return (id && fieldsById.value.get(id)) || [];
  }

  async function load(): Promise<void> {
    const [families, failed] = await Promise.all([
      app.attempt('Loading experiment families', () => saddle().families.list()),
      app.attempt('Loading experiment families', () => saddle().families.problems()),
    ]);
    list.value = families ?? list.value;
    problems.value = failed ?? problems.value;
  }

  async function checkProject(): Promise<void> {
    const checks = await app.attempt('Checking the project\'s families', () => saddle().families.check());
    warnings.value = (checks ?? []).filter((check) => check.state !== 'same');
  }

  /** Reads the family folders again: a family added or edited while the app runs. */
  async function reload(): Promise<void> {
    await app.attempt('Reloading the families', () => saddle().families.reload());
    await load();
  }

  /** After the user said yes: the project's own folder may load its code and run. */
  async function trustProject(): Promise<void> {
    await app.attempt('Trusting the project\'s families', () => saddle().families.trustProject());
    await Promise.all([load(), checkProject()]);
  }

  /** After the user said yes: the project's stored copy of a family goes into its families folder. */
  async function restore(familyId: string): Promise<void> {
    await app.attempt(`Restoring ${familyId}`, () => saddle().families.restore({ familyId }));
    await Promise.all([load(), checkProject()]);
  }

  saddle().on('project.changed', (next) => {
    void load();
    if (next) void checkProject();
    else warnings.value = [];
  });
  // Logged runs (saddle_lab.init) bring their charts with the metrics they log.
  saddle().on('experiments.changed', () => void load());

  return { list, problems, warnings, byId, fields, load, reload, checkProject, trustProject, restore };
});
