/** Writes schema/parity-log.schema.json from the zod schemas (run after changing src/schema.ts). */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parityLogJsonSchema } from '../src/schema.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'parity-log.schema.json');
writeFileSync(target, `${JSON.stringify(parityLogJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
