// linkExclusive gives a finished file its name only if the name is free: by a hard link, or by an
// exclusive copy on a file system without hard links (simulated here by link failing with EXDEV or
// EPERM); an existing name is EEXIST either way, and any other link error is passed on.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { linkExclusive } from '../../src-main/core/store/exclusive-link';
import { tempDir } from '../helpers/paths';

const linkFails = (code: string) =>
  vi.spyOn(fs, 'linkSync').mockImplementation(() => {
    throw Object.assign(new Error(`link: ${code}`), { code });
  });

function finished(dir: string, text: string): string {
  const temporary = join(dir, `${text}.tmp`);
  fs.writeFileSync(temporary, text);
  return temporary;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('linkExclusive', () => {
  it('links a free name to the finished file, and refuses a taken one with EEXIST', () => {
    const dir = tempDir();
    const target = join(dir, 'name');
    expect(linkExclusive(finished(dir, 'first'), target)).toBe('linked');
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
    expect(() => linkExclusive(finished(dir, 'second'), target)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
  });

  it.each(['EXDEV', 'EPERM'])('without hard links (%s) copies exclusively, and still refuses a taken name', (code) => {
    const dir = tempDir();
    const target = join(dir, 'name');
    linkFails(code);
    expect(linkExclusive(finished(dir, 'first'), target)).toBe('copied');
    expect(fs.lstatSync(target).nlink).toBe(1);
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
    expect(() => linkExclusive(finished(dir, 'second'), target)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(fs.readFileSync(target, 'utf8')).toBe('first');
  });

  it('passes on a link error that is not about hard links', () => {
    const dir = tempDir();
    linkFails('EACCES');
    expect(() => linkExclusive(finished(dir, 'first'), join(dir, 'name'))).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(fs.existsSync(join(dir, 'name'))).toBe(false);
  });
});
