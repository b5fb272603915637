import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { deepMerge } from './merge.js';
import { dirnameOf, normalizePath, resolveRelative } from './path.js';
import { optionRootsOf, vendorTickerOf } from './universe.js';

describe('path joining', () => {
  it('resolves references against the wrapper directory', () => {
    expect(dirnameOf('configs/scenarios/lt_wft.yaml')).toBe('configs/scenarios');
    expect(dirnameOf('lt_wft.yaml')).toBe('.');
    expect(dirnameOf('/etc/lt_wft.yaml')).toBe('/etc');
    expect(dirnameOf('/lt_wft.yaml')).toBe('/');
    expect(resolveRelative('configs/scenarios', 'lt_rc.yaml')).toBe('configs/scenarios/lt_rc.yaml');
    expect(resolveRelative('configs/scenarios', './sub/../lt_rc.yaml')).toBe('configs/scenarios/lt_rc.yaml');
    expect(resolveRelative('configs/scenarios', '../../shared/x.yaml')).toBe('shared/x.yaml');
    expect(resolveRelative('.', '../x.yaml')).toBe('../x.yaml');
    expect(resolveRelative('/srv/cfg', '../../../x.yaml')).toBe('/x.yaml');
    expect(resolveRelative('/srv/cfg', '/abs/x.yaml')).toBe('/abs/x.yaml');
    expect(normalizePath('a//b/./c/')).toBe('a/b/c');
  });
});

describe('deepMerge', () => {
  it('merges mappings, replaces arrays and scalars, keeps inputs intact', () => {
    const base = { a: { b: 1, c: [1, 2], d: { e: 1 } }, f: 2 };
    const over = { a: { c: [3], d: null }, g: 'x' };
    expect(deepMerge(base, over)).toEqual({ a: { b: 1, c: [3], d: null }, f: 2, g: 'x' });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: { e: 1 } }, f: 2 });
  });

  it('treats a __proto__ key as data', () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}');
    const merged = deepMerge({}, over);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and omits undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson([undefined, null, true])).toBe('[null,null,true]');
  });

  it('is the same text for equal values whatever the key order, and round-trips through JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        const shuffled = JSON.parse(JSON.stringify(value), function (this: unknown, _k, v) {
          if (v && typeof v === 'object' && !Array.isArray(v)) {
            return Object.fromEntries(Object.entries(v).reverse());
          }
          return v;
        });
        expect(canonicalJson(shuffled)).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow('non-finite number NaN at $.a');
    expect(() => canonicalJson({ a: [1, () => 1] })).toThrow('cannot represent a function at $.a[1]');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow('circular reference at $.self');
  });
});

describe('universe defaults', () => {
  it('uses the symbol for ETFs and the index conventions for SPX', () => {
    expect(vendorTickerOf({ underlying: 'SPY' })).toBe('SPY');
    expect(optionRootsOf({ underlying: 'SPY' })).toEqual(['SPY']);
    expect(vendorTickerOf({ underlying: 'SPX' })).toBe('I:SPX');
    expect(optionRootsOf({ underlying: 'SPX' })).toEqual(['SPXW']);
    expect(vendorTickerOf({ underlying: 'SPX', vendor_ticker: 'I:SPX', option_roots: ['SPX', 'SPXW'] })).toBe(
      'I:SPX',
    );
    expect(optionRootsOf({ underlying: 'SPX', option_roots: ['SPX', 'SPXW'] })).toEqual(['SPX', 'SPXW']);
  });
});
