// Save As in the serve host's page (Chromium): a typed path where a file already exists is not
// replaced until the user confirms the page's question; declined, the file and the open project
// stay; confirmed, the copy replaces the file and the page shows it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haveChromium, newProject, useWorkbench } from '../helpers/e2e';
import { tempDir } from '../helpers/paths';

describe.runIf(haveChromium)('Save As onto an existing file in the serve host', () => {
  const bench = useWorkbench('e2e-save-as', [], { goto: true });

  it('asks before replacing: declined keeps the file, confirmed replaces it', async () => {
    const { page } = bench;
    const original = await newProject(page, 'original.saddle');
    const existing = join(tempDir(), 'notes.saddle');
    writeFileSync(existing, 'keep me unless asked');
    const questions: string[] = [];
    let answer = false;
    page.on('dialog', (dialog) => {
      questions.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });

    await page.getByTestId('project-path-input').fill(existing);
    await page.getByTestId('project-save-as').click();
    await expect.poll(() => questions.length).toBe(1);
    expect(questions[0]).toBe(`"${existing}" already exists. Replace it with a copy of this project?`);
    // The button is enabled again once the declined Save As has ended.
    await expect.poll(() => page.getByTestId('project-save-as').isEnabled()).toBe(true);
    expect(readFileSync(existing, 'utf8')).toBe('keep me unless asked');
    expect(await page.getByTestId('project-path').textContent()).toContain(original);
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    answer = true;
    await page.getByTestId('project-save-as').click();
    await expect.poll(() => page.getByTestId('project-path').textContent()).toContain('notes.saddle');
    expect(questions).toHaveLength(2);
    expect(readFileSync(existing).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });
});
