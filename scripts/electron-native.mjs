// Electron is an optional dependency: `npm install` works offline, where Electron's own install
// script cannot download its binary (npm then leaves the package out and goes on). `npm start`
// fetches it on first use when it can, into node_modules/.saddle-electron/.
//
// better-sqlite3 is a native module: Node (tests, CLI) and Electron need different builds. We keep
// Node's build in place and make a second copy built for Electron's ABI in
// node_modules/.saddle-electron/, which the app loads when it runs inside Electron.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const sideDir = join(root, 'node_modules', '.saddle-electron');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The Electron version the lock file pins, whether or not npm could install it. */
export function electronVersion() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.['node_modules/electron']?.version;
  if (!version) throw new Error('package-lock.json pins no Electron version (node_modules/electron)');
  return version;
}

/** Where the electron package is: installed by `npm install`, or fetched later by `npm start`. */
function electronPackageDirs() {
  return [join(root, 'node_modules', 'electron'), join(sideDir, `runtime-${electronVersion()}`, 'node_modules', 'electron')];
}

function installedBinary() {
  for (const dir of electronPackageDirs()) {
    if (!existsSync(join(dir, 'path.txt'))) continue;
    const binary = createRequire(join(dir, 'package.json'))(dir);
    if (existsSync(binary)) return binary;
  }
  return null;
}

/**
 * The pinned Electron's type declarations, for the type check of src-main/electron/, when npm left
 * the package out: taken from its registry tarball (no install script runs) into
 * node_modules/.saddle-electron/types/electron/, where tsconfig.json's `paths` looks second.
 * Returns whether the declarations are there.
 */
export function ensureElectronTypes() {
  const typesDir = join(sideDir, 'types', 'electron');
  if (existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts')) || existsSync(join(typesDir, 'electron.d.ts'))) return true;
  const scratch = mkdtempSync(join(tmpdir(), 'saddle-electron-types-'));
  try {
    const packed = execFileSync(npm, ['pack', `electron@${electronVersion()}`, '--pack-destination', scratch, '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      shell: process.platform === 'win32',
    });
    const tarball = join(scratch, packed.trim().split('\n').pop());
    execFileSync('tar', ['-xzf', tarball, '-C', scratch, 'package/electron.d.ts', 'package/package.json']);
    mkdirSync(typesDir, { recursive: true });
    for (const file of ['electron.d.ts', 'package.json']) copyFileSync(join(scratch, 'package', file), join(typesDir, file));
    return true;
  } catch {
    return false;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One line when the desktop window cannot open yet, saying what works without it; null when it can. */
export function electronMissingLine() {
  if (installedBinary()) return null;
  return (
    `Saddle Lab: the Electron ${electronVersion()} binary is not installed (its download needs internet access); ` +
    '`npm start` fetches it when it can. Everything else works now: `npx saddle-lab serve` opens the same workbench in a browser.'
  );
}

/** The Electron executable; fetches the package and its binary first when `npm install` could not. */
export function electronBinary() {
  let binary = installedBinary();
  if (binary) return binary;
  const [inTree, fetched] = electronPackageDirs();
  console.log(`Downloading Electron ${electronVersion()} (once)…`);
  try {
    if (existsSync(join(inTree, 'install.js'))) {
      execFileSync(process.execPath, [join(inTree, 'install.js')], { stdio: 'inherit' });
    } else {
      const prefix = join(fetched, '..', '..');
      execFileSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `electron@${electronVersion()}`], {
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
    }
  } catch {
    // Fall through to the message below.
  }
  binary = installedBinary();
  if (!binary) {
    throw new Error(
      'The Electron binary could not be downloaded (is this machine offline?). The desktop window needs it; ' +
        'everything else works without it: `npx saddle-lab serve` opens the same workbench in a browser.',
    );
  }
  return binary;
}

export function electronNativeDir() {
  return join(sideDir, `electron-${electronVersion()}`, 'better-sqlite3');
}

export function ensureElectronNative() {
  const dir = electronNativeDir();
  const binary = join(dir, 'build', 'Release', 'better_sqlite3.node');
  if (existsSync(binary)) return binary;
  const source = join(root, 'node_modules', 'better-sqlite3');
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true, filter: (p) => !p.includes(`${join(source, 'build')}`) });
  console.log(`Building better-sqlite3 for Electron ${electronVersion()} (once)…`);
  const env = {
    ...process.env,
    npm_config_runtime: 'electron',
    npm_config_target: electronVersion(),
    npm_config_disturl: 'https://electronjs.org/headers',
    npm_config_arch: process.arch,
    npm_config_target_arch: process.arch,
  };
  execFileSync(npm, ['run', 'install'], { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
  return binary;
}
