// The Electron shell: one sandboxed window, the preload bridge, native menus and dialogs. Thin by
// design: every request goes to the same SaddleService the serve host and the CLI use.
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell, type IpcMainInvokeEvent } from 'electron';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { SaddleService } from '../core/service';
import { appPaths } from '../core/app-paths';
import { RecentProjects } from '../core/recent';
import { describeIssues, ExpectedError, issuesFromZod, toApiError } from '../core/errors';
import { projectFileFromArgv } from '../core/launch-file';
import { ipcChannels } from '../contract/methods';
import { buildMenu } from './menu';

declare const __APP_VERSION__: string;

const paths = appPaths(import.meta.url);
const rendererUrl = pathToFileURL(`${paths.rendererDir}/index.html`).href;
const projectFilters = [{ name: 'Saddle Lab project', extensions: ['saddle'] }];
const callEnvelope = z.object({ ns: z.string(), method: z.string(), input: z.unknown().optional() }).strict();

let window: BrowserWindow | null = null;
let service: SaddleService;
const recent = new RecentProjects(app.getPath('userData'));
/** A project the launch asked for (a double-clicked file), opened instead of the last one. */
let launchFile = projectFileFromArgv(process.argv, process.cwd());

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // A file double-clicked while the app runs starts a second instance, which hands us its argv.
  app.on('second-instance', (_event, argv, workingDirectory) => {
    const file = projectFileFromArgv(argv, workingDirectory);
    if (file && service) void openWith('open', file);
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // macOS passes a double-clicked file as an event, possibly before the app is ready.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    if (service) void openWith('open', path);
    else launchFile = path;
  });
  void app.whenReady().then(start);
  app.on('window-all-closed', () => app.quit());
  // Finish writing before the process goes: stop the pool and close the project cleanly once.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !service) return;
    closing = true;
    event.preventDefault();
    void service.close().finally(() => app.quit());
  });
}

async function start(): Promise<void> {
  service = new SaddleService({
    appVersion: __APP_VERSION__,
    host: 'electron',
    workerFile: paths.workerFile,
    examplesDir: paths.examplesDir,
    recent,
    dialogs: {
      pickProjectPath: (mode) => pickProjectPath(mode),
      saveFile: async (suggestedName, data) => {
        const result = await dialog.showSaveDialog(window!, { defaultPath: suggestedName });
        if (result.canceled || !result.filePath) return null;
        await writeFile(result.filePath, data);
        return result.filePath;
      },
      showFile: async (file, reveal) => {
        if (reveal) {
          shell.showItemInFolder(file);
          return;
        }
        // openPath answers '' on success, else why the system could not open it.
        const failure = await shell.openPath(file);
        if (failure) throw new ExpectedError(`could not open ${file}: ${failure}`);
      },
    },
  });
  service.on((event, payload) => {
    window?.webContents.send(ipcChannels.event, { event, payload });
    if (event === 'project.changed') refreshMenu();
  });
  // No remote content ever: refuse every permission and every new window or navigation.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ipcMain.handle(ipcChannels.call, handleCall);
  refreshMenu();
  if (launchFile) {
    await openWith('open', launchFile);
  } else {
    const last = recent.last();
    if (last) {
      try {
        await service.dispatch('projects', 'open', { path: last });
      } catch (error) {
        console.error(`could not reopen ${last}: ${toApiError(error).message}`);
      }
    }
  }
  createWindow();
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Saddle Lab',
    show: false,
    webPreferences: {
      preload: paths.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = null));
  void window.loadURL(rendererUrl);
}

/** Only the app's own top-level frame may call the API. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  return Boolean(window) && event.sender === window!.webContents && event.senderFrame === window!.webContents.mainFrame && event.senderFrame.url.startsWith(rendererUrl);
}

async function handleCall(event: IpcMainInvokeEvent, message: unknown) {
  if (!trustedSender(event)) return { ok: false, error: { kind: 'bug', message: 'refused: the request did not come from the Saddle Lab window', issues: [] } };
  const envelope = callEnvelope.safeParse(message);
  if (!envelope.success) {
    const issues = issuesFromZod(envelope.error);
    return { ok: false, error: { kind: 'expected', message: `malformed request: ${describeIssues(issues)}`, issues } };
  }
  try {
    return { ok: true, result: await service.dispatch(envelope.data.ns, envelope.data.method, envelope.data.input) };
  } catch (error) {
    const shaped = toApiError(error);
    if (shaped.kind === 'bug') console.error(error);
    return { ok: false, error: shaped };
  }
}

async function pickProjectPath(mode: 'open' | 'save'): Promise<string | null> {
  if (mode === 'open') {
    const result = await dialog.showOpenDialog(window!, { title: 'Open project', filters: projectFilters, properties: ['openFile'] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  }
  const result = await dialog.showSaveDialog(window!, { title: 'Project file', filters: projectFilters, defaultPath: 'experiments.saddle' });
  if (result.canceled || !result.filePath) return null;
  return result.filePath.endsWith('.saddle') ? result.filePath : `${result.filePath}.saddle`;
}

async function openWith(method: 'new' | 'open' | 'saveAs', path: string | null): Promise<void> {
  if (!path) return;
  try {
    // The native Save dialog has already asked before a file is replaced.
    await service.dispatch('projects', method, method === 'saveAs' ? { path, overwrite: true } : { path });
  } catch (error) {
    dialog.showErrorBox('Saddle Lab', toApiError(error).message);
  }
}

function refreshMenu(): void {
  Menu.setApplicationMenu(
    buildMenu(recent.list(), {
      newProject: async () => openWith('new', await pickProjectPath('save')),
      openProject: async () => openWith('open', await pickProjectPath('open')),
      openRecent: (path) => void openWith('open', path),
      saveProjectAs: async () => openWith('saveAs', await pickProjectPath('save')),
      send: (command) => window?.webContents.send(ipcChannels.event, { event: 'menu.command', payload: { command } }),
    }),
  );
}
