// better-sqlite3 is a native module: Node (tests, CLI) and Electron need different builds. We keep
// Node's build in place and make a second copy built for Electron's ABI in
// node_modules/.saddle-electron/, which the app loads when it runs inside Electron.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

export function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
}

export function electronNativeDir() {
  return join(root, 'node_modules', '.saddle-electron', `electron-${electronVersion()}`, 'better-sqlite3');
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
  execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'install'], { cwd: dir, env, stdio: 'inherit', shell: process.platform === 'win32' });
  return binary;
}

/** The Electron executable; downloads it first when `npm install` skipped that (electron's own install.js). */
export function electronBinary() {
  const installed = () => existsSync(join(root, 'node_modules/electron/path.txt')) && existsSync(require('electron'));
  if (!installed()) {
    console.log('Downloading the Electron binary (once)…');
    try {
      execFileSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { stdio: 'inherit' });
    } catch {
      // Fall through to the message below.
    }
    if (!installed()) {
      throw new Error(
        'The Electron binary could not be downloaded (is this machine offline?). The desktop window needs it; ' +
          'everything else works without it: `npx saddle-lab serve` opens the same workbench in a browser.',
      );
    }
  }
  return require('electron');
}
