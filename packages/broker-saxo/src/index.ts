export {
  createSaxoClient,
  evaluatePrecheck,
  type IntentResolution,
  type PlacementOutcome,
  type PlacementStatus,
  type PlaceRequest,
  type PrecheckCosts,
  type PrecheckOutcome,
  type PrecheckRequest,
  type ResolutionStatus,
  type ResolvedSpread,
  type SaxoAccount,
  type SaxoClient,
  type SaxoClientOptions,
  type SpreadRequest,
} from './client.js';
export {
  describeError,
  isSaxoError,
  reasonCodeOf,
  SaxoError,
  type SaxoErrorInit,
  type SaxoErrorKind,
  type SaxoRetryClass,
} from './errors.js';
export { createRateLimiter, type RateLimiter } from './http/limiter.js';
export type { RateLimits } from './http/transport.js';
export {
  assetTypeForRoot,
  DEFAULT_ROOT_UNDERLYINGS,
  formatOccTicker,
  INDEX_OPTION_ROOTS,
  type OccContract,
  type OptionAssetType,
  parseOccTicker,
} from './instruments/contracts.js';
export type {
  InstrumentResolver,
  OptionContractRef,
  OptionRoot,
  ResolvedOption,
} from './instruments/resolver.js';
export {
  buildMultiLegOrder,
  MAX_EXTERNAL_REFERENCE_LENGTH,
  type MultiLegOrderBody,
  type MultiLegPrecheckBody,
  type OrderLeg,
  roundLimitPrice,
  type SpreadSide,
} from './orders/body.js';
export {
  IN_FLIGHT_STATES,
  type IntentJournal,
  type IntentOutcome,
  type IntentState,
  type JournalEntry,
  type OrderIntent,
} from './orders/journal.js';
export type { BrokerLeg, BrokerOpenOrder, BrokerPositions, BrokerSpread } from './orders/portfolio.js';
export { pairPositions } from './orders/portfolio.js';
export type { Logger, NowMs, SleepMs } from './ports.js';
export { jwtExpiryMs, parseTokenFile, TokenFileSchema } from './token/parse-token-file.js';
export {
  createTokenSource,
  type TokenSource,
  type TokenSourceOptions,
  type TokenStatus,
} from './token/token-source.js';
