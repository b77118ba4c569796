// Commands shared by the native menu (`menu.command` events) and keyboard shortcuts.
import { onBeforeUnmount, onMounted } from 'vue';
import { saddle } from '../api/client';
import { panelExporter } from '../export/panel-exporter';
import { commandForKey, commandPanelId, isAppCommand, type AppCommand } from '../logic/shortcuts';
import { useAppStore } from '../stores/app';
import { useDashboardStore } from '../stores/dashboard';
import { useProjectStore } from '../stores/project';
import { useRunsStore } from '../stores/runs';

/** The dashboard panel holding keyboard focus (the panel itself or a control inside it). */
function focusedPanelId(): string | null {
  return document.activeElement?.closest<HTMLElement>('[data-panel-id]')?.dataset.panelId ?? null;
}

function useCommandRunner(): (command: AppCommand, path?: string) => Promise<void> {
  const app = useAppStore();
  const project = useProjectStore();
  const runs = useRunsStore();
  const dashboard = useDashboardStore();

  return async (command, path) => {
    switch (command) {
      case 'project.new':
        return project.create();
      case 'project.open':
        return project.open();
      case 'project.openRecent':
        return path ? project.open(path) : undefined;
      case 'project.saveAs':
        return project.saveAs();
      case 'project.close':
        return project.close();
      case 'export.panel': {
        const exporter = panelExporter(focusedPanelId() ?? dashboard.activePanelId);
        if (exporter) await exporter('png').catch((error: unknown) => app.report(error, 'Exporting PNG'));
        return;
      }
      case 'run.start':
        await runs.start();
        return;
      case 'run.cancelAll':
        return runs.cancelAll();
      case 'view.overlay':
        dashboard.mode = 'overlay';
        return;
      case 'view.smallMultiples':
        dashboard.mode = 'smallMultiples';
        return;
      case 'view.logLog': {
        const id = commandPanelId(focusedPanelId(), dashboard.activePanelId, dashboard.charts.map((c) => c.id));
        const chart = dashboard.charts.find((c) => c.id === id);
        if (chart) dashboard.toggleLogLog(chart);
        return;
      }
      case 'view.compare':
        dashboard.compareOpen = !dashboard.compareOpen;
        return;
      case 'help.shortcuts':
        app.helpOpen = !app.helpOpen;
        return;
    }
  };
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
    || (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button'].includes(target.type));
}

/** Wires keyboard shortcuts and native menu commands for the lifetime of the calling component. */
export function useCommands(): void {
  const app = useAppStore();
  const run = useCommandRunner();
  const isMac = navigator.platform.startsWith('Mac');

  function onKey(event: KeyboardEvent): void {
    const command = commandForKey(event, app.host, isMac, isTextField(event.target));
    if (!command) return;
    event.preventDefault();
    void run(command);
  }

  let unsubscribe: (() => void) | null = null;
  onMounted(() => {
    window.addEventListener('keydown', onKey);
    unsubscribe = saddle().on('menu.command', ({ command, path }) => {
      if (isAppCommand(command)) void run(command, path);
      else app.report(new Error(`Unknown menu command "${command}"`), 'Menu');
    });
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKey);
    unsubscribe?.();
  });
}
