// The CLI talks to its in-process service through the contract's typed API, the very proxy the
// renderer wraps its bridge or socket in: replies come back typed, not as casts of `unknown`.
import { proxyApi, type SaddleApi } from '../contract';
import type { SaddleService } from '../core/service';

export function typedApi(service: SaddleService): SaddleApi {
  return proxyApi(
    service.dispatch.bind(service),
    (event, listener) => service.on((name, payload) => name === event && listener(payload)),
  );
}
