// The serve host's project path field against a fake host: a path typed before the page learned
// which project is open is not overwritten by that answer, so New creates the typed file (on a
// loaded machine the answer came late and New tried to create the open project's path again), and
// an answer that arrives after New does not put the old project back on the page.
import { createPinia, setActivePinia } from 'pinia';
// The renderer's global types (window.saddle), which the stores read.
import type {} from '../../src-renderer/env';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectInfo } from '../../src-main/contract/api';

const info = (path: string) => ({ path, name: path.split('/').at(-1), experiments: 0, runs: 0 }) as unknown as ProjectInfo;
let answerCurrent: (current: ProjectInfo | null) => void = () => undefined;
const created: string[] = [];
const fakeApi = {
  on: () => () => undefined,
  projects: {
    current: () => new Promise<ProjectInfo | null>((resolve) => (answerCurrent = resolve)),
    recent: async () => [],
    new: async ({ path }: { path: string }) => (created.push(path), info(path)),
    // As the service answers: a file already at the path is refused, naming `overwrite`, unless it is true.
    saveAs: async ({ path, overwrite }: { path: string; overwrite?: boolean }) => {
      saveCalls.push({ path, overwrite });
      if (existing.has(path) && overwrite !== true) {
        throw new ApiError({ kind: 'expected', message: `path: "${path}" already exists.`, issues: [{ path: 'path', message: 'already exists' }, { path: 'overwrite', message: 'must be true' }] });
      }
      return info(path);
    },
  },
};
const existing = new Set(['/tmp/taken.saddle']);
const saveCalls: { path: string; overwrite?: boolean }[] = [];
const connection = { status: () => ({ state: 'open', retryAtMs: null, openCount: 1 }), onStatus: () => () => undefined, retryNow: () => undefined };
vi.mock('../../src-renderer/src/api/client', () => ({ saddle: () => fakeApi, saddleClient: () => ({ api: fakeApi, connection }) }));

// A page of the serve host: no preload bridge (window.saddle), so paths come from the field.
const confirmed: string[] = [];
let confirmAnswer = false;
vi.stubGlobal('window', { confirm: (question: string) => (confirmed.push(question), confirmAnswer) });
const { useProjectStore } = await import('../../src-renderer/src/stores/project');
const { useAppStore } = await import('../../src-renderer/src/stores/app');
const { ApiError } = await import('../../src-renderer/src/api/api-error');

describe('the project path field', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    created.length = 0;
    saveCalls.length = 0;
    confirmed.length = 0;
  });

  it('keeps a path typed before the open project is known, and New creates that file', async () => {
    const project = useProjectStore();
    const refreshed = project.refresh();
    project.pathDraft = '/tmp/new.saddle';
    answerCurrent(info('/tmp/open.saddle'));
    await refreshed;
    expect(project.info?.path).toBe('/tmp/open.saddle');
    expect(project.pathDraft).toBe('/tmp/new.saddle');
    await project.create();
    expect(created).toEqual(['/tmp/new.saddle']);
    expect(project.pathDraft).toBe('/tmp/new.saddle');
  });

  it('shows the open project in an untouched field, and follows it to the next one', async () => {
    const project = useProjectStore();
    const refreshed = project.refresh();
    answerCurrent(info('/tmp/open.saddle'));
    await refreshed;
    expect(project.pathDraft).toBe('/tmp/open.saddle');
    await project.create('/tmp/other.saddle');
    expect(project.pathDraft).toBe('/tmp/other.saddle');
  });

  it('ignores an answer to the first projects.current that arrives after New opened the typed file', async () => {
    const project = useProjectStore();
    const refreshed = project.refresh();
    project.pathDraft = '/tmp/new.saddle';
    await project.create();
    answerCurrent(info('/tmp/open.saddle'));
    await refreshed;
    expect(project.info?.path).toBe('/tmp/new.saddle');
    expect(project.pathDraft).toBe('/tmp/new.saddle');
  });

  it('Save As onto a typed path that exists asks first: declined, nothing is replaced; confirmed, it is sent with overwrite', async () => {
    const project = useProjectStore();
    const app = useAppStore();
    const refreshed = project.refresh();
    answerCurrent(info('/tmp/open.saddle'));
    await refreshed;

    project.pathDraft = '/tmp/taken.saddle';
    confirmAnswer = false;
    await project.saveAs();
    expect(saveCalls).toEqual([{ path: '/tmp/taken.saddle', overwrite: false }]);
    expect(confirmed).toEqual(['"/tmp/taken.saddle" already exists. Replace it with a copy of this project?']);
    expect(project.info?.path).toBe('/tmp/open.saddle');
    expect(app.errors).toEqual([]);

    confirmAnswer = true;
    await project.saveAs();
    expect(saveCalls.slice(1)).toEqual([
      { path: '/tmp/taken.saddle', overwrite: false },
      { path: '/tmp/taken.saddle', overwrite: true },
    ]);
    expect(project.info?.path).toBe('/tmp/taken.saddle');

    project.pathDraft = '/tmp/free.saddle';
    await project.saveAs();
    expect(saveCalls.at(-1)).toEqual({ path: '/tmp/free.saddle', overwrite: false });
    expect(confirmed).toHaveLength(2);
  });
});
