import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderScenarioJsonSchema, scenarioJsonSchema } from './json-schema.js';

const committed = fileURLToPath(new URL('../../../../schemas/scenario.schema.json', import.meta.url));

describe('schemas/scenario.schema.json', () => {
  it('is up to date with the zod schemas (run `pnpm --filter @aegis/strategy-core gen:schema`)', () => {
    expect(readFileSync(committed, 'utf8')).toBe(renderScenarioJsonSchema());
  });

  it('accepts a single scenario file or a wrapper, with no unknown keys', () => {
    const schema = scenarioJsonSchema();
    const at = (path: string): unknown =>
      path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], schema);
    const single = 'anyOf.0';
    const wrapper = 'anyOf.1';
    expect(at(`${single}.required`)).toEqual(
      expect.arrayContaining(['schema_version', 'id', 'role', 'universe']),
    );
    expect(at(`${single}.additionalProperties`)).toBe(false);
    expect(at(`${single}.properties.entry.properties.limit_price.enum`)).toEqual(['mid', 'natural']);
    expect(at(`${wrapper}.required`)).toEqual(['schema_version', 'shared_scan_interval_sec', 'scenarios']);
    expect(at(`${wrapper}.additionalProperties`)).toBe(false);
    const extendsRef = `${wrapper}.properties.scenarios.items.anyOf.1`;
    expect(at(`${extendsRef}.required`)).toEqual(['id', 'extends']);
    // overrides: a deep-partial scenario without id/role, still closed to unknown keys.
    const overrides = `${extendsRef}.properties.overrides`;
    expect(at(`${overrides}.required`)).toBeUndefined();
    expect(at(`${overrides}.additionalProperties`)).toBe(false);
    expect(at(`${overrides}.properties.id`)).toBeUndefined();
    expect(at(`${overrides}.properties.entry.properties.short_delta.required`)).toBeUndefined();
    expect(at(`${overrides}.properties.entry.properties.short_delta.additionalProperties`)).toBe(false);
    expect(at(`${overrides}.properties.exit.properties.stop_loss_multiple`)).toBeDefined();
  });
});
