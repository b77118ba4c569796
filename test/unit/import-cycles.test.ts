import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../helpers/import-graph';
import { repoRoot, tempDir } from '../helpers/paths';

describe('import cycles', () => {
  it('finds a cycle that runs through a type-only import', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'task.ts'), "import { build } from './sub/build';\nexport interface Task { n: number }\nexport const make = build;\n");
    writeFileSync(join(dir, 'sub', 'build.ts'), "import type { Task } from '../task';\nexport const build = (): Task => ({ n: 1 });\n");
    writeFileSync(join(dir, 'leaf.ts'), "import { make } from './task';\nexport const t = make();\n");
    const cycles = importCycles(importGraph([dir])).map((group) => group.map((file) => relative(dir, file)));
    expect(cycles).toEqual([['sub/build.ts', 'task.ts']]);
  });

  it('the main side, the workers and the renderer have none', () => {
    const graph = importGraph(['src-main', 'workers', 'src-renderer/src'].map((dir) => join(repoRoot, dir)));
    expect(graph.size).toBeGreaterThan(300);
    expect(importCycles(graph).map((group) => group.map((file) => relative(repoRoot, file)))).toEqual([]);
  });
});
