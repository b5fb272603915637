/**
 * (d) Our client against the official `@polygon.io/client-js` (8.x, axios, auto-pagination), fetching
 * the same put chains (lt_wft.yaml's windows) from the same fake server, chains concurrently in both.
 * Ours also maps every contract to domain types; theirs returns raw JSON.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPolygonClient } from '@aegis/market-polygon';
import { startFakePolygonServerThread } from '@aegis/market-polygon/testing';
import { initialState, planSnapshot } from '@aegis/strategy-core';
import { loadScenarioConfig } from '@aegis/strategy-core/node';
import { GetOptionsChainContractTypeEnum, restClient } from '@polygon.io/client-js';
import { Agent } from 'undici';
import type { BenchRow } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const API_KEY = 'bench-key';
const T0 = Date.parse('2026-04-10T15:00:00.000Z');
const ROUNDS = 12;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export default async function run(): Promise<BenchRow[]> {
  const runConfig = loadScenarioConfig(join(here, '..', 'configs', 'scenarios', 'lt_wft.yaml'));
  const plan = planSnapshot(initialState(runConfig), runConfig, T0);
  const server = await startFakePolygonServerThread({
    source: { kind: 'sim', seed: 1 },
    apiKey: API_KEY,
    nowMs: T0,
  });
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
  try {
    const ours = createPolygonClient({ baseUrl: server.baseUrl, apiKey: API_KEY, dispatcher: agent });
    const theirs = restClient(API_KEY, server.baseUrl, { pagination: true });

    const runOurs = async () => {
      const chains = await Promise.all(
        plan.underlyings.map((u) =>
          ours.fetchOptionChain({
            underlying: u.vendorTicker,
            symbol: u.symbol,
            contractType: 'put',
            expiryFrom: u.expiryFrom,
            expiryTo: u.expiryTo,
          }),
        ),
      );
      return chains.reduce((n, c) => n + c.contracts.length, 0);
    };
    const runTheirs = async () => {
      const chains = await Promise.all(
        plan.underlyings.map((u) =>
          theirs.getOptionsChain(
            u.vendorTicker,
            undefined,
            undefined,
            GetOptionsChainContractTypeEnum.Put,
            undefined,
            undefined,
            undefined,
            undefined,
            u.expiryFrom,
            undefined,
            u.expiryTo,
            undefined,
            undefined,
            250,
          ),
        ),
      );
      return chains.reduce((n, c) => n + (c.results?.length ?? 0), 0);
    };

    const oursCount = await runOurs();
    const theirsCount = await runTheirs();
    if (oursCount !== theirsCount)
      throw new Error(`contract counts differ: ours ${oursCount}, client-js ${theirsCount}`);
    const oursMs: number[] = [];
    const theirsMs: number[] = [];
    const time = async (fn: () => Promise<number>, into: number[]) => {
      const t = performance.now();
      await fn();
      into.push(performance.now() - t);
    };
    // ABBA order cancels whatever one run leaves behind for the next (GC debt, socket state).
    for (let i = 0; i < ROUNDS; i++) {
      await time(runOurs, oursMs);
      await time(runTheirs, theirsMs);
      await time(runTheirs, theirsMs);
      await time(runOurs, oursMs);
    }
    const a = median(oursMs);
    const b = median(theirsMs);
    return [
      {
        bench: 'polygon-vs-client-js',
        metric: `(d) ours: ${plan.underlyings.length} put chains, ${oursCount} contracts`,
        value: a,
        unit: 'ms',
        target: '',
        pass: null,
      },
      {
        bench: 'polygon-vs-client-js',
        metric: '(d) @polygon.io/client-js 8.2.0, same chains',
        value: b,
        unit: 'ms',
        target: '',
        pass: null,
      },
      {
        bench: 'polygon-vs-client-js',
        metric: '(d) client-js time / ours',
        value: b / a,
        unit: 'x',
        target: '> 1 (ours faster)',
        pass: b / a > 1,
      },
    ];
  } finally {
    await server.close();
    await agent.close();
  }
}
