// Double-clicking a .saddle file: the path reaches the app in argv (first or second instance).
import { describe, expect, it } from 'vitest';
import { projectFileFromArgv } from '../../src-main/core/launch-file';

describe('projectFileFromArgv', () => {
  it('finds the file of a packaged launch (Linux, Windows) and makes it absolute', () => {
    expect(projectFileFromArgv(['/opt/Saddle Lab/saddle-lab', '/home/ada/runs/a.saddle'], '/tmp')).toBe('/home/ada/runs/a.saddle');
    expect(projectFileFromArgv(['/opt/Saddle Lab/saddle-lab', 'runs/b.SADDLE'], '/home/ada')).toBe('/home/ada/runs/b.SADDLE');
  });

  it('skips Chromium switches, the app folder of an unpackaged run, and other files', () => {
    const argv = ['/usr/lib/electron/electron', '/work/app', '--no-sandbox', '--enable-features=x.saddle', 'notes.txt', 'c.saddle'];
    expect(projectFileFromArgv(argv, '/work')).toBe('/work/c.saddle');
  });

  it('accepts a file:// URL and takes the last project named', () => {
    expect(projectFileFromArgv(['exe', 'a.saddle', 'file:///data/my%20runs/z.saddle'], '/tmp')).toBe('/data/my runs/z.saddle');
  });

  it('is null for a plain launch, so the last project opens as before', () => {
    expect(projectFileFromArgv(['/opt/Saddle Lab/saddle-lab'], '/tmp')).toBeNull();
    expect(projectFileFromArgv(['/usr/lib/electron/electron', '/work/app', '--inspect'], '/tmp')).toBeNull();
  });
});
