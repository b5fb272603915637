export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// defineProperty, not assignment: a YAML key named `__proto__` must stay a plain key.
function setOwn(target: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `overrides` merged into `base`: mappings merge key by key, recursively; anything else in
 * `overrides` (scalars, null, arrays) replaces the base value whole. Neither input is mutated.
 */
export function deepMerge(base: PlainObject, overrides: PlainObject): PlainObject {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(base)) setOwn(out, key, value);
  for (const [key, value] of Object.entries(overrides)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value);
  }
  return out;
}
