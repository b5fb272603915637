/** Deterministic instrument universe of the fake server. */

export interface FakeRoot {
  root: string;
  index: number;
  optionRootId: number;
  assetType: 'StockOption' | 'StockIndexOption';
  description: string;
  strikeMin: number;
  strikeMax: number;
  strikeStep: number;
}

export const FAKE_ROOTS: readonly FakeRoot[] = [
  {
    root: 'SPY',
    index: 1,
    optionRootId: 301,
    assetType: 'StockOption',
    description: 'SPDR S&P 500 ETF',
    strikeMin: 1,
    strikeMax: 1000,
    strikeStep: 1,
  },
  {
    root: 'QQQ',
    index: 2,
    optionRootId: 302,
    assetType: 'StockOption',
    description: 'Invesco QQQ',
    strikeMin: 1,
    strikeMax: 1000,
    strikeStep: 1,
  },
  {
    root: 'IWM',
    index: 3,
    optionRootId: 303,
    assetType: 'StockOption',
    description: 'iShares Russell 2000 ETF',
    strikeMin: 1,
    strikeMax: 1000,
    strikeStep: 1,
  },
  {
    root: 'SPXW',
    index: 4,
    optionRootId: 128,
    assetType: 'StockIndexOption',
    description: 'S&P 500 Index (Weeklys)',
    strikeMin: 500,
    strikeMax: 9995,
    strikeStep: 5,
  },
];

export interface FakeContract {
  root: string;
  expiry: string;
  putCall: 'Put' | 'Call';
  strike: number;
}

/** Uic = ((rootIndex·10⁶ + yymmdd)·2·10⁵) + strike in tenths·2 + (0 put | 1 call): unique and decodable. */
export function fakeUic(contract: FakeContract): number {
  const root = FAKE_ROOTS.find((r) => r.root === contract.root);
  if (!root) throw new Error(`fake server: unknown root ${contract.root}`);
  const yymmdd = Number(contract.expiry.slice(2).replaceAll('-', ''));
  const tenths = Math.round(contract.strike * 10);
  return (root.index * 1_000_000 + yymmdd) * 200_000 + tenths * 2 + (contract.putCall === 'Put' ? 0 : 1);
}

export function decodeFakeUic(uic: number): FakeContract | null {
  if (!Number.isSafeInteger(uic) || uic <= 0) return null;
  const low = uic % 200_000;
  const high = Math.floor(uic / 200_000);
  const root = FAKE_ROOTS.find((r) => r.index === Math.floor(high / 1_000_000));
  if (!root) return null;
  const yymmdd = String(high % 1_000_000).padStart(6, '0');
  const strike = Math.floor(low / 2) / 10;
  return {
    root: root.root,
    expiry: `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`,
    putCall: low % 2 === 0 ? 'Put' : 'Call',
    strike,
  };
}

const MONTH_CODES = 'FGHJKMNQUVXZ';

/** Saxo-style display symbol, e.g. `SPY/15K26P495:xcbf`. */
export function fakeSymbol(contract: FakeContract): string {
  const [y, m, d] = contract.expiry.split('-');
  return `${contract.root}/${d}${MONTH_CODES[Number(m) - 1]}${(y ?? '').slice(2)}${contract.putCall === 'Put' ? 'P' : 'C'}${contract.strike}:xcbf`;
}
