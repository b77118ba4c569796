// The example experiments shipped in examples/: each is an experiment spec file, optionally with
// its measured run time and a quick variant (see `exampleFile`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleFile, exampleSpec, type ExperimentSpec } from '../contract';

export interface Example {
  file: string;
  spec: ExperimentSpec;
  quick: ExperimentSpec | null;
  expectedSeconds: number | null;
}

export function loadExamples(dir: string): Example[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const parsed = exampleFile.safeParse(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) return [];
    return [{ file, spec: exampleSpec(parsed.data), quick: exampleSpec(parsed.data, 'quick'), expectedSeconds: parsed.data.expectedSeconds ?? null }];
  });
}
