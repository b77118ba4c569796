// Code families load from a file with the app's own defineFamily and zod, are validated on load
// with each bad field named, and .ts goes through the installed transformer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCodeFamily } from '../../workers/families/code-family';
import { fakeRunContext } from './fake-run-context';
import { tempDir } from '../helpers/paths';

const body = `{
  id: 'triangle',
  title: 'Triangle numbers',
  summary: 'n(n+1)/2',
  references: [],
  formulas: [],
  params: z.object({ n: z.number().int().min(1).default(4) }),
  metrics: [{ name: 'y', label: 'y', x: 'n' }],
  charts: [],
  run(p, ctx) {
    const x = Float64Array.from({ length: p.n }, (_, i) => i + 1);
    const y = x.map((k) => (k * (k + 1)) / 2);
    ctx.emit({ metric: 'y', x, y });
    return { n: p.n };
  },
}`;

function moduleFile(name: string, source: string): string {
  const file = join(tempDir('saddle-code-family-'), name);
  writeFileSync(file, source);
  return file;
}

describe('code families', () => {
  it('a .mjs factory gets defineFamily and zod from the app, and runs', async () => {
    const family = await importCodeFamily(moduleFile('triangle.mjs', `export default ({ defineFamily, z }) => defineFamily(${body});\n`));
    const ctx = fakeRunContext();
    expect(await family.run(family.params.parse({}), ctx)).toEqual({ n: 4 });
    expect(ctx.series('y')).toEqual({ x: [1, 2, 3, 4], y: [1, 3, 6, 10] });
    expect(family.params.safeParse({ n: 0 }).success).toBe(false);
  });

  it('a .ts module is transpiled on load (types stripped)', async () => {
    const source = `import type { FamilyKit } from 'saddle-lab';\ntype P = { n: number };\nexport default ({ defineFamily, z }: FamilyKit) => defineFamily(${body.replace('run(p, ctx)', 'run(p: P, ctx: any)')});\n`;
    const family = await importCodeFamily(moduleFile('triangle.ts', source));
    const ctx = fakeRunContext();
    await family.run(family.params.parse({ n: 3 }), ctx);
    expect(ctx.series('y').y).toEqual([1, 3, 6]);
  });

  it.each([
    ['no family exported', 'export const x = 1;\n', /export a family/],
    ['a missing run', `export default ({ defineFamily, z }) => defineFamily({ ...${body}, run: undefined });\n`, /triangle\.mjs: run: must be a function/],
    ['params not made with the kit', `export default ({ defineFamily, z }) => defineFamily({ ...${body}, params: { n: 4 } });\n`, /params: must be a zod schema made with the zod the app passes in/],
    ['a syntax error', 'export default (', /cannot load the module/],
    ['a factory that throws', 'export default () => { throw new Error("nope"); };\n', /its factory threw: nope/],
  ])('%s is refused with the file and field', async (_name, source, message) => {
    await expect(importCodeFamily(moduleFile('triangle.mjs', source))).rejects.toThrow(message);
  });
});
