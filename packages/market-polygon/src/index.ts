export {
  type ChainQuery,
  createPolygonClient,
  domainSymbol,
  MAX_TICKERS_PER_REQUEST,
  type OptionChain,
  type PolygonClient,
  type PolygonClientOptions,
} from './client.js';
export {
  defaultRetryClass,
  isPolygonError,
  PolygonError,
  type PolygonErrorInit,
  type PolygonErrorKind,
  type PolygonRetryClass,
} from './errors.js';
export { redactText, stripApiKeyParams } from './http/redact.js';
export { DEFAULT_RETRY, type PolygonLogger, type RetryOptions } from './http/transport.js';
export {
  type ChainFilter,
  type ChainPage,
  type MarketHoliday,
  type MarketStatus,
  MarketStatusSchema,
  optionTicker,
  type PayloadSource,
  parseMarketStatus,
  parseOptionChainPage,
  parseOptionResult,
  parseSnapshotItems,
  parseUpcomingHolidays,
  rootOfOptionTicker,
  type SnapshotItem,
  type TickerError,
  UpcomingHolidaySchema,
  UpcomingHolidaysSchema,
  vendorTimeToMs,
} from './parse.js';
export { createMarketRecorder, type MarketRecorder, type MarketRecorderOptions } from './record/recorder.js';
export {
  loadReplayStore,
  RecordedExchangeSchema,
  type ReplayStore,
  requestKey,
  type SkippedLine,
} from './record/replay-store.js';
export type { RecordedExchange, Recorder } from './record/types.js';
