export { isValidTradeDate } from './civil.js';
export {
  nyMinuteOfDay,
  nyTimeToUtcMs,
  nyUtcOffsetMinutes,
  toIsoUtc,
  tradeDateOf,
} from './new-york-time.js';
export {
  ADHOC_CLOSURES,
  SPECIAL_CLOSES,
  type SpecialDay,
  type SpecialDayKind,
  specialDaysOf,
} from './nyse.js';
export {
  addDays,
  dte,
  isSessionOpen,
  isTradingDay,
  nextSessionOpenMs,
  type SessionBounds,
  sessionBoundsMs,
  sessionFor,
  yearFractionToExpiry,
} from './session.js';
