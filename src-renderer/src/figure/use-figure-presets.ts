// Figure presets: the built-in column widths plus those saved in the project (exports.*Preset).
import { ref } from 'vue';
import type { FigurePreset, FigureSettings } from '../../../src-main/contract/api';
import { saddle } from '../api/client';
import { useAppStore } from '../stores/app';
import { useProjectStore } from '../stores/project';

export function useFigurePresets() {
  const app = useAppStore();
  const project = useProjectStore();
  const saved = ref<FigurePreset[]>([]);

  async function load(): Promise<void> {
    if (!project.isOpen) {
      saved.value = [];
      return;
    }
    saved.value = (await app.attempt('Reading figure presets', () => saddle().exports.listPresets({}))) ?? [];
  }

  async function save(name: string, settings: FigureSettings): Promise<FigurePreset | undefined> {
    const preset = await app.attempt('Saving the figure preset', () => saddle().exports.savePreset({ ...settings, name }));
    await load();
    return preset;
  }

  async function remove(id: number): Promise<void> {
    await app.attempt('Deleting the figure preset', () => saddle().exports.deletePreset({ id }));
    await load();
  }

  return { saved, load, save, remove };
}
