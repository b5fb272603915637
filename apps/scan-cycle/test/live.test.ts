import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFakeJwt, startFakeSaxoServer, writeTokenFile } from '@aegis/broker-saxo/testing';
import { startFakePolygonServer } from '@aegis/market-polygon/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  readJsonl,
  removeTempDirs,
  runCli,
  scansOf,
  tempDir,
  writeLiveApproval,
} from './helpers.js';

afterAll(removeTempDirs);

const T = '2026-04-10T15:00:00Z';

describe('live mode over the fake venues', () => {
  it('an approved live start reconciles first: a broker position the book lacks halts the live-capable scenario; secrets stay out of every output', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('live-ok');
    const apiKey = 'pk_live_SECRET_7f3a9c1e5b';
    const accessToken = makeFakeJwt({ expMs: Date.now() + 3_600_000, sub: 'live-test-SECRET' });
    const polygon = await startFakePolygonServer({
      source: { kind: 'sim', seed: 7 },
      apiKey,
      now: () => Date.parse(T),
    });
    const saxo = await startFakeSaxoServer({ tokens: { valid: [accessToken] } });
    try {
      saxo.addPosition({ root: 'SPY', expiry: '2026-05-15', putCall: 'Put', strike: 500 }, -2);
      const tokenFile = join(dir, 'saxobank_tokens_live.json');
      await writeTokenFile(tokenFile, { accessToken });
      await writeLiveApproval(dir, {
        pass: true,
        approvedBy: 'A. Risk',
        approvedAt: '2026-04-09T20:00:00.000Z',
        gateReport: 'gate.json',
      });
      const r = await runCli(
        [
          'run',
          `--scenario-multi-yaml=${join(FIXTURES, 'multi.yaml')}`,
          `--state-dir=${join(dir, 'state')}`,
          `--parity-log=${join(dir, 'logs', 'parity_log.jsonl')}`,
          '--live',
          `--live-approval=${join(dir, 'approval.json')}`,
          '--market=polygon',
          '--broker=saxo',
          `--clock=virtual:${T}`,
          '--health-addr=127.0.0.1:0',
          `--record-market=${join(dir, 'market')}`,
          '--once',
        ],
        {
          POLYGON_API_KEY: apiKey,
          POLYGON_BASE_URL: polygon.baseUrl,
          SAXO_ENV: 'sim',
          SAXO_BASE_URL: saxo.url,
          SAXO_TOKEN_FILE: tokenFile,
        },
      );
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('live-capable scenario halted (fail closed)');
      expect(r.stdout).toContain('broker leg uic');
      expect(r.stdout).toMatch(/SPY 2026-05-15 Put 500\) amount -2 pairs with no spread/);

      const records = await readJsonl(join(dir, 'logs', 'parity_log.jsonl'));
      expect(records[0]).toMatchObject({
        record_kind: 'startup',
        mode: 'live',
        flags: { live_approval_by: 'A. Risk' },
      });
      expect(records).toContainEqual(
        expect.objectContaining({
          record_kind: 'breaker',
          scenario: 'LT_RC',
          to: 'halted',
          cause: expect.stringContaining('reconciliation mismatch'),
        }),
      );
      const [scan] = scansOf(records) as {
        mode: string;
        circuit_breaker: { scenarios: Record<string, string> };
        entries_proposed: { scenario: string; status: string }[];
      }[];
      expect(scan?.mode).toBe('live');
      expect(scan?.circuit_breaker.scenarios.LT_RC).toBe('halted');
      // Nothing was sent for the halted scenario; paper scenarios still trade.
      expect(saxo.orderPosts()).toBe(0);
      expect(
        scan?.entries_proposed.filter((e) => e.scenario === 'LT_RC').every((e) => e.status === 'blocked'),
      ).toBe(true);
      expect(
        scan?.entries_proposed.some((e) => e.scenario === 'PAPER_A' && e.status === 'paper_filled'),
      ).toBe(true);
      // The key reached the server (the adapter authenticated) but no output of ours.
      expect(polygon.requests.count).toBeGreaterThan(0);

      const outputs = [r.stdout, r.stderr, await readFile(join(dir, 'logs', 'parity_log.jsonl'), 'utf8')];
      outputs.push(await readFile(join(dir, 'state', 'state.json'), 'utf8'));
      const { gunzipSync } = await import('node:zlib');
      for (const f of await readdir(join(dir, 'market')))
        outputs.push(gunzipSync(await readFile(join(dir, 'market', f))).toString('utf8'));
      for (const text of outputs) {
        expect(text).not.toContain(apiKey);
        expect(text).not.toContain(accessToken);
        expect(text).not.toContain('SECRET');
      }
    } finally {
      await polygon.close();
      await saxo.close();
    }
  });

  it('with a clean reconciliation it journals and places live orders, and a restart finds broker and book in agreement', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir('live-orders');
    const apiKey = 'pk-live-orders-123456';
    const accessToken = makeFakeJwt({ expMs: Date.now() + 3_600_000 });
    const polygon = await startFakePolygonServer({
      source: { kind: 'sim', seed: 7 },
      apiKey,
      now: () => Date.parse(T),
    });
    const saxo = await startFakeSaxoServer({ tokens: { valid: [accessToken] } });
    try {
      const tokenFile = join(dir, 'token.json');
      await writeTokenFile(tokenFile, { accessToken });
      await writeLiveApproval(dir, {
        pass: true,
        approvedBy: 'A. Risk',
        approvedAt: '2026-04-09T20:00:00.000Z',
        gateReport: join(dir, 'gate.json'),
      });
      const args = [
        'run',
        `--scenario-multi-yaml=${join(FIXTURES, 'multi.yaml')}`,
        `--state-dir=${join(dir, 'state')}`,
        `--parity-log=${join(dir, 'logs', 'parity_log.jsonl')}`,
        '--live',
        `--live-approval=${join(dir, 'approval.json')}`,
        '--market=polygon',
        `--clock=virtual:${T}`,
        '--health-addr=127.0.0.1:0',
        '--once',
      ];
      const env = {
        POLYGON_API_KEY: apiKey,
        POLYGON_BASE_URL: polygon.baseUrl,
        SAXO_ENV: 'sim',
        SAXO_BASE_URL: saxo.url,
        SAXO_TOKEN_FILE: tokenFile,
      };
      const first = await runCli(args, env);
      expect(first.code).toBe(0);
      const [scan] = scansOf(await readJsonl(join(dir, 'logs', 'parity_log.jsonl'))) as {
        entries_proposed: { scenario: string; status: string; intent_id: string }[];
      }[];
      const live = scan?.entries_proposed.filter((e) => e.scenario === 'LT_RC') ?? [];
      expect(live.length).toBeGreaterThan(0);
      expect(live.every((e) => e.status === 'submitted' || e.status === 'filled')).toBe(true);
      expect(saxo.orderPosts()).toBe(live.length);
      expect(saxo.orders.map((o) => o.externalReference).sort()).toEqual(live.map((e) => e.intent_id).sort());
      const journal = JSON.parse(await readFile(join(dir, 'state', 'intents.json'), 'utf8')) as {
        entries: { intent: { intentId: string }; state: string }[];
      };
      expect(journal.entries.map((e) => e.intent.intentId).sort()).toEqual(
        live.map((e) => e.intent_id).sort(),
      );

      const second = await runCli(args, env);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('startup reconciliation: broker matches the book');
      const scans = scansOf(await readJsonl(join(dir, 'logs', 'parity_log.jsonl'))) as {
        scan_count: number;
        circuit_breaker: { scenarios: Record<string, string> };
      }[];
      expect(scans.map((s) => s.scan_count)).toEqual([1, 2]);
      expect(scans[1]?.circuit_breaker.scenarios.LT_RC).not.toBe('halted');
    } finally {
      await polygon.close();
      await saxo.close();
    }
  });
});
