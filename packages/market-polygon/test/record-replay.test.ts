import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMarketRecorder,
  createPolygonClient,
  loadReplayStore,
  redactText,
  stripApiKeyParams,
} from '../src/index.js';
import { startFakePolygonServer } from '../src/testing/index.js';
import { API_KEY, captureLogger, planFor, T0 } from './helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'market-polygon-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const readRecording = (dir: string) =>
  readdirSync(dir)
    .map((f) => gunzipSync(readFileSync(join(dir, f))).toString('utf8'))
    .join('');

describe('record and replay', () => {
  it('a recorded-then-replayed scan gives the same snapshot, by virtual time', async () => {
    const dir = tmp();
    let now = T0;
    const sim = await startFakePolygonServer({
      source: { kind: 'sim', seed: 3 },
      apiKey: API_KEY,
      now: () => now,
    });
    const legs = sim
      .market!.listing('SPY', T0)
      .filter((c) => c.type === 'put')
      .slice(100, 104)
      .map((c) => c.ticker);
    const log = captureLogger();
    const recorder = createMarketRecorder({ dir, secrets: [API_KEY] });
    const recClient = createPolygonClient({
      baseUrl: sim.baseUrl,
      apiKey: API_KEY,
      now: () => now,
      recorder,
      logger: log.logger,
      sleep: async () => {},
    });
    // A 429 on the first chain page is recorded too; the retried 200 (recorded later) wins on replay.
    sim.setFaults({ rateLimit: { count: 1, match: '/options/IWM' } });
    const first = await recClient.fetchScanSnapshot(planFor(T0, legs));
    now = T0 + 120_000;
    const second = await recClient.fetchScanSnapshot(planFor(now, legs));
    await recorder.flush();
    await sim.close();
    expect(first.errors).toEqual([]);
    expect(second.underlyings.SPY!.price).not.toBe(first.underlyings.SPY!.price);
    expect(recorder.recorded).toBe(sim.requests.count);

    const replay = await startFakePolygonServer({
      source: { kind: 'replay', dir },
      apiKey: 'replay-key',
      now: () => now,
    });
    try {
      const client = createPolygonClient({ baseUrl: replay.baseUrl, apiKey: 'replay-key' });
      now = T0;
      expect(await client.fetchScanSnapshot(planFor(T0, legs))).toEqual(first);
      now = T0 + 60_000; // latest recording at or before t is the first scan's
      expect(await client.fetchScanSnapshot(planFor(T0, legs))).toEqual(first);
      now = T0 + 120_000;
      expect(await client.fetchScanSnapshot(planFor(T0 + 120_000, legs))).toEqual(second);
      // Before anything was recorded: a 404 naming the request, recorded per underlying.
      now = T0 - 1;
      const early = await client.fetchScanSnapshot(planFor(T0, legs));
      expect(early.chains).toEqual({});
      expect(early.errors[0]).toMatchObject({ code: 'vix_unavailable' });
      expect(early.errors[1]!.message).toContain('no recorded response for GET /v3/snapshot?');
    } finally {
      await replay.close();
    }

    const text = readRecording(dir);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; status: number; receivedAtMs: number; query: string });
    expect(lines.length).toBe(recorder.recorded);
    expect(lines.filter((l) => l.status === 429).map((l) => l.path)).toEqual(['/v3/snapshot/options/IWM']);
    expect(new Set(lines.map((l) => l.receivedAtMs))).toEqual(new Set([T0, T0 + 120_000]));
    expect(lines.some((l) => l.query.startsWith('cursor='))).toBe(true);
    expect(text).not.toContain(API_KEY);
    expect(log.text()).not.toContain(API_KEY);
    expect(log.lines.some((l) => l.msg === 'polygon snapshot')).toBe(true);
  });

  it('the key never reaches a recording, even when the server echoes it', async () => {
    const dir = tmp();
    const recorder = createMarketRecorder({ dir, secrets: [API_KEY] });
    recorder.record({
      method: 'GET',
      path: '/v3/snapshot/options/SPY',
      query: `cursor=abc&apiKey=${API_KEY}`,
      status: 200,
      receivedAtMs: T0,
      headers: { 'x-request-id': `req-${API_KEY}` },
      body: JSON.stringify({
        next_url: `https://api.massive.com/v3/x?cursor=1&apiKey=${encodeURIComponent(API_KEY)}`,
        results: [],
      }),
    });
    await recorder.flush();
    const text = readRecording(dir);
    expect(text).not.toContain(API_KEY);
    expect(text).toContain('apiKey=[REDACTED]');
    expect(redactText(`a ${API_KEY} b`, [API_KEY])).toBe('a [REDACTED] b');
    expect(stripApiKeyParams('/v3/x?apiKey=k&cursor=2')).toBe('/v3/x?cursor=2');
    expect(stripApiKeyParams('/v3/x?cursor=2&apikey=k')).toBe('/v3/x?cursor=2');
  });

  it('no error message or log line carries the key', async () => {
    const log = captureLogger();
    const sim = await startFakePolygonServer({
      source: { kind: 'sim', seed: 3 },
      apiKey: 'the-right-key',
      now: () => T0,
    });
    try {
      const client = createPolygonClient({
        baseUrl: sim.baseUrl,
        apiKey: API_KEY,
        logger: log.logger,
        sleep: async () => {},
      });
      const snap = await client.fetchScanSnapshot(planFor(T0));
      expect(snap.errors.length).toBe(9); // VIX + 4 underlyings + 4 chains, all 401
      expect(snap.errors.every((e) => e.message.includes('401 Unauthorized: Unknown API Key'))).toBe(true);
      expect(JSON.stringify(snap)).not.toContain(API_KEY);
      expect(log.text()).not.toContain(API_KEY);
      expect(sim.requests.log.every((r) => !r.query.includes(API_KEY))).toBe(true);
    } finally {
      await sim.close();
    }
    // Network failure (nothing listening any more).
    const down = createPolygonClient({ baseUrl: sim.baseUrl, apiKey: API_KEY, retry: { maxRetries: 0 } });
    const err = (await down.fetchMarketStatus().catch((e: unknown) => e)) as Error & { kind: string };
    expect(err.kind).toBe('network');
    expect(`${err.message} ${String(err.cause)}`).not.toContain(API_KEY);
  });

  it('a torn last gzip member is dropped; everything before it replays', async () => {
    const dir = tmp();
    const recorder = createMarketRecorder({ dir, fileName: 'market-a.jsonl.gz' });
    for (const t of [T0, T0 + 1000]) {
      recorder.record({
        method: 'GET',
        path: '/v1/marketstatus/now',
        query: '',
        status: 200,
        receivedAtMs: t,
        headers: {},
        body: `{"t":${t}}`,
      });
    }
    await recorder.flush();
    const file = join(dir, 'market-a.jsonl.gz');
    const whole = readFileSync(file);
    appendFileSync(file, whole.subarray(0, Math.floor(whole.length / 3)));
    const store = loadReplayStore(dir);
    expect(store.size).toBe(2);
    expect(store.lookup('/v1/marketstatus/now', '', T0 + 500)?.body).toBe(`{"t":${T0}}`);
    expect(store.lookup('/v1/marketstatus/now', '', T0 + 5000)?.body).toBe(`{"t":${T0 + 1000}}`);
    expect(store.lookup('/v1/marketstatus/now', '', T0 - 1)).toBeUndefined();
    expect(() => loadReplayStore(tmp())).toThrowError(/no \*\.jsonl\.gz recordings/);
  });
});
