/**
 * Writes schemas/scenario.schema.json from the zod schemas.
 * Run: pnpm --filter @aegis/strategy-core gen:schema
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScenarioJsonSchema } from '../src/config/json-schema.js';

const target = fileURLToPath(new URL('../../../schemas/scenario.schema.json', import.meta.url));
writeFileSync(target, renderScenarioJsonSchema());
console.log(`wrote ${target}`);
