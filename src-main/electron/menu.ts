// Native menus. Commands that need a dialog are done here; the rest go to the renderer as
// `menu.command` events so the window decides with its own state.
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(path: string): void;
  saveProjectAs(): void;
  send(command: string): void;
}

export function buildMenu(recent: { path: string; exists: boolean }[], actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: actions.newProject },
        { label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: actions.openProject },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((r) => ({ label: r.path, enabled: r.exists, click: () => actions.openRecent(r.path) }))
            : [{ label: 'No recent projects', enabled: false }],
        },
        { type: 'separator' },
        { label: 'Save Project As…', accelerator: 'CmdOrCtrl+Shift+S', click: actions.saveProjectAs },
        { label: 'Close Project', click: () => actions.send('project.close') },
        { type: 'separator' },
        { label: 'Export Panel…', accelerator: 'CmdOrCtrl+E', click: () => actions.send('export.panel') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Run',
      submenu: [
        { label: 'Run Experiment', accelerator: 'CmdOrCtrl+Enter', click: () => actions.send('run.start') },
        { label: 'Cancel All Runs', accelerator: 'CmdOrCtrl+.', click: () => actions.send('run.cancelAll') },
      ],
    },
    {
      label: 'View',
      submenu: [
        { label: 'Overlay Runs', click: () => actions.send('view.overlay') },
        { label: 'Small Multiples', click: () => actions.send('view.smallMultiples') },
        { label: 'Log–Log Axes (Active Panel)', click: () => actions.send('view.logLog') },
        { label: 'Compare with Another Experiment…', click: () => actions.send('view.compare') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
