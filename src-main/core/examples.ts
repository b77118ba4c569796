// The example experiments shipped in examples/: each is an experiment spec file.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentSpec, type ExperimentSpec } from '../contract';

export function loadExamples(dir: string): { file: string; spec: ExperimentSpec }[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const parsed = experimentSpec.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    return parsed.success ? [{ file, spec: parsed.data }] : [];
  });
}
