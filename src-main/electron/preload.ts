// The preload bridge: exposes `window.saddle`, a typed proxy of the API. Only the app's two
// channels are ever used, with validated shapes on the main side.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiMethods, bridgeErrorPrefix, ipcChannels } from '../contract/methods';

interface CallReply {
  ok: boolean;
  result?: unknown;
  error?: { kind: string; message: string; issues: { path: string; message: string }[] };
}

const bridge: Record<string, unknown> = {};
for (const [ns, methods] of Object.entries(apiMethods)) {
  const target: Record<string, (input?: unknown) => Promise<unknown>> = {};
  for (const method of methods) {
    target[method] = async (input?: unknown) => {
      const reply = (await ipcRenderer.invoke(ipcChannels.call, { ns, method, input })) as CallReply;
      if (reply.ok) return reply.result;
      // contextBridge keeps only an error's message, so the structured error travels inside it;
      // the renderer's client turns it back into an ApiError.
      throw new Error(`${bridgeErrorPrefix}${JSON.stringify(reply.error)}`);
    };
  }
  bridge[ns] = target;
}

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
ipcRenderer.on(ipcChannels.event, (_event: IpcRendererEvent, message: { event: string; payload: unknown }) => {
  for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
});
bridge.on = (event: string, listener: Listener) => {
  const set = listeners.get(event) ?? new Set<Listener>();
  set.add(listener);
  listeners.set(event, set);
  return () => set.delete(listener);
};

contextBridge.exposeInMainWorld('saddle', bridge);
