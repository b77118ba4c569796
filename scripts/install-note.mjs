// Runs after `npm install` (the `prepare` script): says in one line when the desktop window
// cannot open yet (Electron's binary could not be downloaded) and what works without it.
import { electronMissingLine } from './electron-native.mjs';

const line = electronMissingLine();
if (line) console.log(line);
