/**
 * The fake server on its own thread, so generating vendor payloads does not steal the event loop of
 * the client under test (benches measure the client, as against a remote server). The virtual clock
 * is shared memory the caller sets; faults and statistics go by message.
 */
import { Worker } from 'node:worker_threads';
import type { FakeMarketSource, FaultConfig, RequestLogEntry } from './server.js';

export interface FakePolygonServerThreadOptions {
  source: FakeMarketSource;
  apiKey: string;
  nowMs: number;
  faults?: FaultConfig;
}

export interface FakePolygonServerThread {
  baseUrl: string;
  setNow(ms: number): void;
  setFaults(faults: FaultConfig): Promise<void>;
  requests(): Promise<{ count: number; log: RequestLogEntry[] }>;
  resetRequests(): Promise<void>;
  close(): Promise<void>;
}

type Reply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

export async function startFakePolygonServerThread(
  opts: FakePolygonServerThreadOptions,
): Promise<FakePolygonServerThread> {
  const clock = new Float64Array(new SharedArrayBuffer(8));
  clock[0] = opts.nowMs;
  const workerData = {
    source: opts.source,
    apiKey: opts.apiKey,
    faults: opts.faults ?? {},
    clock: clock.buffer,
  };
  let worker: Worker;
  if (import.meta.url.endsWith('.ts')) {
    // Running from source (tests, benches under tsx): the worker registers tsx before loading itself.
    const workerUrl = new URL('./server-thread-worker.ts', import.meta.url).href;
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl)}); });`;
    worker = new Worker(boot, { eval: true, workerData });
  } else {
    worker = new Worker(new URL('./server-thread-worker.js', import.meta.url), { workerData });
  }
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  worker.on('message', (m: Reply) => {
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  const call = (op: string, arg?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, arg });
    });
  const baseUrl = (await call('start')) as string;
  return {
    baseUrl,
    setNow(ms) {
      clock[0] = ms;
    },
    setFaults: async (faults) => {
      await call('setFaults', faults);
    },
    requests: async () => (await call('requests')) as { count: number; log: RequestLogEntry[] },
    resetRequests: async () => {
      await call('resetRequests');
    },
    close: async () => {
      await call('close');
      await worker.terminate();
    },
  };
}
