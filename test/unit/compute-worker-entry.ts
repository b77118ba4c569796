// A piscina task for compute-worker.test.ts, bundled like the app's pool worker: selects a backend
// inside the worker thread and trains the fixture MLP, or keeps the GPU busy until a cancel message
// arrives on its port (the pool worker's cooperative cancellation).
import type { MessagePort } from 'node:worker_threads';
import { selectBackend, type DeviceRequest } from '../../workers/compute/index';
import { classificationProblem, trainReluMlp } from './compute-fixtures';

export interface ComputeTask {
  request: DeviceRequest;
  /** Keep multiplying until 'cancel' arrives here, then report the steps done. */
  cancelPort?: MessagePort;
}

export default async function computeTask({ request, cancelPort }: ComputeTask) {
  const { device, adapterName, backend, notice } = await selectBackend(request);
  try {
    if (cancelPort) {
      let cancelled = false;
      cancelPort.on('message', () => (cancelled = true));
      cancelPort.postMessage('started');
      const a = backend.tensor(256, 256), c = backend.tensor(256, 256);
      let steps = 0;
      for (; !cancelled; steps++) {
        for (let i = 0; i < 8; i++) backend.matmul(a, a, c);
        await backend.flush();
      }
      cancelPort.close();
      return { device, adapterName, notice, steps };
    }
    const { losses } = await trainReluMlp(backend, classificationProblem(11), 20, 0.5);
    return { device, adapterName, notice, losses };
  } finally {
    backend.dispose();
  }
}
