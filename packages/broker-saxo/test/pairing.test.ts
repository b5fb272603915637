import { describe, expect, it } from 'vitest';
import { type BrokerLeg, pairPositions } from '../src/index.js';

const leg = (over: Partial<BrokerLeg> & { uic: number; strike: number; amount: number }): BrokerLeg => ({
  root: 'SPY',
  underlying: 'SPY',
  expiry: '2026-05-15',
  putCall: 'Put',
  openPrice: null,
  externalReference: null,
  sourceOrderId: null,
  ...over,
});

describe('pairPositions', () => {
  it('pairs legs sharing an external reference first', () => {
    const { spreads, unpaired } = pairPositions([
      leg({ uic: 1, strike: 495, amount: -3, externalReference: 'i1', openPrice: 2.52 }),
      leg({ uic: 2, strike: 490, amount: 3, externalReference: 'i1', openPrice: 1 }),
    ]);
    expect(unpaired).toEqual([]);
    expect(spreads).toEqual([
      {
        underlying: 'SPY',
        optionType: 'put',
        expiry: '2026-05-15',
        shortStrike: 495,
        longStrike: 490,
        shortTicker: 'O:SPY260515P00495000',
        longTicker: 'O:SPY260515P00490000',
        quantity: 3,
        externalReference: 'i1',
        shortUic: 1,
        longUic: 2,
        openCredit: 1.52,
      },
    ]);
  });

  it('nets untagged legs per contract and pairs each short with the nearest lower long, leaving the rest', () => {
    const { spreads, unpaired } = pairPositions([
      leg({ uic: 1, strike: 495, amount: -1 }),
      leg({ uic: 1, strike: 495, amount: -1 }),
      leg({ uic: 2, strike: 490, amount: 1 }),
      leg({ uic: 3, strike: 485, amount: 2 }),
      leg({ uic: 4, strike: 500, amount: 1, putCall: 'Call' }),
    ]);
    expect(spreads.map((s) => [s.shortStrike, s.longStrike, s.quantity, s.externalReference])).toEqual([
      [495, 490, 1, null],
      [495, 485, 1, null],
    ]);
    expect(unpaired.map((l) => [l.uic, l.amount])).toEqual([
      [4, 1],
      [3, 1],
    ]);
  });

  it('does not pair across expiries or when the long is above the short', () => {
    const { spreads, unpaired } = pairPositions([
      leg({ uic: 1, strike: 495, amount: -1 }),
      leg({ uic: 2, strike: 490, amount: 1, expiry: '2026-05-22' }),
      leg({ uic: 3, strike: 500, amount: 1 }),
    ]);
    expect(spreads).toEqual([]);
    expect(unpaired.map((l) => l.uic).sort()).toEqual([1, 2, 3]);
  });
});
