// The schema runner and each migration, on real files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectFileError } from '../../src-main/core/store/errors';
import { currentSchemaVersion, migrate, readSchemaVersion } from '../../src-main/core/store/migrate';
import { migrations, type Migration } from '../../src-main/core/store/migrations';
import { up as initial } from '../../src-main/core/store/migrations/001-initial';
import { up as figurePresets } from '../../src-main/core/store/migrations/002-figure-presets';
import { up as slurmJobs } from '../../src-main/core/store/migrations/003-slurm-jobs';
import { up as familySources } from '../../src-main/core/store/migrations/004-family-sources';
import { up as loggedRuns } from '../../src-main/core/store/migrations/005-logged-runs';
import { up as runMedia } from '../../src-main/core/store/migrations/006-run-media';
import { up as summariesView } from '../../src-main/core/store/migrations/007-summaries-view';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'saddle-migrate-'));
  db = new Database(path.join(dir, 'schema.saddle'));
  db.pragma('foreign_keys = ON');
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tables = () => db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
const firstOnly: Migration[] = [{ version: 1, name: 'initial', up: initial }];

describe('the runner', () => {
  it('brings a fresh database to the current version, and a second run does nothing', () => {
    expect(migrate(db)).toEqual({ fromVersion: 0, toVersion: currentSchemaVersion });
    expect(readSchemaVersion(db)).toBe(currentSchemaVersion);
    expect(currentSchemaVersion).toBe(migrations.length);
    expect(migrate(db)).toEqual({ fromVersion: currentSchemaVersion, toVersion: currentSchemaVersion });
  });

  it('runs only the pending steps, in order', () => {
    const ran: number[] = [];
    const step = (version: number): Migration => ({ version, name: `step ${version}`, up: () => ran.push(version) });
    migrate(db, [step(1)]);
    migrate(db, [step(1), step(2), step(3)]);
    expect(ran).toEqual([1, 2, 3]);
    expect(readSchemaVersion(db)).toBe(3);
  });

  it('refuses a database from a newer version and leaves it alone', () => {
    db.pragma(`user_version = ${currentSchemaVersion + 1}`);
    expect(() => migrate(db)).toThrow(ProjectFileError);
    expect(() => migrate(db)).toThrow(/made by a newer version of Saddle Lab/);
    expect(readSchemaVersion(db)).toBe(currentSchemaVersion + 1);
    expect(tables()).toEqual([]);
  });

  it('a migration that throws rolls back every pending step, user_version included', () => {
    const failing: Migration = {
      version: 2,
      name: 'half done',
      up(connection) {
        connection.exec('CREATE TABLE halfDone (id INTEGER) STRICT');
        throw new Error('disk on fire');
      },
    };
    expect(() => migrate(db, [...firstOnly, failing])).toThrow(/Schema migration 2 \(half done\) failed.*disk on fire/);
    expect(readSchemaVersion(db)).toBe(0);
    expect(tables()).toEqual([]);

    migrate(db, firstOnly);
    const before = tables();
    expect(() => migrate(db, [...firstOnly, failing])).toThrow(/disk on fire/);
    expect(readSchemaVersion(db)).toBe(1);
    expect(tables()).toEqual(before);
  });

  it('a migration that leaves a broken foreign key is not committed', () => {
    migrate(db, firstOnly);
    const orphan: Migration = {
      version: 2,
      name: 'orphan run',
      up: (connection) => {
        connection.exec("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (99, '{}', 0, 'done', 0, 'x')");
      },
    };
    expect(() => migrate(db, [...firstOnly, orphan])).toThrow(/broken foreign key/);
    expect(readSchemaVersion(db)).toBe(1);
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(0);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('rejects a list that is not numbered 1, 2, 3, ...', () => {
    expect(() => migrate(db, [{ version: 2, name: 'gap', up: () => undefined }])).toThrow(/numbered 1, 2, 3/);
    expect(readSchemaVersion(db)).toBe(0);
  });
});

describe('001-initial', () => {
  beforeEach(() => migrate(db, firstOnly));

  const columns = (table: string) => db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table);
  const insertExperiment = () =>
    Number(
      db
        .prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'mode-flow', '{}', '{}', '[0]', 1, 1)")
        .run().lastInsertRowid,
    );
  const insertRun = (experimentId: number, status = 'queued') =>
    Number(
      db
        .prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (?, '{}', 0, ?, 1, 'v')")
        .run(experimentId, status).lastInsertRowid,
    );

  it('creates the documented STRICT tables with units in the column names', () => {
    expect(tables()).toEqual(['analyses', 'dashboards', 'experiments', 'meta', 'runs', 'series', 'summaries']);
    const notStrict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0").pluck().all();
    expect(notStrict).toEqual([]);
    expect(columns('experiments')).toEqual(['id', 'name', 'family', 'paramsJson', 'sweepJson', 'seedsJson', 'notes', 'tagsJson', 'createdAtMs', 'updatedAtMs']);
    expect(columns('runs')).toEqual([
      'id', 'experimentId', 'paramsJson', 'seed', 'status', 'progress', 'queuedAtMs', 'startedAtMs', 'finishedAtMs',
      'error', 'device', 'appVersion', 'tagsJson', 'notes', 'summaryJson', 'theoryJson',
    ]);
    expect(columns('series')).toEqual(['runId', 'metric', 'chunkIndex', 'pointCount', 'x', 'y']);
    expect(columns('summaries')).toEqual(['runId', 'key', 'value']);
    expect(columns('analyses')).toEqual(['experimentId', 'analysisId', 'computedAtMs', 'resultJson']);
    expect(columns('dashboards')).toEqual(['id', 'experimentId', 'name', 'layoutJson', 'updatedAtMs']);
    expect(columns('meta')).toEqual(['key', 'value']);
  });

  it('indexes the lookups the store makes', () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
    expect(plan('SELECT * FROM runs WHERE experimentId = 1')).toMatch(/USING INDEX runsByExperiment/);
    expect(plan("SELECT x, y FROM series WHERE runId = 1 AND metric = 'loss' ORDER BY chunkIndex")).toMatch(/USING INDEX sqlite_autoindex_series_1/);
    expect(plan("SELECT runId FROM summaries WHERE key = 'finalLoss' AND value < 1")).toMatch(/USING (COVERING )?INDEX summariesByKey/);
    expect(plan('SELECT * FROM dashboards WHERE experimentId IS 1')).toMatch(/USING INDEX dashboardsByExperiment/);
  });

  it('enforces the run status values, JSON columns and blob sizes', () => {
    const experimentId = insertExperiment();
    expect(() => insertRun(experimentId, 'paused')).toThrow(/CHECK constraint/);
    expect(() => db.prepare("UPDATE experiments SET paramsJson = '{oops' WHERE id = ?").run(experimentId)).toThrow(/CHECK constraint/);
    const runId = insertRun(experimentId);
    const insertChunk = db.prepare("INSERT INTO series (runId, metric, chunkIndex, pointCount, x, y) VALUES (?, 'loss', 0, ?, ?, ?)");
    expect(() => insertChunk.run(runId, 2, Buffer.alloc(16), Buffer.alloc(8))).toThrow(/CHECK constraint/);
    expect(() => insertChunk.run(runId, 2, 'not a blob', Buffer.alloc(16))).toThrow(/cannot store TEXT value in BLOB column/);
    insertChunk.run(runId, 2, Buffer.alloc(16), Buffer.alloc(16));
  });

  it('deleting an experiment cascades to runs, series, summaries, analyses, dashboards', () => {
    const experimentId = insertExperiment();
    const runId = insertRun(experimentId);
    db.prepare("INSERT INTO series VALUES (?, 'loss', 0, 0, x'', x'')").run(runId);
    db.prepare("INSERT INTO summaries VALUES (?, 'finalLoss', 0.5)").run(runId);
    db.prepare("INSERT INTO analyses VALUES (?, 'fit', 1, '{}')").run(experimentId);
    db.prepare("INSERT INTO dashboards (experimentId, name, layoutJson, updatedAtMs) VALUES (?, 'd', '{}', 1)").run(experimentId);
    db.prepare('DELETE FROM experiments WHERE id = ?').run(experimentId);
    for (const table of ['runs', 'series', 'summaries', 'analyses', 'dashboards']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
  });
});

