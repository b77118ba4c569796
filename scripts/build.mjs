// Builds every target with Vite: the renderer (browser), the Node side (Electron main, CLI, serve,
// pool worker) as ESM, and the sandboxed preload as CommonJS.
import { build } from 'vite';
import vue from '@vitejs/plugin-vue';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// zod and expr-eval-fork are bundled: loading zod's ~100 module files took the CLI ~50 ms at every
// start, in the main thread and again in each pool thread. The rest stay packages: native
// modules, piscina's own worker file, the MNIST data files.
const bundled = new Set(['zod', 'expr-eval-fork']);
const external = [
  'electron',
  ...Object.keys(pkg.dependencies).filter((name) => !bundled.has(name)),
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
].map((name) => new RegExp(`^${name.replace(/[/\\^$+?.()|[\]{}]/g, '\\$&')}(/.*)?$`));
const define = { __APP_VERSION__: JSON.stringify(pkg.version) };
const quiet = { logLevel: process.env.SADDLE_BUILD_VERBOSE ? 'info' : 'warn', configFile: false, root };
const only = process.argv[2];

if (!only || only === 'renderer') {
  await build({
    ...quiet,
    root: `${root}/src-renderer`,
    base: './',
    plugins: [vue()],
    define,
    build: { outDir: `${root}/dist/renderer`, emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  });
}

if (!only || only === 'node') {
  await build({
    ...quiet,
    define,
    ssr: { noExternal: [...bundled] },
    build: {
      outDir: `${root}/dist/main`,
      emptyOutDir: true,
      target: 'node20',
      ssr: true,
      minify: false,
      sourcemap: true,
      rollupOptions: {
        input: {
          electron: `${root}/src-main/electron/main.ts`,
          // The commands are an entry of their own (dist/main/cli-commands.js, loaded by cli.js
          // after --help and --version): their appPaths(import.meta.url) is in dist/main, not chunks/.
          cli: `${root}/src-main/cli/main.ts`,
          'cli-commands': `${root}/src-main/cli/index.ts`,
          prestart: `${root}/src-main/cli/prestart.ts`,
          'pool-worker': `${root}/workers/pool-worker.ts`,
        },
        external,
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  });

  await build({
    ...quiet,
    build: {
      outDir: `${root}/dist/preload`,
      emptyOutDir: true,
      target: 'node20',
      ssr: true,
      minify: false,
      rollupOptions: {
        input: { preload: `${root}/src-main/electron/preload.ts` },
        external,
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  });
}
