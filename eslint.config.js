// Lint, including the layer rules of ARCHITECTURE.md: the renderer imports only from the contract
// (which it bundles, so the contract is pure TypeScript), workers stay free of Electron, DOM and
// SQLite, core never reaches up into its hosts, and only src-main/electron needs Electron. The
// path rules (import-x/no-restricted-paths) resolve every import to a file, `import type` and
// dynamic `import()` included; test/unit/layer-lint.test.ts breaks each rule once.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

const nodeOnly = ['electron', 'better-sqlite3', 'piscina', 'ws', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'];
const nodeOnlyPackages = ['electron', 'better-sqlite3', 'piscina', 'ws'];

/**
 * Packages the `files` may not import, statically or by import(). Named, not resolved to paths:
 * Electron is an optional dependency and often absent, and node_modules may be a link elsewhere.
 */
function forbidPackages(files, names, message, moreSyntax = []) {
  const dynamic = new RegExp(`^(?:${names.join('|')})(?:$|\\x2F)`).source;
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message })), patterns: [{ group: names.map((name) => `${name}/*`), message }] }],
      'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${dynamic}/]`, message }, ...moreSyntax],
    },
  };
}

/** Which folder may not reach which: `target` files may not import anything under `from` (bar `except`). */
const layerZones = [
  { target: './src-renderer', from: './src-main', except: ['./contract'], message: 'The renderer may import only from src-main/contract.' },
  { target: './src-renderer', from: './workers', message: 'The renderer may import only from src-main/contract.' },
  { target: './src-main/contract', from: ['./src-main/core', './src-main/serve', './src-main/cli', './src-main/electron', './workers'], message: 'The contract is shared with the renderer: it imports only zod and itself.' },
  { target: './workers', from: './src-main', except: ['./contract'], message: 'workers/ may import only the contract from src-main.' },
  { target: './workers', from: './src-renderer', message: 'workers/ may import only the contract from src-main.' },
  { target: './src-main/core', from: ['./src-main/serve', './src-main/cli', './src-main/electron'], message: 'core serves its hosts (serve, cli, electron) and never imports them.' },
  { target: './src-main', from: './src-renderer', message: 'The main side never imports the renderer.' },
  { target: './src-main/core/slurm/task-runner.ts', from: './src-main/core/service.ts', message: "The Slurm task runner runs on a compute node without the app's service." },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.vue', '.js', '.mjs', '.json'] })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}', 'src-main/contract/**/*.ts'],
    rules: { 'import-x/no-nodejs-modules': 'error' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/first-attribute-linebreak': 'off',
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/src-main/**', '**/workers/**'], allowTypeImports: true, message: 'The renderer may import only types from src-main/contract.' },
            { group: nodeOnly, message: 'The renderer runs in a sandboxed page without Node.' },
          ],
        },
      ],
    },
  },
  {
    files: ['workers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'better-sqlite3', 'vue', 'pinia', 'echarts'], message: 'workers/ is pure TypeScript: no Electron, DOM or SQLite.' },
            { group: ['**/src-main/core/**', '**/src-main/electron/**', '**/src-main/serve/**', '**/src-main/cli/**', '**/src-renderer/**'], message: 'workers/ may import only the contract from src-main.' },
          ],
        },
      ],
    },
  },
  forbidPackages(['src-renderer/**/*.{ts,vue}'], nodeOnlyPackages, 'The renderer runs in a sandboxed page without Node.'),
  forbidPackages(['src-main/contract/**/*.ts'], nodeOnlyPackages, 'The contract is shared with the renderer: it imports only zod and itself.'),
  forbidPackages(['workers/**/*.ts'], ['electron', 'better-sqlite3', 'vue', 'pinia', 'echarts'], 'workers/ is pure TypeScript: no Electron, DOM or SQLite.'),
  forbidPackages(['src-main/{core,serve}/**/*.ts'], ['electron'], 'Only src-main/electron may need the Electron binary.'),
  forbidPackages(['src-main/cli/**/*.ts'], ['electron'], 'Only src-main/electron may need the Electron binary.', [
    { selector: "CallExpression[callee.property.name='dispatch']", message: "The CLI calls the service through typedApi (cli/typed-api.ts): replies typed, not cast from dispatch's unknown." },
  ]),
);
