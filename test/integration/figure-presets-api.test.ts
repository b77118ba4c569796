// The figure-export side of the API through SaddleService.dispatch, as every host calls it: presets
// validated and stored in the project, and a saved figure's sidecars written next to it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FigurePreset } from '../../src-main/contract';
import { ExpectedError } from '../../src-main/core/errors';
import type { SaddleService } from '../../src-main/core/service';
import { sidecarPath } from '../../src-main/core/sidecars';
import { tempDir } from '../helpers/paths';
import { testService } from '../helpers/service';

let service: SaddleService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
});

function start(saveTo: string | null): SaddleService {
  service = testService({
    host: 'electron',
    poolSize: 1,
    // The dialog "chooses" saveTo and writes the main file, as the Electron host does.
    dialogs: {
      pickProjectPath: async () => null,
      saveFile: async (_name, data) => {
        if (saveTo) writeFileSync(saveTo, data);
        return saveTo;
      },
      showFile: async () => undefined,
    },
  });
  return service;
}

describe('figure presets and sidecars through the API', () => {
  it('saves, replaces by name, lists and deletes presets in the open project; rejects bad sizes', async () => {
    const s = start(null);
    await s.dispatch('projects', 'new', { path: join(tempDir(), 'presets.saddle') });
    const single = { name: ' Single ', widthIn: 3.35, heightIn: 2.5, fontFamily: 'Times', fontSizePt: 9, dpi: 600 };
    const saved = (await s.dispatch('exports', 'savePreset', single)) as FigurePreset;
    expect(saved).toMatchObject({ name: 'Single', widthIn: 3.35, fontFamily: 'Times', dpi: 600 });
    await s.dispatch('exports', 'savePreset', { ...single, widthIn: 3.5 });
    expect(((await s.dispatch('exports', 'listPresets', {})) as FigurePreset[]).map((p) => [p.name, p.widthIn])).toEqual([['Single', 3.5]]);
    await expect(s.dispatch('exports', 'savePreset', { ...single, widthIn: 0 })).rejects.toThrow(ExpectedError);
    await expect(s.dispatch('exports', 'savePreset', { ...single, fontFamily: 'Comic Sans' })).rejects.toThrow(ExpectedError);
    await s.dispatch('exports', 'deletePreset', { id: saved.id });
    expect(await s.dispatch('exports', 'listPresets', {})).toEqual([]);
  });

  it('writes sidecars next to the chosen file, named after its stem', async () => {
    const target = join(tempDir(), 'fig 2.pdf');
    const s = start(target);
    const reply = await s.dispatch('exports', 'saveFile', {
      suggestedName: 'fig.pdf',
      data: Buffer.from('%PDF-1.3').toString('base64'),
      encoding: 'base64',
      sidecars: [{ suffix: '.caption.txt', data: 'Differing parameters: depth', encoding: 'utf8' }],
    });
    expect(reply).toEqual({ path: target });
    expect(sidecarPath(target, '.caption.txt')).toBe(join(target, '..', 'fig 2.caption.txt'));
    expect(readFileSync(sidecarPath(target, '.caption.txt'), 'utf8')).toBe('Differing parameters: depth');
    await expect(s.dispatch('exports', 'saveFile', { suggestedName: 'x.pdf', data: '', encoding: 'utf8', sidecars: [{ suffix: '/../evil', data: '', encoding: 'utf8' }] })).rejects.toThrow(ExpectedError);
    expect(existsSync(join(target, '..', 'evil'))).toBe(false);
  });
});
