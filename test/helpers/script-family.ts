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

/** What each run of weightsSaverFamily writes to its "weights.txt". */
export const savedWeights = (runId: number, scale: unknown): string => `run ${runId} scale ${String(scale)}\n`;

/**
 * A family `saver` (one parameter, `scale`) whose runs all save a file of the same name,
 * "weights.txt", in their own artifacts folder, holding savedWeights(run id, scale). `then` is
 * Python run after that (`p` holds the params, `lab` is saddle_lab), before the one logged point.
 */
export function weightsSaverFamily(then: string[] = []): string {
  return writeScriptFamily({
    id: 'saver',
    title: 'Saves weights',
    params: { scale: { type: 'number', default: 1 } },
    scriptName: 'save.py',
    script: [
      'import os, saddle_lab as lab',
      'p = lab.params()',
      'with open(os.path.join(lab.artifacts_dir(), "weights.txt"), "w") as f:',
      '    f.write(f"run {os.environ[\'SADDLE_RUN_ID\']} scale {p[\'scale\']}\\n")',
      ...then,
      'lab.log(0, loss=p["scale"])',
      '',
    ].join('\n'),
  });
}
