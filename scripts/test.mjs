// `npm test`: the one gate. Type check (tsc and vue-tsc), lint (with the layer rules), build, then
// every vitest suite: unit, integration and end-to-end.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}/node_modules/.bin/${name}`;
const steps = [
  ['type check (main, workers, tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['type check (renderer)', bin('vue-tsc'), ['-p', 'src-renderer/tsconfig.json', '--noEmit']],
  ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
  ['build', process.execPath, ['scripts/build.mjs']],
  ['tests', bin('vitest'), ['run', ...process.argv.slice(2)]],
];

for (const [title, command, args] of steps) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
