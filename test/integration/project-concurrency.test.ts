// Two real CLI processes on one project (no mocks): the single-writer lock, exclusive creation,
// read-only export beside a writer, and kill -9 at three moments of a sweep. Every trial counts
// crashes (an exit other than 0/1/2, or a stack on stderr) and damaged files (integrity_check).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startCli, type CliResult } from '../helpers/cli';
import { repoRoot, requireBuild, tempDir } from '../helpers/paths';
import { integrityCheck, readProject, runRows, seriesBytes, waitUntil } from '../helpers/project-file';
import { interruptedRunError } from '../../src-main/core/store/project-store';

const familyPath = join(repoRoot, 'test', 'fixtures', 'families');
const env = () => ({ SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') });
const lockedMessage = /is open in another Saddle Lab process \(pid \d+, since .* UTC\)\. A project has one writer at a time/;
/** Gates the tests opened; all are released at the end so no script is left waiting. */
const gates: string[] = [];

beforeAll(requireBuild);
afterAll(() => {
  for (const gate of gates) writeFileSync(gate, '');
});

function specFile(dir: string, name: string, spec: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ family: 'toy-decay', name, ...spec }));
  return file;
}

function gate(dir: string, name: string): string {
  const file = join(dir, `${name}.gate`);
  gates.push(file);
  return file;
}

function run(spec: string, project: string, extra: string[] = []) {
  return startCli(['run', spec, '--project', project, '--family-path', familyPath, '--json', ...extra], env());
}

/** A crash: any exit but 0 (all done), 1 (some runs not done) or 2 (a refused request), or a stack trace. */
function isCrash(result: CliResult): boolean {
  return result.code === null || ![0, 1, 2].includes(result.code) || /\n\s+at /.test(result.stderr);
}

function statusOf(project: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!existsSync(project)) return counts;
  for (const row of runRows(project)) counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  return counts;
}

describe('one writer per project', () => {
  it('a second run into a project another process is running into is refused by name; export reads it meanwhile; the first finishes untouched', async () => {
    const dir = tempDir();
    const project = join(dir, 'shared.saddle');
    const release = gate(dir, 'first');
    const first = run(specFile(dir, 'first', { params: { steps: 5, gateFile: release }, seeds: [0, 1] }), project, ['--pool', '1']);
    await waitUntil(() => statusOf(project).get('running') === 1, first.result);

    const second = await runCli(['run', specFile(dir, 'second', { params: { steps: 5 } }), '--project', project, '--family-path', familyPath], env());
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(lockedMessage);
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(isCrash(second)).toBe(false);

    const exported = await runCli(['export', '--project', project, '--experiment', '1', '--format', 'spec'], env());
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout)).toMatchObject({ family: 'toy-decay', name: 'first' });
    // Neither the refused run nor the export touched the first process's runs.
    expect(statusOf(project)).toEqual(new Map([['running', 1], ['queued', 1]]));

    writeFileSync(release, '');
    const done = await first.result;
    expect(done.code).toBe(0);
    expect(runRows(project).map((r) => r.status)).toEqual(['done', 'done']);
    expect(integrityCheck(project)).toBe('ok');
    expect(existsSync(`${project}.lock`)).toBe(false);
  });

  it('a run into the project a serve host holds is refused by name, and the host keeps it until it stops', async () => {
    const dir = tempDir();
    const project = join(dir, 'served.saddle');
    const host = startCli(['serve', '--port', '0', '--project', project], env());
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      host.child.stdout?.on('data', (chunk) => {
        seen += String(chunk);
        if (seen.includes('is serving on')) resolve();
      });
      void host.result.then((r) => reject(new Error(`the serve host ended first: ${r.stderr}`)));
    });
    const refused = await runCli(['run', specFile(dir, 'into-host', { params: { steps: 3 } }), '--project', project, '--family-path', familyPath], env());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(lockedMessage);
    expect(refused.stderr).toContain(`pid ${host.child.pid}`);
    expect(isCrash(refused)).toBe(false);
    host.child.kill('SIGTERM');
    expect((await host.result).code).toBe(0);
    expect(existsSync(`${project}.lock`)).toBe(false);
    expect(integrityCheck(project)).toBe('ok');
  });

  it('two runs started together into one project, existing and new: no crash, no damaged file, every run of the process that got it done', async () => {
    const dir = tempDir();
    const outcomes = { crashes: 0, damaged: 0, refused: 0, ran: 0 };
    const trials: { project: string; existing: boolean }[] = [];
    for (let i = 0; i < 3; i++) trials.push({ project: join(dir, `existing-${i}.saddle`), existing: true }, { project: join(dir, `new-${i}.saddle`), existing: false });
    const spec = specFile(dir, 'pair', { params: { steps: 200 }, seeds: [0, 1, 2] });
    for (const trial of trials) {
      if (trial.existing) expect((await runCli(['run', spec, '--project', trial.project, '--family-path', familyPath, '--json'], env())).code).toBe(0);
      const before = trial.existing ? 3 : 0;
      const results = await Promise.all([run(spec, trial.project).result, run(spec, trial.project).result]);
      for (const result of results) {
        if (isCrash(result)) outcomes.crashes++;
        else if (result.code === 2) {
          outcomes.refused++;
          expect(result.stderr).toMatch(new RegExp(`${lockedMessage.source}|already exists\\. Choose another name`));
        } else {
          outcomes.ran++;
          expect(result.code).toBe(0);
        }
      }
      if (integrityCheck(trial.project) !== 'ok') outcomes.damaged++;
      const rows = runRows(trial.project);
      // Each process that got the project ran its three runs to the end; nothing was left half done.
      expect(rows.filter((r) => r.status === 'done')).toHaveLength(rows.length);
      expect(rows.length - before).toBe(3 * results.filter((r) => r.code === 0).length);
      expect(existsSync(`${trial.project}.lock`)).toBe(false);
    }
    expect({ crashes: outcomes.crashes, damaged: outcomes.damaged }).toEqual({ crashes: 0, damaged: 0 });
    expect(outcomes.ran).toBeGreaterThanOrEqual(trials.length);
  });
});

