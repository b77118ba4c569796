#!/usr/bin/env node
// The `saddle-lab` command: the CLI is built into dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('saddle-lab: the app is not built yet; run `npm run build` in the Saddle Lab folder first.');
  process.exit(2);
}
// `run` and `claims` with the default pool: start the pool's first thread before the CLI loads (src-main/cli/prestart.ts).
const argv = process.argv.slice(2);
const [command, ...options] = argv;
const prestarted = (command === 'run' || command === 'claims') && !options.some((option) => option.startsWith('--pool'))
  ? (await import(new URL('../dist/main/prestart.js', import.meta.url).href)).prestart()
  : undefined;
await (await import(cli)).saddleLab(argv, prestarted);
