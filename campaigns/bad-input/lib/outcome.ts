/**
 * What one fuzz case did, as plain data that crosses the worker boundary. The oracles in the suites
 * judge these; the worker never decides pass or fail.
 */

/** A typed adapter error, flattened: the fields every adapter error shares plus the config issues. */
export interface TypedErrorInfo {
  tag: 'ConfigError' | 'PolygonError' | 'SaxoError' | 'ParityLogError';
  kind: string | null;
  retry: string | null;
  status: number | null;
  message: string;
  /** Messages of the whole `cause` chain and `String(cause)`, to look for leaked secrets. */
  causeText: string;
  /** Log lines the adapter wrote during the case (token source, client). */
  logs?: string[];
  issues?: ConfigIssueInfo[];
}

export interface ConfigIssueInfo {
  kind: string;
  file: string;
  path: string;
  expected: string;
  received: string;
  line?: number;
  message: string;
}

/** Anything thrown that is not one of the adapters' tagged errors: a crash. */
export interface UntypedErrorInfo {
  name: string;
  message: string;
  stack: string;
}

export type Outcome<T> =
  | { status: 'ok'; value: T; elapsedMs: number; unhandled: string[]; protoClean: boolean }
  | { status: 'typed'; error: TypedErrorInfo; elapsedMs: number; unhandled: string[]; protoClean: boolean }
  | {
      status: 'untyped';
      error: UntypedErrorInfo;
      elapsedMs: number;
      unhandled: string[];
      protoClean: boolean;
    }
  /** The case did not finish within its time bound; the worker was terminated. */
  | { status: 'hang'; timeoutMs: number }
  /** The worker died (uncaught exception in a callback, out of memory). */
  | { status: 'crash'; error: UntypedErrorInfo };

/** The operations the sandbox worker can run, with their arguments and results. */
export interface Ops {
  loadRunConfig: {
    args: { entry: string; files: Record<string, string> };
    result: { mode: string; scenarioIds: string[]; scenarios: unknown[] };
  };
  parseOptionChainPage: {
    args: { json: string; underlying: string; path: string };
    result: { contracts: unknown[]; nextUrl: string | null; filteredOut: number };
  };
  parseSnapshotItems: {
    args: { json: string; path: string };
    result: { items: Array<[string, unknown]> };
  };
  readParityLog: {
    args: { path: string; validate: 'fast' | 'strict'; maxLineBytes?: number; chunkBytes?: number };
    result: {
      entries: Array<{ file: string; line: number; kind: string; record: unknown }>;
      bad: Array<{ file: string; line: number; reason: string; excerpt: string }>;
      other: Array<{ file: string; line: number; schemaVersion: unknown }>;
    };
  };
  parseTokenFile: {
    args: { text: string };
    result: unknown;
  };
  tokenSource: {
    args: { path: string; nowMs: number };
    result: { token: string; logs: string[] };
  };
  /** Known-bad behaviours, to prove the harness catches each of them. */
  selfTest: {
    args: { behaviour: 'ok' | 'hang' | 'throw' | 'stray-rejection' | 'async-crash' | 'typed' | 'pollute' };
    result: string;
  };
  polygonClient: {
    args: {
      apiKey: string;
      call: 'chain' | 'snapshots';
      /** Served in order, one per request; the last one repeats. */
      responses: Array<{ status: number; contentType: string; body: string; gzip?: 'valid' | 'corrupt' }>;
    };
    result: { value: unknown; logs: string[]; requests: string[] };
  };
}

export type OpName = keyof Ops;
