// Runs after `npm install` (the `prepare` script, after the build). Where npm could not install
// Electron (its binary download needs internet access), fetch its type declarations for the type
// check, and say in one line that the window waits for `npm start` and what works without it.
import { electronMissingLine, ensureElectronTypes } from './electron-native.mjs';

const line = electronMissingLine();
if (line) {
  const types = ensureElectronTypes() ? '' : ' (Its type declarations could not be fetched either: the type check of src-main/electron needs them.)';
  console.log(line + types);
}
