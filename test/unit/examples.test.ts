// Every shipped example must load: the example picker silently skips a file that does not parse,
// so a broken example would simply vanish from the app. This test makes it fail loudly instead.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../src-main/core/spec-validation';
import { examplesDir as dir } from '../helpers/paths';

const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

describe('shipped examples', () => {
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s is a valid experiment of a known family', (file) => {
    const result = validateSpec(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(result.issues).toEqual([]);
    expect(result.runCount).toBeGreaterThan(0);
  });
});
