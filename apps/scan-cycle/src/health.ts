import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BreakerLevel, ScanOutcome } from '@aegis/strategy-core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HostPort } from './cli.js';

const LEVEL_VALUE: Record<BreakerLevel, number> = { ok: 0, warn: 1, reduce_only: 2, halted: 3 };

/** What `/healthz` reports; the loop updates it after every scan and on session changes. */
export interface HealthState {
  startedAtMs: number;
  lastScanAtMs: number | null;
  lastSuccessfulScanAtMs: number | null;
  scanCount: number;
  sessionOpen: boolean;
  nextOpenMs: number | null;
  breakers: { global: BreakerLevel; scenarios: Record<string, BreakerLevel> };
  /** Set when something keeps the service from taking risk (state unwritable, log unwritable, …). */
  degradedReason: string | null;
  scanIntervalSec: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded' | 'halted';
  http_status: 200 | 503;
  last_scan_at: string | null;
  last_successful_scan_at: string | null;
  scan_count: number;
  session: 'open' | 'closed';
  next_open_at: string | null;
  breakers: { global: BreakerLevel; scenarios: Record<string, BreakerLevel> };
  reason: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Pure health verdict. 503 only when, during the session, no successful scan happened within three
 * intervals (counted from start when there was none yet); `halted` when the global level is halted.
 */
export function healthReport(state: HealthState, nowMs: number): HealthReport {
  const windowMs = 3 * state.scanIntervalSec * 1000;
  const since = state.lastSuccessfulScanAtMs ?? state.startedAtMs;
  const stale = state.sessionOpen && nowMs - since > windowMs;
  let status: HealthReport['status'] = 'ok';
  let reason: string | null = state.degradedReason;
  if (state.breakers.global === 'halted') {
    status = 'halted';
    reason ??= 'global breaker halted';
  } else if (stale || state.degradedReason !== null || state.breakers.global !== 'ok') {
    status = 'degraded';
    if (stale) reason = `no successful scan within ${3 * state.scanIntervalSec} s during the session`;
    reason ??= `global breaker ${state.breakers.global}`;
  }
  return {
    status,
    http_status: stale ? 503 : 200,
    last_scan_at: iso(state.lastScanAtMs),
    last_successful_scan_at: iso(state.lastSuccessfulScanAtMs),
    scan_count: state.scanCount,
    session: state.sessionOpen ? 'open' : 'closed',
    next_open_at: iso(state.nextOpenMs),
    breakers: state.breakers,
    reason,
  };
}

/** Prometheus metrics of the service, on their own registry. */
export interface ScanMetrics {
  registry: Registry;
  observeScan(outcome: ScanOutcome, durationMs: number): void;
  scanFailed(): void;
  /** Counts HTTP responses by venue from undici's diagnostics channels; returns the unsubscribe. */
  watchHttp(venueOfOrigin: (origin: string) => string | null): () => void;
}

export function createScanMetrics(): ScanMetrics {
  const registry = new Registry();
  const scans = new Counter({
    name: 'scan_cycle_scans_total',
    help: 'Scans by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'scan_cycle_scan_duration_seconds',
    help: 'Wall time of one scan (fetch, decide, persist, append)',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const scanCount = new Gauge({
    name: 'scan_cycle_scan_count',
    help: 'scan_count of the last completed scan',
    registers: [registry],
  });
  const http = new Counter({
    name: 'scan_cycle_http_requests_total',
    help: 'Outgoing HTTP requests by venue and status (status "error" for transport failures)',
    labelNames: ['venue', 'status'],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'scan_cycle_decisions_total',
    help: 'Entry and exit decisions by scenario and status',
    labelNames: ['scenario', 'kind', 'status'],
    registers: [registry],
  });
  const breaker = new Gauge({
    name: 'scan_cycle_breaker_level',
    help: 'Breaker level per scenario (and "global"): 0 ok, 1 warn, 2 reduce_only, 3 halted',
    labelNames: ['scenario'],
    registers: [registry],
  });
  const equity = new Gauge({
    name: 'scan_cycle_equity_usd',
    help: 'Equity per scenario in USD',
    labelNames: ['scenario'],
    registers: [registry],
  });
  const openPositions = new Gauge({
    name: 'scan_cycle_open_positions',
    help: 'Open positions per scenario',
    labelNames: ['scenario'],
    registers: [registry],
  });

  return {
    registry,
    observeScan(outcome, durationMs) {
      scans.inc({ result: 'ok' });
      duration.observe(durationMs / 1000);
      scanCount.set(outcome.scanCount);
      for (const e of outcome.decisions.entries)
        decisions.inc({ scenario: e.scenario, kind: 'entry', status: e.status });
      for (const e of outcome.decisions.exits)
        decisions.inc({ scenario: e.scenario, kind: 'exit', status: e.status });
      breaker.set({ scenario: 'global' }, LEVEL_VALUE[outcome.breaker.global]);
      for (const [id, level] of Object.entries(outcome.breaker.scenarios)) {
        breaker.set({ scenario: id }, LEVEL_VALUE[level]);
      }
      for (const s of outcome.summaries) {
        equity.set({ scenario: s.scenario }, s.equity);
        openPositions.set({ scenario: s.scenario }, s.openPositions);
      }
    },
    scanFailed() {
      scans.inc({ result: 'failed' });
    },
    watchHttp(venueOfOrigin) {
      const onHeaders = (message: unknown) => {
        const m = message as { request?: { origin?: unknown }; response?: { statusCode?: number } };
        const venue = venueOfOrigin(String(m.request?.origin ?? ''));
        if (venue !== null) http.inc({ venue, status: String(m.response?.statusCode ?? 0) });
      };
      const onError = (message: unknown) => {
        const m = message as { request?: { origin?: unknown } };
        const venue = venueOfOrigin(String(m.request?.origin ?? ''));
        if (venue !== null) http.inc({ venue, status: 'error' });
      };
      subscribe('undici:request:headers', onHeaders);
      subscribe('undici:request:error', onError);
      return () => {
        unsubscribe('undici:request:headers', onHeaders);
        unsubscribe('undici:request:error', onError);
      };
    },
  };
}

export interface HealthServer {
  readonly address: HostPort;
  close(): Promise<void>;
}

/** Serves `/healthz` and `/metrics`. Port 0 picks an ephemeral port (tests). */
export async function startHealthServer(options: {
  addr: HostPort;
  metrics: ScanMetrics;
  health: () => HealthState;
  nowMs: () => number;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const report = healthReport(options.health(), options.nowMs());
      res.writeHead(report.http_status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(report)}\n`);
      return;
    }
    if (path === '/metrics') {
      options.metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String((error as Error).message));
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.addr.port, options.addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const info = server.address() as AddressInfo;
  return {
    address: { host: info.address, port: info.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
