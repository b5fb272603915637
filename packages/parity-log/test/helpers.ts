import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanRecord } from '../src/schema.js';

export async function tempDir(
  prefix = 'parity-log-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function scanRecord(n: number, overrides: Partial<ScanRecord> = {}): ScanRecord {
  return {
    schema_version: 1,
    record_kind: 'scan',
    ts: new Date(Date.UTC(2026, 3, 10, 13, 30) + n * 45_000).toISOString(),
    trade_date: '2026-04-10',
    scan_count: n,
    run_id: 'run-1',
    source: 'scan-cycle/0.1.0',
    mode: 'dry-run',
    vix: 17.42,
    underlyings: { SPY: { price: 512.34 }, QQQ: { price: 441.2 } },
    entries_proposed: [
      {
        scenario: 'LT_RC',
        underlying: 'SPY',
        option_type: 'put',
        expiry: '2026-05-15',
        short_strike: 495,
        long_strike: 490,
        quantity: 3,
        credit: 1.52,
        short_delta: -0.2513,
        status: 'precheck_ok',
        reason: null,
        intent_id: 'LT_RC:2026-04-10:SPY:20260515:495:490:open:17',
      },
    ],
    exits_proposed: [],
    errors: [],
    circuit_breaker: { global: 'ok', scenarios: { LT_RC: 'ok' } },
    duration_ms: 412,
    ...overrides,
  };
}
