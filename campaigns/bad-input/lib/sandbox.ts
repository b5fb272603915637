/**
 * Parent side of the sandbox: one worker thread that runs cases one at a time. A case that does
 * not answer within its bound is a hang: the worker is terminated (that is the only way to stop
 * a synchronous loop) and a fresh one starts for the next case.
 */
import { Worker } from 'node:worker_threads';
import type { OpName, Ops, Outcome, UntypedErrorInfo } from './outcome.js';

export interface Sandbox {
  run<K extends OpName>(op: K, args: Ops[K]['args']): Promise<Outcome<Ops[K]['result']>>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** A case running longer than this is reported as a hang. */
  caseTimeoutMs: number;
  /** Loading the TypeScript sources in a fresh worker; not part of any case's bound. */
  startupTimeoutMs?: number;
}

const WORKER_URL = new URL('./sandbox-worker.mjs', import.meta.url);

interface Pending {
  id: number;
  settle: (outcome: Outcome<unknown>) => void;
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const startupTimeoutMs = options.startupTimeoutMs ?? 120_000;
  let worker: Worker | null = null;
  let ready: Promise<void> | null = null;
  let pending: Pending | null = null;
  let nextId = 1;

  const died = (error: UntypedErrorInfo) => {
    const p = pending;
    pending = null;
    worker = null;
    ready = null;
    p?.settle({ status: 'crash', error });
  };

  function start(): Promise<void> {
    const w = new Worker(WORKER_URL, {
      execArgv: ['--conditions=@aegis/source'],
      // Room for the huge-input cases; an input that needs more is a finding.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    worker = w;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void w.terminate();
        reject(new Error(`sandbox worker did not start within ${startupTimeoutMs} ms`));
      }, startupTimeoutMs);
      w.on('message', (msg: { ready?: boolean; id?: number; outcome?: Outcome<unknown> }) => {
        if (msg.ready) {
          clearTimeout(timer);
          resolve();
          return;
        }
        if (pending && msg.id === pending.id && msg.outcome) {
          const p = pending;
          pending = null;
          p.settle(msg.outcome);
        }
      });
      w.on('error', (error) => {
        clearTimeout(timer);
        if (worker !== w) return;
        if (!pending) reject(error);
        died({ name: error.name, message: error.message, stack: error.stack ?? '' });
      });
      w.on('exit', (code) => {
        clearTimeout(timer);
        if (worker !== w) return;
        died({ name: 'WorkerExit', message: `sandbox worker exited with code ${code}`, stack: '' });
      });
    });
  }

  async function run<K extends OpName>(op: K, args: Ops[K]['args']): Promise<Outcome<Ops[K]['result']>> {
    if (pending) throw new Error('sandbox runs one case at a time');
    if (!ready) ready = start();
    await ready;
    const w = worker;
    if (!w) throw new Error('sandbox worker is not running');
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (pending?.id !== id) return;
        pending = null;
        worker = null;
        ready = null;
        void w.terminate();
        resolve({ status: 'hang', timeoutMs: options.caseTimeoutMs });
      }, options.caseTimeoutMs);
      pending = {
        id,
        settle: (outcome) => {
          clearTimeout(timer);
          resolve(outcome as Outcome<Ops[K]['result']>);
        },
      };
      w.postMessage({ id, op, args });
    });
  }

  return {
    run,
    async close() {
      const w = worker;
      worker = null;
      ready = null;
      if (w) await w.terminate();
    },
  };
}
