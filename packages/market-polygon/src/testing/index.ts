export {
  type CountedFault,
  type FakeMarketSource,
  type FakePolygonServer,
  type FakePolygonServerOptions,
  type FaultConfig,
  type RequestLogEntry,
  startFakePolygonServer,
} from './server.js';
export {
  type FakePolygonServerThread,
  type FakePolygonServerThreadOptions,
  startFakePolygonServerThread,
} from './server-thread.js';
export {
  createSyntheticMarket,
  type ExpiryCycle,
  type ListedContract,
  listedExpiries,
  type MinuteLevels,
  SIM_SYMBOLS,
  type SimSymbol,
  type SyntheticMarket,
  type SyntheticMarketOptions,
} from './sim/market.js';
export { hash32, hashString, normal, uniform } from './sim/prng.js';
