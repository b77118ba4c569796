// Session-wide state: which host we run in, the link to the main process, and the errors shown
// in the banner. Every store reports failures here instead of throwing at the UI.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Output } from '../../../src-main/contract/api';
import { toApiError } from '../api/api-error';
import { saddle, saddleClient } from '../api/client';
import type { ConnectionStatus } from '../api/connection';
import type { HostKind } from '../logic/shortcuts';

export interface BannerError {
  id: number;
  kind: 'expected' | 'bug';
  message: string;
  /** What the user was doing, e.g. "Opening the project". */
  context: string | null;
}

const maxBannerErrors = 3;

export const useAppStore = defineStore('app', () => {
  const info = ref<Output<'app', 'info'> | null>(null);
  const gpu = ref<Output<'app', 'gpu'> | null>(null);
  const host = computed<HostKind>(() => info.value?.host ?? (window.saddle ? 'electron' : 'serve'));
  const connection = shallowRef<ConnectionStatus>(saddleClient().connection.status());
  const errors = ref<BannerError[]>([]);
  const helpOpen = ref(false);
  /** The window's main view: the experiment workbench, or the papers' claims. */
  const view = ref<'workbench' | 'papers'>('workbench');
  let nextErrorId = 1;

  saddleClient().connection.onStatus((status) => {
    connection.value = status;
  });

  /**
   * Shows an error in the banner. Cancellations are not errors, and while the link is down the
   * connection banner already says why calls fail (everything is reloaded once it is back).
   */
  function report(error: unknown, context?: string): void {
    const apiError = toApiError(error);
    if (apiError.kind === 'cancelled' || connection.value.state !== 'open') return;
    const entry: BannerError = { id: nextErrorId++, kind: apiError.kind, message: apiError.message, context: context ?? null };
    errors.value = [...errors.value.slice(1 - maxBannerErrors), entry];
  }

  function dismiss(id: number): void {
    errors.value = errors.value.filter((error) => error.id !== id);
  }

  /** Runs an API action; on failure reports it and resolves to undefined. */
  async function attempt<T>(context: string, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      report(error, context);
      return undefined;
    }
  }

  async function loadInfo(): Promise<void> {
    info.value = (await attempt('Reading the app version', () => saddle().app.info())) ?? null;
    // The GPU probe opens an adapter in a worker thread; it may take a moment, so it comes second.
    gpu.value = (await attempt('Looking for a GPU', () => saddle().app.gpu())) ?? null;
  }

  function retryConnection(): void {
    saddleClient().connection.retryNow();
  }

  return { info, gpu, host, connection, errors, helpOpen, view, report, dismiss, attempt, loadInfo, retryConnection };
});
