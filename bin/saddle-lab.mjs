#!/usr/bin/env node
// The `saddle-lab` command: the CLI is built into dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// A command lives for seconds: V8's optimizing compiler (on background threads, process-wide, the
// pool threads too) spent more CPU on code that ran warm for a moment (zod, the store, a family's
// set-up) than it saved: ~6x the default budget before a function is optimized. Hot loops still are.
setFlagsFromString('--interrupt-budget=400000');

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