describe('002-figure-presets', () => {
  const upToTwo: Migration[] = [...firstOnly, { version: 2, name: 'figure presets', up: figurePresets }];
  const insert = (name: string, widthIn: number, dpi = 300) =>
    db
      .prepare("INSERT INTO figurePresets (name, widthIn, heightIn, fontFamily, fontSizePt, dpi, updatedAtMs) VALUES (?, ?, 2.5, 'Helvetica', 8, ?, 1)")
      .run(name, widthIn, dpi);

  it('upgrades a version-1 project that has data, keeping it, and adds the STRICT presets table', () => {
    migrate(db, firstOnly);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'mode-flow', '{}', '{}', '[0]', 1, 1)").run();
    expect(migrate(db, upToTwo)).toEqual({ fromVersion: 1, toVersion: 2 });
    expect(db.prepare('SELECT count(*) FROM experiments').pluck().get()).toBe(1);
    expect(tables()).toContain('figurePresets');
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('figurePresets')).toEqual([
      'id', 'name', 'widthIn', 'heightIn', 'fontFamily', 'fontSizePt', 'dpi', 'updatedAtMs',
    ]);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'figurePresets'").pluck().get()).toBe(1);
  });

  it('keeps preset names unique and sizes positive', () => {
    migrate(db, upToTwo);
    insert('single', 3.35);
    expect(() => insert('single', 7)).toThrow(/UNIQUE constraint/);
    expect(() => insert('zero', 0)).toThrow(/CHECK constraint/);
    expect(() => insert('no dpi', 3, 0)).toThrow(/CHECK constraint/);
  });
});

