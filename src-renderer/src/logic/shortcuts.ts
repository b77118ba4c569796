// Keyboard shortcuts and the commands they share with the native menu (`menu.command` events).

const appCommands = [
  'project.new',
  'project.open',
  'project.openRecent',
  'project.saveAs',
  'project.close',
  'export.panel',
  'run.start',
  'run.cancelAll',
  'view.overlay',
  'view.smallMultiples',
  'view.logLog',
  'view.compare',
  'help.shortcuts',
] as const;
export type AppCommand = (typeof appCommands)[number];

export function isAppCommand(command: string): command is AppCommand {
  return (appCommands as readonly string[]).includes(command);
}

export type HostKind = 'electron' | 'serve' | 'cli';

export interface Shortcut {
  /** Display form; "Mod" is Ctrl, or Cmd on macOS. */
  keys: string;
  description: string;
  command: AppCommand | null;
  /** Project commands belong to the native menu's accelerators in Electron. */
  hosts: readonly HostKind[];
  match: { key: string; mod: boolean; shift?: boolean };
}

const anyHost: readonly HostKind[] = ['electron', 'serve'];
const browserOnly: readonly HostKind[] = ['serve'];

export const shortcuts: readonly Shortcut[] = [
  { keys: 'Mod+Enter', description: 'Run the current experiment', command: 'run.start', hosts: anyHost, match: { key: 'Enter', mod: true } },
  { keys: 'Mod+.', description: 'Cancel all queued and running runs', command: 'run.cancelAll', hosts: anyHost, match: { key: '.', mod: true } },
  { keys: 'Mod+1', description: 'Dashboard: overlay', command: 'view.overlay', hosts: anyHost, match: { key: '1', mod: true } },
  { keys: 'Mod+2', description: 'Dashboard: small multiples', command: 'view.smallMultiples', hosts: anyHost, match: { key: '2', mod: true } },
  { keys: 'L', description: 'Focused panel: log–log on / off', command: 'view.logLog', hosts: anyHost, match: { key: 'l', mod: false } },
  { keys: 'C', description: 'Dashboard: compare with another experiment', command: 'view.compare', hosts: anyHost, match: { key: 'c', mod: false } },
  { keys: 'Mod+E', description: 'Export the focused panel as PNG', command: 'export.panel', hosts: anyHost, match: { key: 'e', mod: true } },
  { keys: 'Mod+O', description: 'Open the project at the typed path', command: 'project.open', hosts: browserOnly, match: { key: 'o', mod: true } },
  { keys: 'Mod+S', description: 'Save the project as the typed path', command: 'project.saveAs', hosts: browserOnly, match: { key: 's', mod: true } },
  { keys: '?', description: 'Show these shortcuts', command: 'help.shortcuts', hosts: anyHost, match: { key: '?', mod: false } },
  { keys: 'Esc', description: 'Close a dialog or popover', command: null, hosts: anyHost, match: { key: 'Escape', mod: false } },
  // ECharts handles this one itself (its `zoomOnMouseWheel: 'ctrl'`), on every platform.
  { keys: 'Ctrl+Wheel', description: 'Zoom a chart along x; drag to pan', command: null, hosts: anyHost, match: { key: '', mod: true } },
];

/** The panel a panel command (L) acts on: the one holding keyboard focus, else the one last clicked, else the first. */
export function commandPanelId(focusedId: string | null, lastClickedId: string | null, panelIds: readonly string[]): string | null {
  for (const id of [focusedId, lastClickedId]) if (id !== null && panelIds.includes(id)) return id;
  return panelIds[0] ?? null;
}

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The command a key press triggers; plain keys are ignored while typing in a text field. */
export function commandForKey(input: KeyInput, host: HostKind, isMac: boolean, inTextField: boolean): AppCommand | null {
  const mod = isMac ? input.metaKey : input.ctrlKey;
  if (input.altKey) return null;
  for (const shortcut of shortcuts) {
    if (!shortcut.command || !shortcut.hosts.includes(host)) continue;
    const { key, mod: needsMod, shift } = shortcut.match;
    if (input.key.toLowerCase() !== key.toLowerCase() || mod !== needsMod) continue;
    if (shift !== undefined && shift !== input.shiftKey) continue;
    if (!needsMod && inTextField) continue;
    return shortcut.command;
  }
  return null;
}
