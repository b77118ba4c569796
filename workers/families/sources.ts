// Families that are not built in: script families (a folder with saddle-family.json) and code
// families (a .js/.mjs/.ts module using the same defineFamily contract). Loaded by the main
// process for the catalog and by the pool worker, which is told the source path in each task.
// Code families are imported by ./code-family, loaded only for one: it hands them all of zod.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { manifestFileName, scriptFamilyManifest, type ScriptFamilyManifest } from '../../src-main/contract/script-family';
import type { FamilyDefinition } from '../family';
import { scriptFamily } from '../script-family/script-family';
import { compileTheory } from '../script-family/theory';
import { describeZodError, FamilyLoadError } from './family-load-error';

export type FamilySource =
  | { kind: 'script'; dir: string; sdkDir: string | null; hash?: string }
  | { kind: 'code'; file: string };

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
  if (!parsed.success) throw new FamilyLoadError(file, describeZodError(parsed.error));
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
    if (!check.success) throw new FamilyLoadError(file, `params.properties.${name}.default: ${JSON.stringify(fallback)} breaks its own schema (${describeZodError(check.error)})`);
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

const loaded = new Map<string, Promise<FamilyDefinition>>();

/** The family a task names by source; cached per path and content version. */
export async function loadFamilySource(source: FamilySource): Promise<FamilyDefinition> {
  const key = source.kind === 'script' ? `script:${source.dir}:${source.hash ?? ''}` : `code:${source.file}:${statSync(source.file).mtimeMs}`;
  let family = loaded.get(key);
  if (!family) {
    family = (async () =>
      source.kind === 'script'
        ? scriptFamily(readManifest(source.dir), source.dir, { sdkDir: source.sdkDir, expectedHash: source.hash })
        : (await import('./code-family')).importCodeFamily(source.file))();
    family.catch(() => loaded.delete(key));
    loaded.set(key, family);
  }
  return family;
}

