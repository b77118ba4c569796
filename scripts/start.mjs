// `npm start`: build, make sure Electron and its native SQLite build are there, open the app.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { electronBinary, ensureElectronNative } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}/dist/main/electron.js`) || process.argv.includes('--rebuild')) {
  await import('./build.mjs');
}
const nativeBinding = ensureElectronNative();
const child = spawn(electronBinary(), [root, ...process.argv.slice(2).filter((a) => a !== '--rebuild')], {
  stdio: 'inherit',
  env: { ...process.env, SADDLE_LAB_SQLITE_BINDING: nativeBinding },
});
child.on('exit', (code) => process.exit(code ?? 0));
