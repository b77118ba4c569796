// Every schema step, in order. Add a file `NNN-what.ts` exporting `up(db)`, list it here, and give it
// a test in test/integration/migrations.test.ts. Never edit a migration that has shipped.
import type { Database } from 'better-sqlite3';
import { up as initial } from './001-initial';
import { up as figurePresets } from './002-figure-presets';
import { up as slurmJobs } from './003-slurm-jobs';
import { up as familySources } from './004-family-sources';
import { up as loggedRuns } from './005-logged-runs';
import { up as runMedia } from './006-run-media';
import { up as summariesView } from './007-summaries-view';

export interface Migration {
  /** The `PRAGMA user_version` the database has once this step has run. */
  version: number;
  name: string;
  /** Pure schema change; the runner owns the transaction and `user_version`. */
  up(db: Database): void;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', up: initial },
  { version: 2, name: 'figure presets', up: figurePresets },
  { version: 3, name: 'slurm jobs', up: slurmJobs },
  { version: 4, name: 'family sources', up: familySources },
  { version: 5, name: 'logged runs', up: loggedRuns },
  { version: 6, name: 'run media', up: runMedia },
  { version: 7, name: 'summaries view', up: summariesView },
];
