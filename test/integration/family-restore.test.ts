// "Restore" of a family copy stored in a project file that may be crafted: every id and stored
// path must land inside the project's families folder, nothing existing is overwritten, and
// restoring one family trusts only that one.
import { afterEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ProjectStore } from '../../src-main/core/store/project-store';
import { restoreFamily } from '../../src-main/core/family-provenance';
import { experimentSpec, type FamilyInfo } from '../../src-main/contract';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

const appVersion = '0.0.0-test';
const open: ProjectStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});

/** A project whose only stored family copy is `familyId` with `files`, as a crafted file could hold. */
function craftedProject(familyId: string, files: { path: string; data: string }[], kind: 'script' | 'code' = 'script') {
  const dir = tempDir('saddle-restore-');
  const project = join(dir, 'projects', 'shared.saddle');
  mkdirSync(join(dir, 'projects'));
  const store = ProjectStore.create(project, appVersion);
  open.push(store);
  const { id } = store.insertExperiment(experimentSpec.parse({ family: 'mode-flow', name: 'crafted' }));
  const runIds = store.insertRuns(id, [{ params: {}, seed: 0 }]);
  store.familySources.record({ hash: createHash('sha256').update(familyId).digest('hex'), familyId, kind, location: '/elsewhere', files: files.map((f) => ({ path: f.path, data: Buffer.from(f.data) })) }, runIds);
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  return { dir, store, victim, familiesDir: join(dir, 'projects', 'shared.families') };
}

/** Every file and folder under `dir`, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('restoring a stored family', () => {
  it.each([
    ['an id with ..', '../../x', [{ path: 'run.py', data: 'x' }], /its id is not a family id/],
    ['an absolute id', '/tmp/x', [{ path: 'run.py', data: 'x' }], /its id is not a family id/],
    ['a path with ..', 'fam', [{ path: '../../victim.txt', data: 'owned' }], /"\.\.\/\.\.\/victim\.txt" has an empty, "\." or "\.\." part/],
    ['a .. in the middle', 'fam', [{ path: 'a/../../../victim.txt', data: 'owned' }], /has an empty, "\." or "\.\." part/],
    ['an absolute path', 'fam', [{ path: '/tmp/victim.txt', data: 'owned' }], /is absolute/],
    ['a backslash path', 'fam', [{ path: '..\\..\\victim.txt', data: 'owned' }], /is absolute \(or uses "\\"\)/],
    ['files that clash', 'fam', [{ path: 'a', data: 'file' }, { path: 'a/b', data: 'under a file' }], /its files clash with each other/],
  ])('refuses %s, writes nothing and leaves the victim as it was', (_what, familyId, files, message) => {
    const { dir, store, victim } = craftedProject(familyId, files);
    const before = tree(dir);
    expect(() => restoreFamily(store, familyId)).toThrow(message);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    // At most the (empty) families folder is new; nothing else anywhere under the temp folder.
    expect(tree(dir).filter((entry) => !before.includes(entry) && !entry.endsWith('shared.families'))).toEqual([]);
  });

  it('refuses a code family whose one file is a path, and a target reached through a symlink', () => {
    const code = craftedProject('geo', [{ path: 'sub/geo.mjs', data: 'export default 1' }], 'code');
    expect(() => restoreFamily(code.store, 'geo')).toThrow(/a code family is one module file/);

    const linked = craftedProject('fam', [{ path: 'run.py', data: 'owned' }]);
    mkdirSync(linked.familiesDir);
    const outside = join(linked.dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(linked.familiesDir, 'fam'));
    expect(() => restoreFamily(linked.store, 'fam')).toThrow(/^familyId: the project's copy of "fam" cannot be restored: .* exists already: move it away first\. Nothing was written\.$/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('writes a good copy once, and never over what is there', () => {
    const { store, familiesDir } = craftedProject('fam', [{ path: 'run.py', data: 'print(1)' }, { path: 'lib/util.py', data: 'x = 2' }]);
    expect(restoreFamily(store, 'fam')).toBe(join(familiesDir, 'fam'));
    expect(readFileSync(join(familiesDir, 'fam', 'lib', 'util.py'), 'utf8')).toBe('x = 2');
    writeFileSync(join(familiesDir, 'fam', 'run.py'), 'edited by the user');
    expect(() => restoreFamily(store, 'fam')).toThrow(/exists already/);
    expect(readFileSync(join(familiesDir, 'fam', 'run.py'), 'utf8')).toBe('edited by the user');
    expect(() => restoreFamily(store, 'other')).toThrow(/^familyId: the project holds no copy of "other"$/);
  });

  it("trusts only the family restored, not the project's other families", async () => {
    requireBuild();
    const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');
    const dir = tempDir('saddle-restore-');
    const project = join(dir, 'p.saddle');
    // The project was run where toy-decay was installed; here it is not, and the project's own
    // folder holds another script family that nobody trusted.
    const installed = tempDir('saddle-families-');
    cpSync(fixture, join(installed, 'toy-decay'), { recursive: true });
    const first = testService({ familyPaths: [installed] });
    try {
      await first.dispatch('projects', 'new', { path: project });
      const experiment = (await first.dispatch('experiments', 'create', { spec: { family: 'toy-decay', name: 'e', params: { steps: 3 } } })) as { id: number };
      await first.dispatch('runs', 'start', { experimentId: experiment.id });
      await first.waitForExperiment(experiment.id);
    } finally {
      await first.close();
    }
    const other = join(dir, 'p.families', 'other-fam');
    cpSync(fixture, other, { recursive: true });
    const manifestFile = join(other, 'saddle-family.json');
    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), id: 'other-fam' }));

    const here = testService();
    try {
      await here.dispatch('projects', 'open', { path: project });
      await here.dispatch('families', 'restore', { familyId: 'toy-decay' });
      const families = (await here.dispatch('families', 'list', {})) as FamilyInfo[];
      expect(families.find((f) => f.id === 'toy-decay')).toMatchObject({ origin: 'project', trusted: true });
      expect(families.find((f) => f.id === 'other-fam')).toMatchObject({ origin: 'project', trusted: false });
    } finally {
      await here.close();
    }
    expect(existsSync(join(dir, 'p.families', 'toy-decay', 'decay.py'))).toBe(true);
  });
});
