import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CampaignSize,
  fcParams,
  guardUnhandledRejections,
  mustNotLeak,
  mustSettle,
  OracleFailure,
  Tally,
} from './harness.js';
import type { Outcome } from './outcome.js';
import { basePayload, DRIFT, type PayloadCase, type PayloadKind, payloadCase } from './polygon-payloads.js';
import { createSandbox } from './sandbox.js';
import { related } from './scenario-yaml.js';

export interface PolygonSuiteOptions {
  /** Cases through the HTTP client and a local server, as a fraction of `size.runs`. */
  clientScale: number;
}

const PATHS: Record<PayloadKind, string> = {
  chain: '/v3/snapshot/options/SPY',
  universal: '/v3/snapshot',
  indices: '/v3/snapshot/indices',
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const finiteOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/** What the scan relies on in a parsed contract. */
function checkQuote(q: unknown): string | null {
  if (q === null) return null;
  const o = q as Record<string, unknown>;
  if (typeof o.ticker !== 'string' || typeof o.root !== 'string') return 'ticker/root not strings';
  if (o.type !== 'put' && o.type !== 'call') return `type ${String(o.type)}`;
  if (typeof o.expiry !== 'string' || !DATE.test(o.expiry)) return `expiry ${String(o.expiry)}`;
  if (typeof o.strike !== 'number' || !Number.isFinite(o.strike)) return `strike ${String(o.strike)}`;
  for (const k of ['bid', 'ask', 'quoteTimeMs', 'openInterest', 'vendorDelta', 'vendorIv']) {
    if (!finiteOrNull(o[k])) return `${k} ${String(o[k])}`;
  }
  return null;
}

function parseOp(c: PayloadCase) {
  return c.kind === 'chain'
    ? ({ op: 'parseOptionChainPage', args: { json: c.json, underlying: 'SPY', path: PATHS.chain } } as const)
    : ({ op: 'parseSnapshotItems', args: { json: c.json, path: PATHS[c.kind] } } as const);
}

function sanity(kind: PayloadKind, value: unknown): string | null {
  if (kind === 'chain') {
    for (const q of (value as { contracts: unknown[] }).contracts) {
      const p = checkQuote(q);
      if (p) return p;
    }
    return null;
  }
  for (const [ticker, item] of (value as { items: Array<[string, Record<string, unknown>]> }).items) {
    if (typeof ticker !== 'string' || ticker === '') return 'empty ticker key';
    if (
      item.kind === 'price' &&
      !(typeof item.price === 'number' && Number.isFinite(item.price) && item.price > 0)
    ) {
      return `price ${String(item.price)}`;
    }
    if (item.kind === 'price' && !finiteOrNull(item.timeMs)) return `timeMs ${String(item.timeMs)}`;
    if (item.kind === 'option') {
      const p = checkQuote(item.quote);
      if (p) return p;
    }
  }
  return null;
}

/** Whether a body's `next_url` carries the key before its query (where no parameter filter finds it). */
export function keyInNextUrlPath(body: string, apiKey: string): boolean {
  const nextUrl = /"next_url":"([^"]*)"/.exec(body)?.[1];
  return nextUrl !== undefined && (nextUrl.split('?')[0] ?? '').includes(apiKey);
}

