// Code families: a .js/.mjs/.ts module using the defineFamily contract, handed the app's own zod.
// A chunk of its own, imported only when a code family is loaded: the whole zod namespace it passes
// on (every locale, the JSON Schema converters) was ~40 ms of every CLI start-up.
import { readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { chartSpec, formulaSpec, metricSpec, referenceSpec } from '../../src-main/contract/family-meta';
import { familyId } from '../../src-main/contract/script-family';
import { defineFamily, DivergedError, type FamilyDefinition } from '../family';
import { describeZodError, FamilyLoadError } from './family-load-error';

/** What a code family module receives: the app's own defineFamily and zod, so schemas and types match. */
export const familyKit = { defineFamily, z, DivergedError };
export type FamilyKit = typeof familyKit;

const codeFamilyShape = z.object({
  id: familyId,
  title: z.string().min(1),
  summary: z.string(),
  references: z.array(referenceSpec),
  formulas: z.array(formulaSpec),
  params: z.custom<z.ZodType>((value) => value instanceof z.ZodType, 'must be a zod schema made with the zod the app passes in (kit.z)'),
  metrics: z.array(metricSpec).min(1),
  charts: z.array(chartSpec),
  run: z.custom<FamilyDefinition['run']>((value) => typeof value === 'function', 'must be a function (params, ctx) => summary'),
  theory: z.custom((value) => value === undefined || typeof value === 'function', 'must be a function (params) => series').optional(),
  analyses: z.array(z.object({ id: z.string(), title: z.string(), description: z.string(), applies: z.custom((v) => typeof v === 'function'), run: z.custom((v) => typeof v === 'function') })).optional(),
});

/** Imports a code family module: `export default (kit) => kit.defineFamily({...})` or `export const family = …`. */
export async function importCodeFamily(file: string): Promise<FamilyDefinition> {
  let module: { default?: unknown; family?: unknown };
  try {
    // The modification time in the URL: an edited file is imported afresh, not from the module cache.
    const version = statSync(file).mtimeMs;
    const url = `${pathToFileURL(file).href}?v=${version}`;
    module = file.endsWith('.ts') ? await importTypeScript(file, version) : ((await import(/* @vite-ignore */ url)) as typeof module);
  } catch (error) {
    throw new FamilyLoadError(file, `cannot load the module: ${(error as Error).message}`);
  }
  const exported = module.family ?? module.default;
  let candidate: unknown;
  try {
    candidate = typeof exported === 'function' ? (exported as (kit: FamilyKit) => unknown)(familyKit) : exported;
  } catch (error) {
    throw new FamilyLoadError(file, `its factory threw: ${(error as Error).message}`);
  }
  if (typeof candidate !== 'object' || candidate === null) {
    throw new FamilyLoadError(file, 'export a family: `export default (kit) => kit.defineFamily({ ... })` or `export const family = ...`');
  }
  const checked = codeFamilyShape.safeParse(candidate);
  if (!checked.success) throw new FamilyLoadError(file, describeZodError(checked.error));
  return candidate as FamilyDefinition;
}

/** .ts through rolldown's transformer (oxc) when it is installed (a development install); a packaged app has none. */
async function importTypeScript(file: string, version: number): Promise<{ default?: unknown; family?: unknown }> {
  const transformer = 'rolldown/experimental';
  let transformSync: (name: string, source: string) => { code: string; errors: { message: string }[] };
  try {
    ({ transformSync } = (await import(/* @vite-ignore */ transformer)) as { transformSync: typeof transformSync });
  } catch {
    throw new Error('TypeScript families need the rolldown package (present in a development install): compile this file to .mjs');
  }
  const result = transformSync(file, readFileSync(file, 'utf8'));
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.message).join('; '));
  const url = `data:text/javascript;base64,${Buffer.from(result.code).toString('base64')}#${version}`;
  return (await import(/* @vite-ignore */ url)) as { default?: unknown; family?: unknown };
}
