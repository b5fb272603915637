import { z } from 'zod';
import { MultiScenarioSchema, ScenarioSchema } from './schema.js';

type JsonObject = { [key: string]: unknown };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key optional at every depth: what `overrides` may hold (unknown keys stay errors). */
function deepPartial(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(deepPartial);
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required') continue;
    out[key] = deepPartial(value);
  }
  return out;
}

function withoutKeys(schema: JsonObject, keys: readonly string[]): JsonObject {
  const properties = isObject(schema.properties) ? { ...schema.properties } : {};
  for (const key of keys) delete properties[key];
  return { ...schema, properties };
}

/**
 * The JSON Schema (draft 2020-12) of a scenario YAML document: either a single scenario file or a
 * multi-scenario wrapper. Generated from the zod schemas so editors and the loader agree; input
 * shapes (defaults optional). `overrides` is described as a deep-partial scenario.
 */
export function scenarioJsonSchema(): JsonObject {
  const scenario = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as JsonObject;
  const wrapper = z.toJSONSchema(MultiScenarioSchema, { io: 'input', target: 'draft-2020-12' }) as JsonObject;
  delete scenario.$schema;
  delete wrapper.$schema;

  const overrides = withoutKeys(deepPartial(scenario) as JsonObject, ['id', 'role']);
  const scenarios = (wrapper.properties as JsonObject).scenarios as JsonObject;
  const items = scenarios.items as JsonObject;
  for (const option of (items.anyOf ?? []) as JsonObject[]) {
    const props = option.properties as JsonObject | undefined;
    if (props && 'overrides' in props) {
      props.overrides = {
        description:
          'Deep-merged into the extended file; arrays replace. Any key of a scenario file except id and role.',
        ...overrides,
      };
    }
  }

  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'aegis scan cycle scenario configuration (schema_version 1)',
    description: 'A single scenario file (e.g. lt_rc.yaml) or a multi-scenario wrapper (e.g. lt_wft.yaml).',
    anyOf: [
      { title: 'Single scenario file', ...scenario },
      { title: 'Multi-scenario wrapper', ...wrapper },
    ],
  };
}

/** The committed file's exact text (`schemas/scenario.schema.json`). */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
