/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units), no whitespace, `undefined`
 * properties omitted as JSON.stringify does. Equal configurations give byte-identical text, so a
 * hash of it identifies a configuration. Values JSON cannot represent faithfully throw instead of
 * being silently turned into `null`.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, where: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value))
        throw new TypeError(`canonicalJson: non-finite number ${value} at ${where}`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: cannot represent a ${typeof value} at ${where}`);
  }
  const object = value as object;
  const withToJson = object as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON(), where, seen);
  if (seen.has(object)) throw new TypeError(`canonicalJson: circular reference at ${where}`);
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item, i) => (item === undefined ? 'null' : write(item, `${where}[${i}]`, seen))).join(',')}]`;
  } else {
    const record = object as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, `${where}.${key}`, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(object);
  return out;
}