export function definePolygonPayloadSuite(size: CampaignSize, opts: PolygonSuiteOptions): void {
  describe(`vendor payloads (${size.label})`, () => {
    const tally = new Tally('vendor-payloads', size);
    const sandbox = createSandbox({ caseTimeoutMs: size.caseTimeoutMs });
    const guard = guardUnhandledRejections();

    afterAll(async () => {
      await sandbox.close();
      guard.dispose();
      tally.claim('no crash, no untyped throw, no hang, no unhandled rejection');
      tally.claim('every error a PolygonError (schema) naming the drifted field at or around the mutation');
      tally.claim(
        'wrong types and NaN-ish strings in read fields always refused; extra fields never change the result',
      );
      tally.claim(
        "no API key in any message, cause or log line, even echoed into next_url's path; none in a request URL unless the vendor echoed it into that path (finding 8)",
      );
      tally.report();
    });

    for (const kind of ['chain', 'universal', 'indices'] as const) {
      it(`${kind}: every mutated payload parses or is refused as schema drift at the mutated field`, async () => {
        await tally.check(`${kind} payloads`, async () => {
          await fc.assert(
            fc.asyncProperty(payloadCase(kind), async (c) => {
              const { op, args } = parseOp(c);
              const outcome = mustSettle(
                (await sandbox.run(op, args as never)) as Outcome<unknown>,
                String(c),
                ['PolygonError'],
              );
              tally.record(`${kind}:${c.mutation.op}`, outcome);
              const show = (what: string, detail?: unknown) =>
                new OracleFailure(what, { case: String(c), detail });
              if (outcome.status === 'ok') {
                if (c.mustFail) throw show(`${c.mutation.op} at ${c.at} was accepted`, outcome.value);
                const problem = sanity(kind, outcome.value);
                if (problem) throw show(`parsed value the scan cannot use: ${problem}`, outcome.value);
                if (c.sameAsBase) {
                  const base = await sandbox.run(op, { ...args, json: JSON.stringify(c.base) } as never);
                  if (base.status !== 'ok') throw show('the unmutated payload did not parse', base);
                  expect(outcome.value, 'an unknown field changed the parsed result').toEqual(base.value);
                }
                return;
              }
              const e = outcome.error;
              if (c.sameAsBase) throw show('an unknown field made the payload fail', e);
              expect(e.kind).toBe('schema');
              expect(e.retry).toBe('non-retryable');
              const m = DRIFT.exec(e.message);
              if (!m)
                throw show(
                  `message not shaped "[GET] path: schema drift at FIELD: expected …, got …"`,
                  e.message,
                );
              expect(m[1]).toBe(PATHS[kind]);
              const field = m[2] as string;
              if (!(field === '(body)' || related(field, c.at)))
                throw show(`error names ${field}, mutation was at ${c.at}`, e.message);
            }),
            fcParams(size, kind === 'chain' ? 5 : kind === 'universal' ? 6 : 7),
          );
          guard.check();
        });
      });
    }

    it('client over HTTP: mutated pages, vendor errors and bad bodies never leak the API key', async () => {
      const key = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/).map((s) => `FAKEPOLYKEY${s}`);
      const response = (apiKey: string) =>
        fc.oneof(
          payloadCase('chain').map((c) => {
            const body = JSON.parse(c.json) as Record<string, unknown>;
            if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'next_url' in body) {
              body.next_url = `https://api.massive.com/v3/snapshot/options/SPY?cursor=p2&apiKey=${apiKey}`;
            }
            return { status: 200, contentType: 'application/json', body: JSON.stringify(body) };
          }),
          fc.constantFrom(401, 403, 404, 429, 500, 502).map((status) => ({
            status,
            contentType: 'application/json',
            body: JSON.stringify({ status: 'ERROR', request_id: 'r1', error: `Unknown API Key: ${apiKey}` }),
          })),
          fc.constantFrom(
            {
              status: 200,
              contentType: 'application/json',
              body: `{"status":"OK","results":[{"details": ${apiKey}`,
            },
            { status: 200, contentType: 'text/html', body: `<html>apiKey=${apiKey}</html>` },
            {
              status: 200,
              contentType: 'application/json',
              body: `apikey=${apiKey}&x=1`,
              gzip: 'corrupt' as const,
            },
            {
              status: 200,
              contentType: 'application/json',
              body: `{"status":"OK","next_url":"::not a url?apiKey=${apiKey}","results":[]}`,
            },
            // The key echoed into next_url's path, where no query-parameter filter finds it.
            {
              status: 200,
              contentType: 'application/json',
              body: `{"status":"OK","next_url":"::not a url ${apiKey}","results":[]}`,
            },
            {
              status: 200,
              contentType: 'application/json',
              body: `{"status":"OK","next_url":"https://api.massive.com/v3/snapshot/options/SPY/${apiKey}?cursor=p2","results":[]}`,
            },
          ),
        );
      const input = key.chain((apiKey) =>
        fc.record({
          apiKey: fc.constant(apiKey),
          call: fc.constantFrom<'chain' | 'snapshots'>('chain', 'snapshots'),
          responses: fc.array(response(apiKey), { minLength: 1, maxLength: 3 }),
        }),
      );
      await tally.check('client over HTTP', async () => {
        await fc.assert(
          fc.asyncProperty(input, async (c) => {
            const outcome = mustSettle(await sandbox.run('polygonClient', c), c, ['PolygonError']);
            tally.record('client', outcome);
            const texts =
              outcome.status === 'ok'
                ? outcome.value.logs
                : [outcome.error.message, outcome.error.causeText, ...(outcome.error.logs ?? [])];
            mustNotLeak(texts, [c.apiKey], c);
            if (outcome.status === 'ok') {
              // The key goes in the Authorization header only, never in a URL (next_url's apiKey is dropped).
              // A vendor that echoes the key into next_url's path is followed there: open finding 8.
              if (c.responses.some((r) => keyInNextUrlPath(r.body, c.apiKey))) return;
              for (const r of outcome.value.requests) mustNotLeak([r.split(' ')[1] ?? ''], [c.apiKey], c);
              return;
            }
            if (!/^\[GET\] \/\S*: /.test(outcome.error.message)) {
              throw new OracleFailure(
                'client error message not shaped "[GET] /path: …"',
                outcome.error.message,
              );
            }
          }),
          { ...fcParams(size, 8), numRuns: Math.max(1, Math.round(size.runs * opts.clientScale)) },
        );
        guard.check();
      });
    });

    it('baseline: unmutated payloads parse', async () => {
      for (const kind of ['chain', 'universal', 'indices'] as const) {
        const [base] = fc.sample(basePayload(kind), { numRuns: 1, seed: size.seed });
        const c = { kind, json: JSON.stringify(base) } as PayloadCase;
        const { op, args } = parseOp(c);
        const outcome = await sandbox.run(op, args as never);
        expect(outcome.status, JSON.stringify(outcome).slice(0, 400)).toBe('ok');
      }
    });
  });
}
