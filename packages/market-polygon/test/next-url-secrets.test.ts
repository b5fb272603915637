import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isPolygonError } from '../src/index.js';
import { API_KEY, captureLogger, fastClient } from './helpers.js';

/** A vendor that echoes the key into the path of its next_url, then fails that page. */
async function echoingVendor(nextUrl: string): Promise<{ server: Server; baseUrl: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/v3/snapshot/options/SPY?')) {
      res.end(JSON.stringify({ status: 'OK', request_id: 'r1', results: [], next_url: nextUrl }));
      return;
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ status: 'NOT_FOUND', request_id: 'r2', message: 'no such page' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

let current: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (current ? current.close(() => resolve()) : resolve()));
  current = undefined;
});

describe('a next_url carrying the API key', () => {
  for (const [name, nextUrl] of [
    ['in its path', `https://api.massive.com/v3/snapshot/options/SPY/${API_KEY}?cursor=abc`],
    ['in a value that is no URL', `::not a url ${API_KEY}`],
  ] as const) {
    it(`keeps the key out of errors and logs (${name})`, async () => {
      const vendor = await echoingVendor(nextUrl);
      current = vendor.server;
      const log = captureLogger();
      const { client } = fastClient(vendor.baseUrl, { logger: log.logger });
      const error = await client.fetchOptionChain({ underlying: 'SPY' }).catch((e: unknown) => e);
      expect(isPolygonError(error)).toBe(true);
      const text = `${String((error as Error).message)} ${JSON.stringify(error)} ${log.text()}`;
      expect(text).not.toContain(API_KEY);
    });
  }
});
