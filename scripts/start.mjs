// `npm start`: build, make sure Electron and its native SQLite build are there, open the app.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary, ensureElectronNative } from './electron-native.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// Always build (about 2 s): a pulled or edited checkout never opens a stale app.
const built = spawnSync(process.execPath, [`${root}/scripts/build.mjs`], { stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);
let binary, nativeBinding;
try {
  binary = electronBinary();
  nativeBinding = ensureElectronNative();
} catch (error) {
  console.error(`\n✖ ${error.message}`);
  process.exit(1);
}
const child = spawn(binary, [root, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, SADDLE_LAB_SQLITE_BINDING: nativeBinding },
});
child.on('exit', (code) => process.exit(code ?? 0));
