/**
 * Runs inside the sandbox worker: calls the real package entry points on one input at a time and
 * reports what happened as plain data. A case that never returns is caught by the parent, which
 * terminates this worker; a case that throws something untyped is reported, not rethrown.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { createTokenSource, parseTokenFile } from '@aegis/broker-saxo';
import { createPolygonClient, parseOptionChainPage, parseSnapshotItems } from '@aegis/market-polygon';
import { readParityLog } from '@aegis/parity-log';
import { loadRunConfig } from '@aegis/strategy-core';
import type { ConfigIssueInfo, OpName, Ops, Outcome, TypedErrorInfo, UntypedErrorInfo } from './outcome.js';

const TAGS = new Set(['ConfigError', 'PolygonError', 'SaxoError', 'ParityLogError']);

let unhandled: string[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(describeThrown(reason).message || String(reason));
});

function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = (error as { cause?: unknown })?.cause;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    parts.push(String(current));
    if (current instanceof Error) parts.push(current.message, current.stack ?? '');
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function describeThrown(error: unknown): UntypedErrorInfo {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack ?? '' };
  }
  return { name: typeof error, message: String(error), stack: '' };
}

function typedInfo(error: unknown): TypedErrorInfo | null {
  if (typeof error !== 'object' || error === null) return null;
  const tag = (error as { _tag?: unknown })._tag;
  if (typeof tag !== 'string' || !TAGS.has(tag)) return null;
  const e = error as {
    kind?: unknown;
    retry?: unknown;
    status?: unknown;
    message?: unknown;
    issues?: readonly ConfigIssueInfo[];
  };
  const info: TypedErrorInfo = {
    tag: tag as TypedErrorInfo['tag'],
    kind: typeof e.kind === 'string' ? e.kind : null,
    retry: typeof e.retry === 'string' ? e.retry : null,
    status: typeof e.status === 'number' ? e.status : null,
    message: String(e.message),
    causeText: causeText(error),
  };
  if (Array.isArray(e.issues)) {
    info.issues = e.issues.map((i) => ({
      kind: i.kind,
      file: i.file,
      path: i.path,
      expected: i.expected,
      received: i.received,
      ...(i.line === undefined ? {} : { line: i.line }),
      message: i.message,
    }));
  }
  return info;
}

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** A YAML key or JSON field named `__proto__` must never reach Object.prototype. */
function protoIsClean(): boolean {
  return (
    Object.getOwnPropertyNames(Object.prototype).sort().join(',') === PROTO_KEYS &&
    ({} as Record<string, unknown>).polluted === undefined
  );
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) =>
      v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
    );
  } catch {
    return String(value);
  }
}