describe('003-slurm-jobs', () => {
  const upToTwo: Migration[] = [...firstOnly, { version: 2, name: 'figure presets', up: figurePresets }];
  const upToThree: Migration[] = [...upToTwo, { version: 3, name: 'slurm jobs', up: slurmJobs }];

  it('upgrades a version-2 project keeping its runs, series and summaries, and allows the submitted status', () => {
    migrate(db, upToTwo);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'mode-flow', '{}', '{}', '[0]', 1, 1)").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion, summaryJson) VALUES (1, '{\"a\":1}', 7, 'done', 5, 'v', '{}')").run();
    db.prepare("INSERT INTO series VALUES (1, 'loss', 0, 1, ?, ?)").run(Buffer.alloc(8), Buffer.alloc(8));
    db.prepare("INSERT INTO summaries VALUES (1, 'finalLoss', 0.5)").run();
    expect(() => db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'submitted', 1, 'v')").run()).toThrow(/CHECK constraint/);

    expect(migrate(db, upToThree)).toEqual({ fromVersion: 2, toVersion: 3 });
    expect(db.prepare('SELECT id, paramsJson, seed, status FROM runs').all()).toEqual([{ id: 1, paramsJson: '{"a":1}', seed: 7, status: 'done' }]);
    expect(db.prepare('SELECT count(*) FROM series').pluck().get()).toBe(1);
    expect(db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'submitted', 1, 'v')").run().lastInsertRowid).toBe(2);
    expect(() => db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'paused', 1, 'v')").run()).toThrow(/CHECK constraint/);
    const notStrict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0").pluck().all();
    expect(notStrict).toEqual([]);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM runs WHERE experimentId = 1').all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join()).toMatch(/USING INDEX runsByExperiment/);
  });

  it('keeps the cascades: deleting a run or an experiment removes its series, summaries and Slurm rows', () => {
    migrate(db, upToThree);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'mode-flow', '{}', '{}', '[0]', 1, 1)").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'submitted', 1, 'v')").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 1, 'submitted', 1, 'v')").run();
    db.prepare("INSERT INTO series VALUES (1, 'loss', 0, 0, x'', x'')").run();
    db.prepare("INSERT INTO slurmJobs VALUES ('42', 1, '/tmp/job', 2, '{}', 1, 'PENDING', NULL)").run();
    db.prepare("INSERT INTO slurmRuns (runId, jobId, taskIndex, shardRunId) VALUES (1, '42', 0, 1), (2, '42', 1, 1)").run();
    expect(() => db.prepare("INSERT INTO slurmRuns (runId, jobId, taskIndex, shardRunId) VALUES (2, 'nope', 0, 1)").run()).toThrow(/constraint/);
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM series').pluck().get()).toBe(0);
    expect(db.prepare('SELECT runId FROM slurmRuns').pluck().all()).toEqual([2]);
    db.prepare('DELETE FROM experiments WHERE id = 1').run();
    for (const table of ['runs', 'slurmJobs', 'slurmRuns']) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });
});

