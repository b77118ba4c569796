// Electron is an optional dependency so that `npm install` succeeds offline; packaging then takes
// its version from electron-builder.yml, which must name the version the lock file pins.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths';

const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');

describe('packaging with an optional Electron', () => {
  const pkg = JSON.parse(read('package.json')) as Record<string, Record<string, string> | undefined>;
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version: string; optional?: boolean }> };

  it('declares electron as optional only, so a failed binary download does not fail the install', () => {
    expect(pkg.optionalDependencies?.electron).toBeDefined();
    expect(pkg.devDependencies?.electron).toBeUndefined();
    expect(pkg.dependencies?.electron).toBeUndefined();
    expect(lock.packages['node_modules/electron'].optional).toBe(true);
  });

  it('pins electron-builder to the locked Electron version and leaves the package out of the app', () => {
    const builder = read('electron-builder.yml');
    const pinned = /^electronVersion:\s*"?([\d.]+)"?\s*$/m.exec(builder)?.[1];
    expect(pinned).toBe(lock.packages['node_modules/electron'].version);
    expect(builder).toMatch(/^\s*- "!node_modules\/electron\/\*\*"\s*$/m);
  });
});
