// A sweep that fills the disk, on a real small tmpfs (mounted here; we run as root in CI): a clear
// message and exit code 2 instead of a stack, the file intact, its finished runs complete, export
// working while the disk is still full, and the project usable once there is space again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { integrityCheck, readProject, runRows } from '../helpers/project-file';

const familyPath = join(repoRoot, 'test', 'fixtures', 'families');
const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
const mountPoint = join(tempDir('saddle-full-'), 'disk');
mkdirSync(mountPoint);
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mountPoint], { encoding: 'utf8' });
const mounted = mount.status === 0;
if (!mounted) console.warn(`the full-disk test is skipped: cannot mount a 6 MB tmpfs here (${(mount.stderr || mount.error?.message || '').trim()}); it needs root`);

beforeAll(requireBuild);
afterAll(() => {
  if (mounted) spawnSync('umount', [mountPoint]);
});

const steps = 200_000;
function expectClearRefusal(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!mounted)('a full disk', () => {
  it('ends the sweep with a clear message; the file is intact, finished runs complete, export works while full, and the project works again with space', async () => {
    const spec = join(tempDir(), 'fill.json');
    // Four runs of 200 000 points (about 3.2 MB each in the file): more than 6 MB.
    writeFileSync(spec, JSON.stringify({ family: 'toy-decay', name: 'fill', params: { steps }, seeds: [0, 1, 2, 3] }));
    const project = join(mountPoint, 'full.saddle');
    const run = () => runCli(['run', spec, '--project', project, '--family-path', familyPath], env());

    expectClearRefusal(await run(), /(^|\n)saddle-lab: disk full while writing .*full\.saddle; finished runs are kept\./);
    expect(integrityCheck(project)).toBe('ok');
    const pointsOf = (runId: number) => readProject(project, (db) => db.prepare("SELECT coalesce(sum(pointCount), 0) FROM series WHERE runId = ? AND metric = 'loss'").pluck().get(runId) as number);
    const finished = runRows(project).filter((r) => r.status === 'done');
    for (const row of finished) expect(pointsOf(row.id)).toBe(steps);
    // Nothing claims to be done that is not: the rest failed by the message, or is left for the next open.
    for (const row of runRows(project).filter((r) => r.status !== 'done')) {
      expect(['failed', 'running', 'queued']).toContain(row.status);
      if (row.status === 'failed') expect(row.error).toMatch(/^disk full while writing/);
    }

    // Still full: reading works, writing is refused plainly.
    const spec1 = await runCli(['export', '--project', project, '--experiment', '1', '--format', 'spec'], env());
    expect(spec1.code).toBe(0);
    expect(JSON.parse(spec1.stdout)).toMatchObject({ name: 'fill' });
    const csv = await runCli(['export', '--project', project, '--experiment', '1', '--max-points', '10'], env());
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\n')[0]).toContain('metric');
    expectClearRefusal(await run(), /disk full|the disk is full/);
    expect(integrityCheck(project)).toBe('ok');

    // With space again the project opens for writing; what the full disk cut off is marked.
    expect(spawnSync('mount', ['-o', 'remount,size=64m', mountPoint]).status).toBe(0);
    const small = join(tempDir(), 'small.json');
    writeFileSync(small, JSON.stringify({ family: 'toy-decay', name: 'after', params: { steps: 3 } }));
    const after = await runCli(['run', small, '--project', project, '--family-path', familyPath, '--json'], env());
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    const rows = runRows(project);
    expect(rows.filter((r) => ['queued', 'running'].includes(r.status))).toEqual([]);
    expect(rows.filter((r) => r.status === 'done').length).toBeGreaterThanOrEqual(finished.length + 1);
    expect(integrityCheck(project)).toBe('ok');
  });
});
