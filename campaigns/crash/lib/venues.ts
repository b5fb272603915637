/**
 * The fake Saxo server in the campaign's process, so that it outlives every service process it
 * serves (its order log is the ground truth of what reached the broker), with a token file and the
 * environment the service needs to reach it.
 */
import { join } from 'node:path';
import {
  type FakeOrderView,
  type FakeSaxoServer,
  type FakeVerdict,
  makeFakeJwt,
  startFakeSaxoServer,
  writeTokenFile,
} from '@aegis/broker-saxo/testing';

/** IWM entries are refused by the broker: a refused decision is proposed again with the same id. */
export const REFUSED_UNDERLYING = 'IWM';
export const REFUSAL_CODE = 'InsufficientMargin';

export function isRefused(order: FakeOrderView): boolean {
  const opens = order.legs.every((l) => l.toOpenClose === 'ToOpen');
  return opens && order.legs.some((l) => l.contract.root === REFUSED_UNDERLYING);
}

export interface CampaignBroker {
  server: FakeSaxoServer;
  accessToken: string;
  tokenFile: string;
  env: Record<string, string>;
  /** Called for every order the server sees, before it is processed (kill hooks). */
  onOrder: ((order: FakeOrderView) => void) | null;
}

export async function startCampaignBroker(dir: string): Promise<CampaignBroker> {
  const accessToken = makeFakeJwt({ expMs: Date.UTC(2100, 0, 1), sub: 'campaign-SECRET-subject' });
  const broker: CampaignBroker = {
    server: undefined as unknown as FakeSaxoServer,
    accessToken,
    tokenFile: join(dir, 'saxo-token.json'),
    env: {},
    onOrder: null,
  };
  broker.server = await startFakeSaxoServer({
    tokens: { valid: [accessToken] },
    verdicts(order): FakeVerdict {
      broker.onOrder?.(order);
      return isRefused(order) ? { errorCode: REFUSAL_CODE, message: 'Not enough margin' } : 'Ok';
    },
  });
  await writeTokenFile(broker.tokenFile, { accessToken });
  broker.env = {
    SAXO_ENV: 'sim',
    SAXO_BASE_URL: broker.server.url,
    SAXO_TOKEN_FILE: broker.tokenFile,
  };
  return broker;
}
