// The open project (one SQLite file), the recent list and the New / Open / Save As / Close flow.
// Electron asks for paths with native dialogs; the serve host has a path text field instead.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Output, ProjectInfo } from '../../../src-main/contract/api';
import { ApiError } from '../api/api-error';
import { saddle } from '../api/client';
import { useAppStore } from './app';

export type RecentProject = Output<'projects', 'recent'>[number];
type PathMode = 'open' | 'save';

export const useProjectStore = defineStore('project', () => {
  const app = useAppStore();
  const info = ref<ProjectInfo | null>(null);
  const recent = ref<RecentProject[]>([]);
  /** The serve host's path field. */
  const pathDraft = ref('');
  const busy = ref(false);
  /** Bumps whenever the project's contents must be reloaded: another project, or a reconnect. */
  const generation = ref(0);
  const isOpen = computed(() => info.value !== null);
  /** Writes other stores still owe the open project (the dashboard's queued view), done before it closes or another opens. */
  const pendingWrites = new Set<() => Promise<void>>();

  /** Registers `flush` (of a store that lives as long as the window) to run before the project closes or another opens. */
  function flushBeforeSwitch(flush: () => Promise<void>): void {
    pendingWrites.add(flush);
  }

  async function flushPendingWrites(): Promise<void> {
    await Promise.all([...pendingWrites].map((flush) => flush()));
  }

  function setCurrent(next: ProjectInfo | null): void {
    // A path the user has typed is kept: the answer to the first `projects.current` can arrive
    // after they typed (a loaded machine), and New would then have used the open project's path.
    const draftIsTheirs = pathDraft.value.trim() !== '' && pathDraft.value !== info.value?.path;
    info.value = next;
    if (next && !draftIsTheirs) pathDraft.value = next.path;
    generation.value++;
  }

  async function loadRecent(): Promise<void> {
    recent.value = (await app.attempt('Reading recent projects', () => saddle().projects.recent())) ?? recent.value;
  }

  /** Asks main which project is open (at start and after a reconnect) and reloads everything. */
  async function refresh(): Promise<void> {
    // An answer that arrives after New/Open/an event changed the project is older than what the page shows.
    const asked = generation.value;
    const current = await app.attempt('Reading the open project', () => saddle().projects.current());
    if (current !== undefined && generation.value === asked) setCurrent(current);
    await loadRecent();
  }

  async function choosePath(mode: PathMode, explicit: string | undefined): Promise<string | null> {
    if (explicit) return explicit;
    if (app.host === 'electron') return (await saddle().dialogs.pickProjectPath({ mode })).path;
    const typed = pathDraft.value.trim();
    if (typed === '') throw new ApiError({ kind: 'expected', message: 'Type the path of a project file first, e.g. /home/me/study.saddle.' });
    return typed;
  }

  async function withPath(context: string, mode: PathMode, explicit: string | undefined, action: (path: string) => Promise<ProjectInfo>): Promise<void> {
    if (busy.value) return;
    busy.value = true;
    try {
      const path = await choosePath(mode, explicit);
      if (path === null) return;
      await flushPendingWrites();
      setCurrent(await action(path));
      await loadRecent();
    } catch (error) {
      app.report(error, context);
    } finally {
      busy.value = false;
    }
  }

  const create = (path?: string) => withPath('Creating the project', 'save', path, (chosen) => saddle().projects.new({ path: chosen }));
  const open = (path?: string) => withPath('Opening the project', 'open', path, (chosen) => saddle().projects.open({ path: chosen }));
  // Electron's native Save dialog has already asked before a file is replaced.
  const saveAs = (path?: string) => withPath('Saving the project as', 'save', path, (chosen) => saveProjectAs(chosen, app.host === 'electron' && path === undefined));

  /** Save As onto a typed path that names an existing file asks the user before replacing it. */
  async function saveProjectAs(path: string, overwrite: boolean): Promise<ProjectInfo> {
    try {
      return await saddle().projects.saveAs({ path, overwrite });
    } catch (error) {
      if (!(error instanceof ApiError && error.issues.some((issue) => issue.path === 'overwrite'))) throw error;
      if (!window.confirm(`"${path}" already exists. Replace it with a copy of this project?`)) throw new ApiError({ kind: 'cancelled', message: 'Save As not confirmed' });
      return saddle().projects.saveAs({ path, overwrite: true });
    }
  }

  async function close(): Promise<void> {
    if (!info.value) return;
    await flushPendingWrites();
    const closed = await app.attempt('Closing the project', () => saddle().projects.close());
    if (closed) setCurrent(null);
  }

  saddle().on('project.changed', (next) => {
    // Only another file needs a reload; the same file reports new counts.
    if (next?.path === info.value?.path) info.value = next;
    else setCurrent(next);
  });

  return { info, recent, pathDraft, busy, generation, isOpen, flushBeforeSwitch, refresh, create, open, saveAs, close };
});
