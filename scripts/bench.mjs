// `npm run bench [-- NAME…]`: builds the app and the benchmark suite (bench/*.ts) with Vite, then
// runs it (only the named sections when names are given).
import { build } from 'vite';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const built = spawnSync(process.execPath, [`${root}/scripts/build.mjs`], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
await build({
  configFile: false,
  root,
  logLevel: 'warn',
  build: {
    outDir: `${root}/.bench`,
    emptyOutDir: true,
    ssr: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: { bench: `${root}/bench/index.ts` },
      external: [...Object.keys(pkg.dependencies), ...builtinModules, ...builtinModules.map((m) => `node:${m}`)].map((n) => new RegExp(`^${n}(/.*)?$`)),
      output: { format: 'es', entryFileNames: '[name].js' },
      // The bench is one file on purpose: the per-family chunks of the app's build do not apply here.
      onwarn: (warning, warn) => warning.code === 'INEFFECTIVE_DYNAMIC_IMPORT' || warn(warning),
    },
  },
});
process.env.SADDLE_BENCH_ROOT = root;
process.env.SADDLE_BENCH_ONLY = process.argv.slice(2).join(',');
await import(pathToFileURL(`${root}/.bench/bench.js`).href);
