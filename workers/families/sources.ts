// Families that are not built in: script families (a folder with saddle-family.json) and code
// families (a .js/.mjs/.ts module using the same defineFamily contract). Loaded by the main
// process for the catalog and by the pool worker, which is told the source path in each task.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { chartSpec, formulaSpec, metricSpec, referenceSpec } from '../../src-main/contract/family-meta';
import { familyId, manifestFileName, scriptFamilyManifest, type ScriptFamilyManifest } from '../../src-main/contract/script-family';
import { defineFamily, DivergedError, type FamilyDefinition } from '../family';
import { scriptFamily } from '../script-family/script-family';
import { compileTheory } from '../script-family/theory';

export type FamilySource =
  | { kind: 'script'; dir: string; sdkDir: string | null; hash?: string }
  | { kind: 'code'; file: string };

/** A family that cannot be loaded: the message names the file and every bad field. */
export class FamilyLoadError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'FamilyLoadError';
  }
}

/** What a code family module receives: the app's own defineFamily and zod, so schemas and types match. */
export const familyKit = { defineFamily, z, DivergedError };
export type FamilyKit = typeof familyKit;

export const codeFamilyExtensions = ['.js', '.mjs', '.ts'] as const;

export function readManifest(dir: string): ScriptFamilyManifest {
  const file = join(dir, manifestFileName);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FamilyLoadError(file, `cannot read the manifest: ${(error as Error).message}`);
  }
  return parseManifest(raw, file);
}

/** Checks a manifest's JSON; `file` names it in errors (a path, or a project's stored copy). */
export function parseManifest(raw: unknown, file: string): ScriptFamilyManifest {
  const parsed = scriptFamilyManifest.safeParse(raw);
  if (!parsed.success) throw new FamilyLoadError(file, describe(parsed.error));
  // The params must make a working zod schema, and each default must keep its own bounds (zod
  // hands a default out unchecked).
  for (const [name, property] of Object.entries(parsed.data.params.properties)) {
    const { default: fallback, ...rest } = property;
    let check: z.ZodSafeParseResult<unknown>;
    try {
      check = z.fromJSONSchema(rest as z.core.JSONSchema.JSONSchema).safeParse(fallback);
    } catch (error) {
      throw new FamilyLoadError(file, `params.properties.${name}: not a usable JSON Schema (${(error as Error).message})`);
    }
    if (!check.success) throw new FamilyLoadError(file, `params.properties.${name}.default: ${JSON.stringify(fallback)} breaks its own schema (${describe(check.error)})`);
  }
  // Overlays are tried on the defaults: a syntax error or an unknown name shows now, not in a run.
  try {
    const defaults = z.fromJSONSchema(parsed.data.params as z.core.JSONSchema.JSONSchema).parse({}) as Record<string, unknown>;
    compileTheory(parsed.data.theory)(defaults);
  } catch (error) {
    throw new FamilyLoadError(file, (error as Error).message);
  }
  return parsed.data;
}

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
  if (!checked.success) throw new FamilyLoadError(file, describe(checked.error));
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

const loaded = new Map<string, Promise<FamilyDefinition>>();

/** The family a task names by source; cached per path and content version. */
export async function loadFamilySource(source: FamilySource): Promise<FamilyDefinition> {
  const key = source.kind === 'script' ? `script:${source.dir}:${source.hash ?? ''}` : `code:${source.file}:${statSync(source.file).mtimeMs}`;
  let family = loaded.get(key);
  if (!family) {
    family = (async () =>
      source.kind === 'script'
        ? scriptFamily(readManifest(source.dir), source.dir, { sdkDir: source.sdkDir, expectedHash: source.hash })
        : importCodeFamily(source.file))();
    family.catch(() => loaded.delete(key));
    loaded.set(key, family);
  }
  return family;
}

function describe(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || '(file)'}: ${issue.message}`;
    })
    .join('; ');
}
