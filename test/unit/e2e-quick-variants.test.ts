// The end-to-end tests run the shipped examples' quick variants (the same charts and analyses in
// seconds), so they hold on a busy machine: a full variant is named here with the reason it must be.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExamples } from '../../src-main/core/examples';
import { examplesDir, repoRoot } from '../helpers/paths';

const fullOnPurpose: Record<string, string> = {
  'workbench.test.ts mirror-descent-fig2': 'the 125-run sweep is what that case measures (40 drawn until "show all")',
};

describe('e2e examples', () => {
  it('use the quick variant wherever the example has one', () => {
    const withQuick = new Set(loadExamples(examplesDir).filter((e) => e.quick).map((e) => e.file.replace(/\.json$/, '')));
    const dir = join(repoRoot, 'test', 'e2e');
    const uses: string[] = [];
    const full: string[] = [];
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.test.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const call of text.matchAll(/createFromExample\(\s*page,\s*'([^']+)'(?:,\s*'(full|quick)')?\s*\)/g)) {
        uses.push(`${file} ${call[1]}`);
        if (withQuick.has(call[1]) && call[2] !== 'quick' && !fullOnPurpose[`${file} ${call[1]}`]) full.push(`${file} ${call[1]}`);
      }
      // Table-driven cases name their variant as a field.
      for (const row of text.matchAll(/example: '([^']+)', variant: '(full|quick)'/g)) {
        uses.push(`${file} ${row[1]}`);
        if (withQuick.has(row[1]) && row[2] !== 'quick') full.push(`${file} ${row[1]}`);
      }
    }
    expect(uses.length).toBeGreaterThan(10);
    expect(full).toEqual([]);
  });
});
