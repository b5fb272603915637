import { describe, expect, it } from 'vitest';
import { createPolygonClient } from '../src/index.js';
import { startFakePolygonServerThread } from '../src/testing/index.js';
import { API_KEY, T0 } from './helpers.js';

describe('fake server on its own thread', () => {
  it('serves at the shared virtual instant and takes faults by message', async () => {
    const server = await startFakePolygonServerThread({
      source: { kind: 'sim', seed: 5 },
      apiKey: API_KEY,
      nowMs: T0,
    });
    try {
      const client = createPolygonClient({ baseUrl: server.baseUrl, apiKey: API_KEY, sleep: async () => {} });
      expect((await client.fetchMarketStatus()).serverTimeMs).toBe(T0);
      server.setNow(T0 + 8 * 3_600_000); // 19:00 New York: after the close
      const later = await client.fetchMarketStatus();
      expect(later.serverTimeMs).toBe(T0 + 8 * 3_600_000);
      expect(later.market).toBe('extended-hours');
      await server.setFaults({ serverError: { count: 1, status: 503 } });
      await client.fetchMarketStatus();
      const { count, log } = await server.requests();
      expect(count).toBe(4);
      expect(log.map((r) => r.status)).toEqual([200, 200, 503, 200]);
    } finally {
      await server.close();
    }
  });
});