describe('kill -9 during a sweep', () => {
  // Runs whose gate is set wait before their last point (its other points written); the rest run
  // to the end. With the pool as wide as the gated runs and the sweep, the kill lands in a known state.
  const moments = [
    { name: 'start: two runs streaming, two queued, none done', gated: [true, true, true, true], pool: 2, steps: 1 },
    { name: 'middle: two runs done, two streaming', gated: [false, false, true, true], pool: 4, steps: 400 },
    { name: 'end: three runs done, the last nearly', gated: [false, false, false, true], pool: 4, steps: 4000 },
  ];
  /** toy-decay with a timeout far past any wait here (its own 20 s could end a gated run on a busy machine). */
  function patientFamilies(): string {
    const dir = tempDir('saddle-families-');
    cpSync(join(familyPath, 'toy-decay'), join(dir, 'toy-decay'), { recursive: true });
    const manifestFile = join(dir, 'toy-decay', 'saddle-family.json');
    writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), limits: { timeoutSeconds: 600 } }));
    return dir;
  }

  it.each(moments)('at the $name: integrity ok, finished runs byte-identical to an uninterrupted sweep, the rest cancelled on reopening', async ({ gated, pool, steps }) => {
    const dir = tempDir();
    const families = patientFamilies();
    const release = gate(dir, 'kill');
    const spec = specFile(dir, 'killed', { params: { steps }, sweep: { gateFile: gated.map((g) => (g ? release : '')) } });
    const runInto = (project: string) =>
      startCli(['run', spec, '--project', project, '--family-path', families, '--json', '--pool', String(pool)], env());
    const project = join(dir, 'killed.saddle');
    const victim = runInto(project);
    const ungated = gated.filter((g) => !g).length;
    const streaming = Math.min(pool, gated.length) - ungated;
    await waitUntil(() => {
      const counts = statusOf(project);
      if ((counts.get('done') ?? 0) !== ungated || (counts.get('running') ?? 0) !== streaming) return false;
      const running = runRows(project).filter((r) => r.status === 'running');
      const points = (runId: number) => readProject(project, (db) => db.prepare("SELECT coalesce(sum(pointCount), 0) FROM series WHERE runId = ? AND metric = 'loss'").pluck().get(runId) as number);
      return running.every((r) => points(r.id) === steps - 1);
    }, victim.result);
    victim.child.kill('SIGKILL');
    expect((await victim.result).signal).toBe('SIGKILL');
    expect(integrityCheck(project)).toBe('ok');

    // The same sweep uninterrupted (its gate open from the start), into its own project.
    writeFileSync(release, '');
    const reference = join(dir, 'reference.saddle');
    expect((await runInto(reference).result).code).toBe(0);

    // Reopening for writing (a run into it) takes over the dead process's lock and marks what it left.
    expect(existsSync(`${project}.lock`)).toBe(true);
    const reopen = await runCli(['run', specFile(dir, 'after', { params: { steps: 3 } }), '--project', project, '--family-path', families, '--json'], env());
    expect(reopen.stderr).toBe('');
    expect(reopen.code).toBe(0);
    expect(integrityCheck(project)).toBe('ok');

    const killed = runRows(project).slice(0, gated.length);
    const uninterrupted = runRows(reference);
    killed.forEach((row, i) => {
      if (gated[i]) {
        expect(row).toMatchObject({ status: 'cancelled', error: interruptedRunError });
      } else {
        expect(row.status).toBe('done');
        expect(row.summaryJson).toBe(uninterrupted[i].summaryJson);
        expect(seriesBytes(project, row.id)).toEqual(seriesBytes(reference, uninterrupted[i].id));
      }
    });
  });
});
