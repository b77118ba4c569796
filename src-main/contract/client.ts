// Builds the typed `SaddleApi` from one generic call function: `api.runs.start(input)` becomes
// `call('runs', 'start', input)`. Namespace and method names exist only as strings here. The
// renderer wraps its bridge or socket in it, the CLI the service's `dispatch`.
import type { EventName, EventPayload, SaddleApi } from './api';

export type CallFn = (namespace: string, method: string, input: unknown) => Promise<unknown>;
export type ListenerFn = (payload: unknown) => void;
export type SubscribeFn = (event: string, listener: ListenerFn) => () => void;

/** Keys a framework may probe on any object; answering them would make the proxy look thenable. */
function isProbe(key: string | symbol): key is symbol {
  return typeof key === 'symbol' || key === 'then' || key === 'toJSON' || key.startsWith('__v_');
}

export function proxyApi(call: CallFn, subscribe: SubscribeFn): SaddleApi {
  const namespaces = new Map<string, Record<string, (input?: unknown) => Promise<unknown>>>();
  const namespaceProxy = (namespace: string) =>
    new Proxy<Record<string, (input?: unknown) => Promise<unknown>>>(
      {},
      { get: (_, method) => (isProbe(method) ? undefined : (input?: unknown) => call(namespace, method, input ?? {})) },
    );
  const on = <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) =>
    // The transport hands over the payload the contract declares for this event name.
    subscribe(event, (payload) => listener(payload as EventPayload<E>));
  const root = new Proxy<Record<string, unknown>>(
    { on },
    {
      get: (target, key) => {
        if (key === 'on') return target.on;
        if (isProbe(key)) return undefined;
        let namespace = namespaces.get(key);
        if (!namespace) {
          namespace = namespaceProxy(key);
          namespaces.set(key, namespace);
        }
        return namespace;
      },
    },
  );
  // The Proxy implements every namespace and method of the contract; TypeScript cannot see that.
  return root as unknown as SaddleApi;
}
