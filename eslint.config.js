// Lint, including the layer rules of ARCHITECTURE.md: the renderer imports only types from the
// main side, workers stay free of Electron, DOM and SQLite, and only src-main/electron needs Electron.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const nodeOnly = ['electron', 'better-sqlite3', 'piscina', 'ws', 'node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-artifacts/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
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
  {
    files: ['src-main/{core,serve,cli,contract}/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['electron'], message: 'Only src-main/electron may need the Electron binary.' }, { group: ['**/src-renderer/**'], message: 'The main side never imports the renderer.' }] },
      ],
    },
  },
);
