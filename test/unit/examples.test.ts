// Every shipped example must load: the example picker silently skips a file that does not parse,
// so a broken example would simply vanish from the app. This test makes it fail loudly instead.
// An example that takes more than a minute must say so (expectedSeconds, and its notes) and ship a
// quick variant, which must be valid too: the test suite and a first look run it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleFile, exampleSpec } from '../../src-main/contract';
import { validateSpec } from '../../src-main/core/spec-validation';
import { builtInFamilies } from '../../workers/families/index';
import { examplesDir as dir } from '../helpers/paths';

const files = readdirSync(dir).filter((file) => file.endsWith('.json'));
const read = (file: string) => exampleFile.parse(JSON.parse(readFileSync(join(dir, file), 'utf8')));

describe('shipped examples', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(0));

  it.each(files)('%s is a valid experiment of a known family', (file) => {
    const result = validateSpec(exampleSpec(read(file)), builtInFamilies);
    expect(result.issues).toEqual([]);
    expect(result.runCount).toBeGreaterThan(0);
  });

  it.each(files)('%s: a long example states its run time and has a valid, smaller quick variant', (file) => {
    const example = read(file);
    const quick = exampleSpec(example, 'quick');
    if ((example.expectedSeconds ?? 0) > 60) {
      expect(quick, 'an example over a minute needs a quick variant').not.toBeNull();
      expect(example.notes).toMatch(/\b\d+ (s|min)\b.*2[- ]core/);
    }
    if (!quick) return;
    const result = validateSpec(quick, builtInFamilies);
    expect(result.issues).toEqual([]);
    expect(result.runCount).toBeLessThanOrEqual(validateSpec(exampleSpec(example), builtInFamilies).runCount);
  });
});