function captureLogger(lines: string[]) {
  const log = (level: string) => (obj: object, msg?: string) => {
    lines.push(`${level} ${msg ?? ''} ${safeJson(obj)}`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** One HTTP server per worker, answering each request with the next scripted response. */
let server: { url: string; script: Ops['polygonClient']['args']['responses']; requests: string[] } | null =
  null;

async function polygonServer(): Promise<NonNullable<typeof server>> {
  if (server) return server;
  const state = {
    url: '',
    script: [] as Ops['polygonClient']['args']['responses'],
    requests: [] as string[],
  };
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    state.requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    const next = state.script.length > 1 ? state.script.shift() : state.script[0];
    if (!next) {
      res.writeHead(500).end();
      return;
    }
    const headers: Record<string, string> = { 'content-type': next.contentType };
    let payload: Buffer = Buffer.from(next.body, 'utf8');
    if (next.gzip !== undefined) {
      headers['content-encoding'] = 'gzip';
      // `corrupt`: the header says gzip, the bytes are not.
      if (next.gzip === 'valid') payload = gzipSync(payload);
    }
    res.writeHead(next.status, headers).end(payload);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server = state;
  return state;
}

const handlers: { [K in OpName]: (args: Ops[K]['args']) => Ops[K]['result'] | Promise<Ops[K]['result']> } = {
  loadRunConfig({ entry, files }) {
    const run = loadRunConfig(entry, (file) => {
      const text = files[file];
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${file}'`);
      return text;
    });
    return { mode: run.mode, scenarioIds: run.scenarios.map((s) => s.id), scenarios: run.scenarios };
  },
  parseOptionChainPage({ json, underlying, path }) {
    const page = parseOptionChainPage(JSON.parse(json), underlying, { path });
    return { contracts: page.contracts, nextUrl: page.nextUrl ?? null, filteredOut: page.filteredOut };
  },
  parseSnapshotItems({ json, path }) {
    return { items: [...parseSnapshotItems(JSON.parse(json), { path })] };
  },
  async readParityLog({ path, validate, maxLineBytes, chunkBytes }) {
    const out: Ops['readParityLog']['result'] = { entries: [], bad: [], other: [] };
    for await (const entry of readParityLog(path, {
      validate,
      ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
      ...(chunkBytes === undefined ? {} : { chunkBytes }),
      onBadLine: (bad) => out.bad.push(bad),
      onOtherVersion: (o) => out.other.push({ file: o.file, line: o.line, schemaVersion: o.schemaVersion }),
    })) {
      out.entries.push({
        file: entry.file,
        line: entry.line,
        kind: entry.record.record_kind,
        record: entry.record,
      });
    }
    return out;
  },
  parseTokenFile({ text }) {
    return parseTokenFile(text);
  },
  async tokenSource({ path, nowMs }) {
    const logs: string[] = [];
    const source = createTokenSource({
      path,
      now: () => nowMs,
      logger: captureLogger(logs),
      watch: false,
      halfWrittenDelayMs: 0,
      sleep: async () => {},
    });
    try {
      const token = await source.getAccessToken();
      // The status view is what health checks and logs see: it must be token-free too.
      logs.push(`status ${safeJson(source.status())}`);
      return { token, logs };
    } catch (error) {
      logs.push(`status ${safeJson(source.status())}`);
      (error as { capturedLogs?: string[] }).capturedLogs = logs;
      throw error;
    } finally {
      source.close();
    }
  },
  async selfTest({ behaviour }) {
    switch (behaviour) {
      case 'ok':
        return 'fine';
      case 'hang':
        for (;;) {
          // A synchronous loop: only terminating the worker stops it.
        }
      case 'throw':
        throw new TypeError('boom');
      case 'stray-rejection':
        void Promise.reject(new Error('stray'));
        return 'returned before the rejection was noticed';
      case 'async-crash':
        return new Promise<string>(() => {
          setTimeout(() => {
            throw new Error('async boom');
          }, 0);
        });
      case 'typed':
        throw Object.assign(new Error('bad config'), { _tag: 'ConfigError', issues: [] });
      case 'pollute':
        Object.defineProperty(Object.prototype, 'polluted', {
          value: 1,
          configurable: true,
          enumerable: false,
        });
        return 'polluted';
    }
  },
  async polygonClient({ apiKey, call, responses }) {
    const srv = await polygonServer();
    srv.script = responses.slice();
    srv.requests = [];
    const logs: string[] = [];
    const client = createPolygonClient({
      baseUrl: srv.url,
      apiKey,
      timeoutMs: 5_000,
      retry: { maxRetries: 1, baseDelayMs: 0, maxDelayMs: 0 },
      pageCap: 5,
      logger: captureLogger(logs),
      sleep: async () => {},
    });
    try {
      const value =
        call === 'chain'
          ? await client.fetchOptionChain({ underlying: 'SPY', contractType: 'put' })
          : [...(await client.fetchSnapshots(['SPY', 'I:SPX', 'O:SPY260619P00516000']))];
      return { value, logs, requests: srv.requests };
    } catch (error) {
      (error as { capturedLogs?: string[] }).capturedLogs = logs;
      throw error;
    }
  },
};

interface Request {
  id: number;
  op: OpName;
  args: unknown;
}

parentPort?.on('message', async (req: Request) => {
  unhandled = [];
  const started = performance.now();
  let outcome: Outcome<unknown>;
  try {
    const handler = handlers[req.op] as (args: unknown) => unknown;
    const value = await handler(req.args);
    // Let any stray rejection from the case surface before reporting.
    await new Promise((resolve) => setImmediate(resolve));
    outcome = {
      status: 'ok',
      value,
      elapsedMs: performance.now() - started,
      unhandled,
      protoClean: protoIsClean(),
    };
  } catch (error) {
    await new Promise((resolve) => setImmediate(resolve));
    const typed = typedInfo(error);
    const logs = (error as { capturedLogs?: string[] } | null)?.capturedLogs;
    if (typed && logs) typed.logs = logs;
    const common = { elapsedMs: performance.now() - started, unhandled, protoClean: protoIsClean() };
    outcome = typed
      ? { status: 'typed', error: typed, ...common }
      : { status: 'untyped', error: describeThrown(error), ...common };
  }
  parentPort?.postMessage({ id: req.id, outcome });
});

parentPort?.postMessage({ ready: true });
