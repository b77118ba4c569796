// Experiment families as the main process describes them; everything family-specific in the UI
// (form, charts, formulas, analyses) comes from here.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FamilyInfo } from '../../../src-main/contract/family-meta';
import { saddle } from '../api/client';
import { fieldsFromSchema, type FormField } from '../logic/schema-form';
import { useAppStore } from './app';

export const useFamiliesStore = defineStore('families', () => {
  const app = useAppStore();
  const list = ref<FamilyInfo[]>([]);
  const fieldsById = computed(() => new Map(list.value.map((family) => [family.id, fieldsFromSchema(family.paramsSchema)])));

  function byId(id: string | undefined): FamilyInfo | null {
    return list.value.find((family) => family.id === id) ?? null;
  }

  function fields(id: string | undefined): FormField[] {
    return (id && fieldsById.value.get(id)) || [];
  }

  async function load(): Promise<void> {
    list.value = (await app.attempt('Loading experiment families', () => saddle().families.list())) ?? list.value;
  }

  return { list, byId, fields, load };
});
