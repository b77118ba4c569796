// Ctrl-C (SIGINT) or SIGTERM on `saddle-lab run`: a real script family run through the real CLI is
// cancelled, its process group (with a grandchild) killed, its temp folder removed, its runs stored
// as cancelled in a project that closed cleanly, and the CLI exits 130 / 143.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin, repoRoot, requireBuild, tempDir } from '../helpers/paths';

const fixture = join(repoRoot, 'test', 'fixtures', 'families', 'toy-decay');

beforeAll(requireBuild);

interface Announce {
  pid: number;
  pgid: number;
  cwd: string;
  child: number;
}

/** Resolves with the file's JSON once it appears (the script writes it whole, by a rename). */
function whenWritten(path: string): Promise<Announce> {
  return new Promise((resolve) => {
    const read = () => resolve(JSON.parse(readFileSync(path, 'utf8')) as Announce);
    const watcher = watch(join(path, '..'), (_, name) => {
      if (name !== 'announce.json' || !existsSync(path)) return;
      watcher.close();
      read();
    });
    if (existsSync(path)) {
      watcher.close();
      read();
    }
  });
}

/** Live (not zombie) processes of a process group, read from /proc. */
function liveMembers(pgid: number): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      return [];
    }
    // pid (comm) state ppid pgrp …: comm may hold spaces, so read after its closing parenthesis.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(pgrp) === pgid && state !== 'Z' ? [Number(name)] : [];
  });
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('saddle-lab run ended by %s', (signal, exitCode) => {
  it(`cancels the running script run and the queued one, cleans up and exits ${exitCode}`, async () => {
    const dir = tempDir();
    const families = join(dir, 'families');
    mkdirSync(families);
    cpSync(fixture, join(families, 'toy-decay'), { recursive: true });
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ family: 'toy-decay', name: 'interrupted', params: { steps: 5, mode: 'hang' }, seeds: [0, 1] }));
    const project = join(dir, 'p.saddle');
    const announce = join(dir, 'announce.json');
    const cli = spawn(process.execPath, [cliBin, 'run', spec, '--project', project, '--pool', '1', '--family-path', families], {
      cwd: repoRoot,
      env: { ...process.env, SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-'), TOY_DECAY_ANNOUNCE: announce },
    });
    let stderr = '';
    cli.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));

    const started = await Promise.race([
      whenWritten(announce),
      exited.then((code) => Promise.reject(new Error(`the CLI ended (${code}) before the run started:\n${stderr}`))),
    ]);
    expect(liveMembers(started.pgid)).toEqual(expect.arrayContaining([started.pid, started.child]));
    expect(existsSync(started.cwd)).toBe(true);
    cli.kill(signal);

    expect(await exited, stderr).toBe(exitCode);
    expect(stderr).toContain(`${signal}: cancelling the running runs`);
    expect(liveMembers(started.pgid)).toEqual([]);
    expect(existsSync(started.cwd)).toBe(false);
    // Closed cleanly: SQLite folds its write-ahead log in and removes it when the last connection closes.
    expect(existsSync(`${project}-wal`)).toBe(false);
    // …and the project's writer lock is given back.
    expect(existsSync(`${project}.lock`)).toBe(false);
    // Read as stored, not through ProjectStore.open, which would mark runs left running itself.
    const db = new Database(project, { readonly: true });
    try {
      expect(db.prepare('SELECT seed, status FROM runs ORDER BY seed').all()).toEqual([
        { seed: 0, status: 'cancelled' },
        { seed: 1, status: 'cancelled' },
      ]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});

describe('saddle-lab claims ended by SIGINT', () => {
  it('stops after the example that was running, its runs cancelled, and exits 130 without verdicts', async () => {
    const project = join(tempDir(), 'claims.saddle');
    const cli = spawn(process.execPath, [cliBin, 'claims', '--claim', '000-5', '--quick', '--project', project], { cwd: repoRoot, env: { ...process.env, SADDLE_LAB_CONFIG_DIR: tempDir('saddle-config-') } });
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => cli.on('close', (code) => resolve(code)));
    // The command names each example as it starts it.
    await new Promise<void>((resolve) =>
      cli.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.includes('▶ mirror-descent-fig2 --quick')) resolve();
      }),
    );
    cli.kill('SIGINT');
    expect(await exited, stdout).toBe(130);
    expect(stdout).not.toMatch(/claims, \d+ examples in/);
    const db = new Database(project, { readonly: true });
    try {
      const statuses = db.prepare('SELECT DISTINCT status FROM runs').pluck().all() as string[];
      expect(statuses.filter((status) => status !== 'done' && status !== 'cancelled')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
