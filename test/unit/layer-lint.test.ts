// Each layer rule of eslint.config.js, broken once by a small probe file linted through the ESLint
// API at a path inside the layer it would break: the probe must fail with that rule's message,
// and the same import from an allowed place must pass.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

let eslint: ESLint;

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, file) });
  return result.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

const probes: { rule: string; file: string; code: string; message: RegExp }[] = [
  { rule: 'the contract may not import core', file: 'src-main/contract/probe.ts', code: "import { ProjectStore } from '../core/store/project-store';\nexport const s = ProjectStore;\n", message: /contract is shared with the renderer/ },
  { rule: 'the contract may not import workers', file: 'src-main/contract/probe.ts', code: "import type { Family } from '../../workers/family';\nexport type F = Family;\n", message: /contract is shared with the renderer/ },
  { rule: 'the contract may not import better-sqlite3', file: 'src-main/contract/probe.ts', code: "import Database from 'better-sqlite3';\nexport const d = Database;\n", message: /contract is shared with the renderer/ },
  { rule: 'the contract may not import Node', file: 'src-main/contract/probe.ts', code: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", message: /no-nodejs-modules/ },
  { rule: 'the renderer may not import type from core', file: 'src-renderer/src/logic/probe.ts', code: "import type { SaddleService } from '../../../src-main/core/service';\nexport type S = SaddleService;\n", message: /renderer may import only from src-main\/contract/ },
  { rule: 'the renderer may not import type from workers', file: 'src-renderer/src/logic/probe.ts', code: "import type { Family } from '../../../workers/family';\nexport type F = Family;\n", message: /renderer may import only from src-main\/contract/ },
  { rule: 'the renderer may not import() core', file: 'src-renderer/src/logic/probe.ts', code: "export const load = () => import('../../../src-main/core/service');\n", message: /renderer may import only from src-main\/contract/ },
  { rule: 'the renderer may not import SQLite', file: 'src-renderer/src/logic/probe.ts', code: "export const load = () => import('better-sqlite3');\n", message: /sandboxed page without Node/ },
  { rule: 'a Vue component may not import type from core', file: 'src-renderer/src/components/Probe.vue', code: "<script setup lang=\"ts\">\nimport type { SaddleService } from '../../../src-main/core/service';\ndefineProps<{ s: SaddleService | null }>();\n</script>\n<template><div /></template>\n", message: /renderer may import only from src-main\/contract/ },
  { rule: 'core may not import serve', file: 'src-main/core/probe.ts', code: "import { startServer } from '../serve/server';\nexport const s = startServer;\n", message: /core serves its hosts/ },
  { rule: 'core may not import() serve', file: 'src-main/core/probe.ts', code: "export const load = () => import('../serve/server');\n", message: /core serves its hosts/ },
  { rule: 'core may not import the CLI', file: 'src-main/core/probe.ts', code: "import '../cli/run-experiment';\n", message: /core serves its hosts/ },
  { rule: 'the Slurm task runner may not import the service', file: 'src-main/core/slurm/task-runner.ts', code: "import { SaddleService } from '../service';\nexport const s = SaddleService;\n", message: /compute node without the app's service/ },
  { rule: 'workers may not import() core', file: 'workers/probe.ts', code: "export const load = () => import('../src-main/core/service');\n", message: /workers\/ may import only the contract/ },
  { rule: 'workers may not import SQLite', file: 'workers/probe.ts', code: "import Database from 'better-sqlite3';\nexport const d = Database;\n", message: /no Electron, DOM or SQLite/ },
  { rule: 'the CLI calls the service only through the typed API', file: 'src-main/cli/probe.ts', code: "import type { SaddleService } from '../core/service';\nexport const list = async (s: SaddleService) => (await s.dispatch('runs', 'list', {})) as unknown[];\n", message: /typedApi/ },
  { rule: 'core may not import() Electron', file: 'src-main/core/probe.ts', code: "export const load = () => import('electron');\n", message: /Only src-main\/electron/ },
];

describe('layer lint rules', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: repoRoot });
  });

  for (const probe of probes) {
    it(`fails a probe that breaks: ${probe.rule}`, async () => {
      const errors = await layerErrors(probe.file, probe.code);
      expect(errors.some((error) => probe.message.test(error)), errors.join('\n')).toBe(true);
    });
  }

  it('passes what the layers allow: the renderer and workers importing the contract (values, types, import())', async () => {
    const fromRenderer = "import { axisValues } from '../../../src-main/contract/sweep';\nimport type { Run } from '../../../src-main/contract/api';\nexport const v = (r: Run) => [axisValues([1]), r];\nexport const load = () => import('../../../src-main/contract/sweep');\n";
    expect(await layerErrors('src-renderer/src/logic/probe.ts', fromRenderer)).toEqual([]);
    expect(await layerErrors('workers/probe.ts', "import { sweepAxis } from '../src-main/contract/spec';\nexport const s = sweepAxis;\n")).toEqual([]);
    expect(await layerErrors('src-main/cli/probe.ts', "export const load = () => import('../serve/server');\n")).toEqual([]);
  });
});
