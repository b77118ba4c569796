// A spec read back from a project file reaches spec validation without passing a request, so
// dispatch's "__proto__" check never saw it: validateSpec's own check is the one that refuses it
// when its runs are planned. Without it zod drops the key and the run starts without the user's value
// (a crafted or damaged file: JSON.parse keeps "__proto__" as an own key).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import type { SaddleService } from '../../src-main/core/service';
import { RecentProjects } from '../../src-main/core/recent';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const dir = tempDir();
let service: SaddleService;
beforeAll(() => {
  requireBuild();
  service = testService({ poolSize: 1, recent: new RecentProjects(dir) });
});
afterAll(() => service.close());

it('a stored experiment whose params hold a "__proto__" key is refused at runs.start, naming the key, and starts no run', async () => {
  const path = join(dir, 'stored.saddle');
  const store = ProjectStore.create(path, '0.1.0');
  const params = JSON.parse('{"__proto__": {"depth": 9}, "learningRate": 0.05}') as Record<string, unknown>;
  const experiment = store.insertExperiment({ family: 'dln-train', name: 'stored', params, sweep: {}, seeds: [0], notes: '', tags: [] });
  store.close();
  await service.dispatch('projects', 'open', { path });
  await expect(service.dispatch('runs', 'start', { experimentId: experiment.id })).rejects.toMatchObject({
    name: 'ExpectedError',
    issues: [{ path: 'params.__proto__', message: '"__proto__" is not allowed as a key' }],
  });
  expect(await service.dispatch('runs', 'list', { experimentId: experiment.id })).toEqual([]);
});
