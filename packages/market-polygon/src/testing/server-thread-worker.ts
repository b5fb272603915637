/** Worker side of `startFakePolygonServerThread`. */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type FakeMarketSource,
  type FakePolygonServer,
  type FaultConfig,
  startFakePolygonServer,
} from './server.js';

interface Init {
  source: FakeMarketSource;
  apiKey: string;
  faults: FaultConfig;
  clock: SharedArrayBuffer;
}

const init = workerData as Init;
const clock = new Float64Array(init.clock);
let server: FakePolygonServer | undefined;

async function handle(op: string, arg: unknown): Promise<unknown> {
  switch (op) {
    case 'start':
      server = await startFakePolygonServer({
        source: init.source,
        apiKey: init.apiKey,
        faults: init.faults,
        now: () => clock[0] as number,
      });
      return server.baseUrl;
    case 'setFaults':
      server?.setFaults(arg as FaultConfig);
      return undefined;
    case 'requests':
      return { count: server?.requests.count ?? 0, log: [...(server?.requests.log ?? [])] };
    case 'resetRequests':
      server?.requests.reset();
      return undefined;
    case 'close':
      await server?.close();
      return undefined;
    default:
      throw new Error(`unknown op ${op}`);
  }
}

parentPort?.on('message', (m: { id: number; op: string; arg: unknown }) => {
  handle(m.op, m.arg).then(
    (value) => parentPort?.postMessage({ id: m.id, ok: true, value }),
    (error: unknown) =>
      parentPort?.postMessage({ id: m.id, ok: false, error: String((error as Error).message ?? error) }),
  );
});
