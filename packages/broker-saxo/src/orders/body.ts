import type { SpreadLegs } from '@aegis/strategy-core';
import { SaxoError } from '../errors.js';
import type { OptionAssetType } from '../instruments/contracts.js';

export type SpreadSide = 'open' | 'close';

export interface OrderLeg {
  Uic: number;
  AssetType: OptionAssetType;
  BuySell: 'Buy' | 'Sell';
  Amount: number;
  ToOpenClose: 'ToOpen' | 'ToClose';
}

export interface MultiLegOrderBody {
  AccountKey: string;
  OrderType: 'Limit';
  OrderPrice: number;
  OrderDuration: { DurationType: 'DayOrder' };
  ManualOrder: boolean;
  ExternalReference: string;
  Legs: OrderLeg[];
}

export interface MultiLegPrecheckBody extends MultiLegOrderBody {
  FieldGroups: ['Costs', 'MarginImpactBuySell'];
}

/** Saxo rejects longer references. */
export const MAX_EXTERNAL_REFERENCE_LENGTH = 50;

export interface SpreadOrderInput {
  spread: SpreadLegs;
  quantity: number;
  /** Net price per share of one spread, always positive: the credit to receive (open) or the debit to pay (close). */
  limitPrice: number;
  side: SpreadSide;
  externalReference: string;
}

/** Checks what the caller passed; every problem names the field and the value. */
export function validateSpreadOrder(input: SpreadOrderInput): void {
  const bad = (message: string): never => {
    throw new SaxoError({ kind: 'invalid_input', message });
  };
  const { spread, quantity, limitPrice, side, externalReference } = input;
  if (side !== 'open' && side !== 'close') bad(`side: expected 'open' or 'close', got ${String(side)}`);
  if (!Number.isInteger(quantity) || quantity < 1)
    bad(`quantity: expected a positive integer, got ${quantity}`);
  if (!Number.isFinite(limitPrice) || limitPrice <= 0) {
    bad(`limitPrice: expected a positive net price per share, got ${limitPrice}`);
  }
  if (spread.optionType !== 'put') bad(`spread.optionType: expected 'put', got ${String(spread.optionType)}`);
  if (!(spread.shortStrike > spread.longStrike)) {
    bad(
      `spread: a bull put needs shortStrike > longStrike, got short ${spread.shortStrike} and long ${spread.longStrike}`,
    );
  }
  if (limitPrice >= spread.shortStrike - spread.longStrike) {
    bad(`limitPrice: ${limitPrice} is not below the spread width ${spread.shortStrike - spread.longStrike}`);
  }
  if (externalReference.length === 0 || externalReference.length > MAX_EXTERNAL_REFERENCE_LENGTH) {
    bad(
      `externalReference: expected 1..${MAX_EXTERNAL_REFERENCE_LENGTH} characters, got ${externalReference.length} (${externalReference})`,
    );
  }
}

/**
 * Rounds the limit to the cent in the direction that never gives away edge the caller did not
 * allow: a credit is rounded up (never accept less than asked), a debit down (never pay more).
 */
export function roundLimitPrice(limitPrice: number, side: SpreadSide): number {
  const cents = limitPrice * 100;
  const nearest = Math.round(cents);
  // Values within float noise of a cent are that cent.
  if (Math.abs(cents - nearest) < 1e-6) return nearest / 100;
  return (side === 'open' ? Math.ceil(cents) : Math.floor(cents)) / 100;
}

/**
 * Opening a bull put: sell the short (higher strike) put to open, buy the long put to open.
 * Closing: buy the short put back to close, sell the long put to close.
 * `OrderPrice` is positive in both cases; Saxo infers credit or debit from the legs' directions.
 */
export function buildMultiLegOrder(
  input: SpreadOrderInput & {
    accountKey: string;
    shortUic: number;
    longUic: number;
    assetType: OptionAssetType;
    manualOrder: boolean;
  },
): MultiLegOrderBody {
  validateSpreadOrder(input);
  const toOpenClose = input.side === 'open' ? 'ToOpen' : 'ToClose';
  const price = roundLimitPrice(input.limitPrice, input.side);
  if (price <= 0) {
    throw new SaxoError({ kind: 'invalid_input', message: `limitPrice: ${input.limitPrice} rounds to 0` });
  }
  return {
    AccountKey: input.accountKey,
    OrderType: 'Limit',
    OrderPrice: price,
    OrderDuration: { DurationType: 'DayOrder' },
    ManualOrder: input.manualOrder,
    ExternalReference: input.externalReference,
    Legs: [
      {
        Uic: input.shortUic,
        AssetType: input.assetType,
        BuySell: input.side === 'open' ? 'Sell' : 'Buy',
        Amount: input.quantity,
        ToOpenClose: toOpenClose,
      },
      {
        Uic: input.longUic,
        AssetType: input.assetType,
        BuySell: input.side === 'open' ? 'Buy' : 'Sell',
        Amount: input.quantity,
        ToOpenClose: toOpenClose,
      },
    ],
  };
}
