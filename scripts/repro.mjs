// `npm run repro [-- OPTIONS]`: the papers' claims at full size, i.e. `saddle-lab claims` (the CLI
// runs each example the claims name once, lists each example's wall time, and prints a PASS / FAIL /
// PAPER-WRONG / NOT-HERE / NOT-RUN line per claim with the counts per paper). Options pass through:
// `npm run repro -- --paper 003`, `-- --claim 000-5 --report repro.md`. Exit status as the CLI's.
// The test suite runs the examples' quick variants; this is the full reproduction, minutes long on
// 2 cores (each example's expectedSeconds says how long).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// A settings folder of its own: the user's recent-projects list and families stay out of it.
const configDir = mkdtempSync(join(tmpdir(), 'saddle-repro-'));
const result = spawnSync(process.execPath, [join(root, 'bin', 'saddle-lab.mjs'), 'claims', ...process.argv.slice(2)], {
  stdio: 'inherit',
  // npm runs scripts in the package folder; relative paths (--report, --project) are the caller's.
  cwd: process.env.INIT_CWD ?? process.cwd(),
  env: { ...process.env, SADDLE_LAB_CONFIG_DIR: configDir },
});
rmSync(configDir, { recursive: true, force: true });
process.exit(result.status ?? 1);
