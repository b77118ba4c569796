// A one-file Python script family written into a fresh families folder, for tests that need a family
// of their own: the manifest (one metric `loss` over step) and the script, run with /usr/bin/python3.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './paths';

export interface ScriptFamilyFiles {
  id: string;
  title: string;
  /** JSON-schema properties of the parameters, with their defaults. */
  params: Record<string, unknown>;
  scriptName: string;
  script: string;
}

/** Returns the families folder (pass it as `familyPaths`). */
export function writeScriptFamily(family: ScriptFamilyFiles): string {
  const families = tempDir(`saddle-${family.id}-`);
  mkdirSync(join(families, family.id));
  const manifest = {
    id: family.id,
    title: family.title,
    command: ['/usr/bin/python3', family.scriptName],
    params: { type: 'object', properties: family.params },
    metrics: [{ name: 'loss', label: 'loss', x: 'step' }],
  };
  writeFileSync(join(families, family.id, 'saddle-family.json'), JSON.stringify(manifest));
  writeFileSync(join(families, family.id, family.scriptName), family.script);
  return families;
}