describe('004-family-sources', () => {
  const upToThree: Migration[] = [...firstOnly, { version: 2, name: 'figure presets', up: figurePresets }, { version: 3, name: 'slurm jobs', up: slurmJobs }];
  const upToFour: Migration[] = [...upToThree, { version: 4, name: 'family sources', up: familySources }];
  const hash = 'a'.repeat(64);

  it('upgrades a version-3 project keeping its runs, and adds STRICT tables whose copies follow their runs', () => {
    migrate(db, upToThree);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'toy', '{}', '{}', '[0]', 1, 1)").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'done', 1, 'v')").run();
    expect(migrate(db, upToFour)).toEqual({ fromVersion: 3, toVersion: 4 });
    expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
    const notStrict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0").pluck().all();
    expect(notStrict).toEqual([]);
    db.prepare("INSERT INTO familySources VALUES (?, 'toy', 'script', '/f/toy', 1)").run(hash);
    db.prepare("INSERT INTO familySourceFiles VALUES (?, 'run.py', x'00')").run(hash);
    db.prepare("INSERT INTO runSources (runId, hash, stderr) VALUES (1, ?, 'warning')").run(hash);
    expect(() => db.prepare("INSERT INTO familySources VALUES ('short', 'toy', 'script', '/f', 1)").run()).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO familySources VALUES (?, 'toy', 'wasm', '/f', 1)").run('b'.repeat(64))).toThrow(/CHECK constraint/);
    expect(() => db.prepare("INSERT INTO runSources (runId, hash) VALUES (1, ?)").run('c'.repeat(64))).toThrow(/constraint/);
    db.prepare('DELETE FROM experiments WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM runSources').pluck().get()).toBe(0);
    // The copy itself stays (another project run may point at it; it is small).
    expect(db.prepare('SELECT count(*) FROM familySourceFiles').pluck().get()).toBe(1);
  });
});

describe('005-logged-runs', () => {
  const upToFour: Migration[] = [
    ...firstOnly,
    { version: 2, name: 'figure presets', up: figurePresets },
    { version: 3, name: 'slurm jobs', up: slurmJobs },
    { version: 4, name: 'family sources', up: familySources },
  ];
  const upToFive: Migration[] = [...upToFour, { version: 5, name: 'logged runs', up: loggedRuns }];

  it('upgrades a version-4 project keeping its runs, series and run sources; allows crashed; origins follow their runs', () => {
    migrate(db, upToFour);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'toy', '{}', '{}', '[0]', 1, 1)").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion, summaryJson) VALUES (1, '{\"a\":1}', 3, 'done', 1, 'v', '{\"loss\":0.5}')").run();
    db.prepare("INSERT INTO series (runId, metric, chunkIndex, pointCount, x, y) VALUES (1, 'loss', 0, 1, ?, ?)").run(Buffer.alloc(8), Buffer.alloc(8));
    db.prepare("INSERT INTO familySources VALUES (?, 'toy', 'script', '/f/toy', 1)").run('a'.repeat(64));
    db.prepare("INSERT INTO runSources (runId, hash) VALUES (1, ?)").run('a'.repeat(64));
    expect(() => db.prepare("UPDATE runs SET status = 'crashed'").run()).toThrow(/CHECK constraint/);

    expect(migrate(db, upToFive)).toEqual({ fromVersion: 4, toVersion: 5 });
    expect(db.prepare('SELECT paramsJson, seed, status, summaryJson FROM runs').get()).toEqual({ paramsJson: '{"a":1}', seed: 3, status: 'done', summaryJson: '{"loss":0.5}' });
    expect(db.prepare('SELECT count(*) FROM series').pluck().get()).toBe(1);
    db.prepare("UPDATE runs SET status = 'crashed'").run();
    const notStrict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0").pluck().all();
    expect(notStrict).toEqual([]);
    const origin = db.prepare("INSERT INTO runOrigins (runId, kind, source, name, importedAtMs) VALUES (?, ?, ?, 'r', 1)");
    origin.run(1, 'run-log', 'run-1.jsonl');
    expect(() => origin.run(1, 'wandb', 'x')).toThrow(/constraint/);
    expect(() => origin.run(2, 'run-log', 'run-2.jsonl')).toThrow(/FOREIGN KEY/);
    // The cascades the old runs table had still hold.
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    for (const table of ['runOrigins', 'series', 'runSources']) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
  });
});

