// Which project a launch asks for: double-clicking a `.saddle` file starts the app (or a second
// instance) with the file among its arguments, on Linux and Windows. Kept free of Electron so it is
// tested directly; macOS sends an `open-file` event instead (handled in electron/main.ts).
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectExtension = /\.saddle$/i;

/**
 * The project file named in a process's argv (argv[0] is the executable; Chromium switches and the
 * app folder of an unpackaged run are skipped), made absolute against `cwd`; the last one wins.
 * `file://` URLs, as some Linux desktops pass them, are accepted too.
 */
export function projectFileFromArgv(argv: readonly string[], cwd: string): string | null {
  let found: string | null = null;
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !projectExtension.test(arg)) continue;
    const path = arg.startsWith('file://') ? fileURLToPath(arg) : arg;
    found = isAbsolute(path) ? path : resolve(cwd, path);
  }
  return found;
}
