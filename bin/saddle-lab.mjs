#!/usr/bin/env node
// The `saddle-lab` command: the CLI is built into dist/ by `npm install` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error('saddle-lab: the app is not built yet; run `npm run build` in the Saddle Lab folder first.');
  process.exit(2);
}
await import(cli);
