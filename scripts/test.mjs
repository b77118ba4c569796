// `npm test`: the one gate. Type check (tsc and vue-tsc), lint (with the layer rules) and build run
// side by side (they are independent; each prints its output when it ends), then every vitest
// suite: unit, integration and end-to-end.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${root}/node_modules/.bin/${name}`;
const checks = [
  ['type check (main, workers, tests)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['type check (renderer)', bin('vue-tsc'), ['-p', 'src-renderer/tsconfig.json', '--noEmit']],
  ['lint', bin('eslint'), ['.', '--max-warnings', '0']],
  ['build', process.execPath, ['scripts/build.mjs']],
];

function runCaptured([title, command, args]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (output.trim()) process.stdout.write(`\n── ${title} ──\n${output}`);
      console.log(code === 0 ? `✔ ${title} (${seconds} s)` : `✖ ${title} failed (exit ${code ?? signal}, ${seconds} s)`);
      resolve(code === 0);
    });
  });
}

console.log(`▶ ${checks.map(([title]) => title).join(', ')}`);
const results = await Promise.all(checks.map(runCaptured));
if (!results.every(Boolean)) process.exit(1);

console.log('\n▶ tests');
const started = Date.now();
const tests = spawnSync(bin('vitest'), ['run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (tests.status !== 0) {
  console.error(`\n✖ tests failed (exit ${tests.status ?? tests.signal})`);
  process.exit(tests.status ?? 1);
}
console.log(`✔ tests (${((Date.now() - started) / 1000).toFixed(1)} s)`);