describe('006-run-media', () => {
  const upToFive = migrations.slice(0, 5);

  it('upgrades a version-5 project keeping its runs; media rows are checked per kind, one per (run, kind, key, step), and follow their runs', () => {
    expect(upToFive.map((m) => m.version)).toEqual([1, 2, 3, 4, 5]);
    migrate(db, upToFive);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'logged', '{}', '{}', '[0]', 1, 1)").run();
    db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion) VALUES (1, '{}', 0, 'running', 1, 'v')").run();
    expect(migrate(db, [...upToFive, { version: 6, name: 'run media', up: runMedia }])).toEqual({ fromVersion: 5, toVersion: 6 });
    expect(db.prepare('SELECT status FROM runs').pluck().get()).toBe('running');
    const insert = db.prepare('INSERT INTO runMedia (runId, kind, key, step, text, path, bytes, sha256, countsJson, edgesJson) VALUES (@runId, @kind, @key, @step, @text, @path, @bytes, @sha256, @countsJson, @edgesJson)');
    const row = { runId: 1, key: 'k', step: 0, text: null, path: null, bytes: null, sha256: null, countsJson: null, edgesJson: null };
    insert.run({ ...row, kind: 'text', text: 'hello' });
    insert.run({ ...row, kind: 'histogram', countsJson: '[1,2]', edgesJson: '[0,1,2]' });
    insert.run({ ...row, kind: 'image', path: 'media/k/0.png', bytes: 3, sha256: 'a'.repeat(64) });
    expect(() => insert.run({ ...row, kind: 'image', step: 1, path: 'media/k/1.png' })).toThrow(/CHECK constraint/);
    expect(() => insert.run({ ...row, kind: 'histogram', step: 1, countsJson: '[1' , edgesJson: '[0,1]' })).toThrow(/CHECK constraint/);
    expect(() => insert.run({ ...row, kind: 'text', step: 1 })).toThrow(/CHECK constraint/);
    expect(() => insert.run({ ...row, kind: 'audio', step: 1, text: 'x' })).toThrow(/CHECK constraint/);
    expect(() => insert.run({ ...row, kind: 'text', text: 'again' })).toThrow(/UNIQUE constraint/);
    expect(() => insert.run({ ...row, runId: 2, kind: 'text', text: 'x' })).toThrow(/FOREIGN KEY/);
    const notStrict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' AND strict = 0").pluck().all();
    expect(notStrict).toEqual([]);
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM runMedia').pluck().get()).toBe(0);
  });
});

describe('007-summaries-view', () => {
  const upToSix = migrations.slice(0, 6);
  const summaryRows = () => db.prepare('SELECT runId, key, value FROM summaries ORDER BY runId, key').raw().all();

  it('upgrades a version-6 project whose summaries table the store filled: SQL readers get the same rows from the view', () => {
    expect(upToSix.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
    migrate(db, upToSix);
    db.prepare("INSERT INTO experiments (name, family, paramsJson, sweepJson, seedsJson, createdAtMs, updatedAtMs) VALUES ('e', 'mode-flow', '{}', '{}', '[0]', 1, 1)").run();
    const insertRun = db.prepare("INSERT INTO runs (experimentId, paramsJson, seed, status, queuedAtMs, appVersion, summaryJson) VALUES (1, '{}', 0, 'done', 1, 'v', ?)");
    // What version 6 of the store wrote for a summary: the JSON, and one row per number (arrays spread, strings only in the JSON).
    const insertSummary = db.prepare('INSERT INTO summaries (runId, key, value) VALUES (?, ?, ?)');
    const summaries = [
      { escapeTimes: [98.74007895010517, null], finalLoss: 0.49999899997049946, solverSteps: 12, regime: 'plateau', fitted: null, tiny: 5e-324, huge: 1.7976931348623157e308, third: 1 / 3 },
      {},
      null,
      { 'name with "quotes" and spaces': -2.5e-7, '[odd]': [1e21, 0.1] },
    ];
    for (const summary of summaries) {
      const runId = Number(insertRun.run(summary === null ? null : JSON.stringify(summary)).lastInsertRowid);
      for (const [key, value] of Object.entries(summary ?? {})) {
        if (Array.isArray(value)) value.forEach((item, i) => insertSummary.run(runId, `${key}[${i}]`, item));
        else if (typeof value !== 'string') insertSummary.run(runId, key, value);
      }
    }
    const before = summaryRows();
    expect(before).toHaveLength(11);

    expect(migrate(db, [...upToSix, { version: 7, name: 'summaries view', up: summariesView }])).toEqual({ fromVersion: 6, toVersion: 7 });
    expect(tables()).not.toContain('summaries');
    // Bit for bit: toEqual compares the doubles exactly.
    expect(summaryRows()).toEqual(before);
    // Python's own SQLite (often older) parses the JSON numbers to the same doubles: its repr round-trips.
    const python = execFileSync('python3', ['-c', 'import json, sqlite3, sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute("SELECT runId, key, value FROM summaries ORDER BY runId, key").fetchall()))', db.name], { encoding: 'utf8' });
    expect(JSON.parse(python)).toEqual(before);
    expect(db.prepare('SELECT DISTINCT typeof(value) FROM summaries ORDER BY 1').pluck().all()).toEqual(['null', 'real']);
    // The documented join still works, and the view follows its runs.
    expect(db.prepare("SELECT s.value FROM runs r JOIN summaries s ON s.runId = r.id AND s.key = 'escapeTimes[0]'").pluck().all()).toEqual([98.74007895010517]);
    db.prepare('DELETE FROM runs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM summaries WHERE runId = 1').pluck().get()).toBe(0);
  });
});
