/** One raw HTTP exchange as recorded: enough to serve it back byte for byte. */
export interface RecordedExchange {
  method: 'GET';
  /** Request path as sent, e.g. `/v3/snapshot/options/SPY`. */
  path: string;
  /** Raw query string without `?`, API key removed. */
  query: string;
  status: number;
  /** Receive time on the client's clock (virtual in replays and tests). */
  receivedAtMs: number;
  /** `content-type`, `retry-after`, `x-request-id` when present. */
  headers: Record<string, string>;
  /** Raw body text, API key removed. */
  body: string;
}

/** Where the client hands each raw response; `createMarketRecorder` writes them to disk. */
export interface Recorder {
  record(exchange: RecordedExchange): void;
}
