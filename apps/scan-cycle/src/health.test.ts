import { describe, expect, it } from 'vitest';
import { createScanMetrics, type HealthState, healthReport, startHealthServer } from './health.js';

const base: HealthState = {
  startedAtMs: 0,
  lastScanAtMs: null,
  lastSuccessfulScanAtMs: null,
  scanCount: 0,
  sessionOpen: true,
  nextOpenMs: null,
  breakers: { global: 'ok', scenarios: { LT_RC: 'ok' } },
  degradedReason: null,
  scanIntervalSec: 45,
};

describe('healthReport', () => {
  it('is ok within three intervals and 503 after, only during the session', () => {
    const s = { ...base, lastScanAtMs: 1_000, lastSuccessfulScanAtMs: 1_000, scanCount: 3 };
    expect(healthReport(s, 1_000 + 135_000)).toMatchObject({ status: 'ok', http_status: 200, scan_count: 3 });
    expect(healthReport(s, 1_000 + 135_001)).toMatchObject({ status: 'degraded', http_status: 503 });
    expect(healthReport({ ...s, sessionOpen: false }, 10_000_000)).toMatchObject({
      status: 'ok',
      http_status: 200,
      session: 'closed',
    });
  });

  it('reports halted when the global level is halted', () => {
    const r = healthReport({ ...base, breakers: { global: 'halted', scenarios: {} } }, 1);
    expect(r).toMatchObject({ status: 'halted', http_status: 200, reason: 'global breaker halted' });
  });
});

describe('health server', () => {
  it('serves /healthz and /metrics on an ephemeral port', async () => {
    const metrics = createScanMetrics();
    metrics.scanFailed();
    const server = await startHealthServer({
      addr: { host: '127.0.0.1', port: 0 },
      metrics,
      health: () => ({ ...base, sessionOpen: false, scanCount: 9 }),
      nowMs: () => 5,
    });
    try {
      const base = `http://127.0.0.1:${server.address.port}`;
      const h = await fetch(`${base}/healthz`);
      expect(h.status).toBe(200);
      expect(await h.json()).toMatchObject({ status: 'ok', scan_count: 9, session: 'closed' });
      const m = await (await fetch(`${base}/metrics`)).text();
      expect(m).toContain('scan_cycle_scans_total{result="failed"} 1');
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
