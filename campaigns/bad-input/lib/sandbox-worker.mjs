// Worker entry: load TypeScript sources (the packages under test resolve to src/ through the
// `@aegis/source` condition given in execArgv), then hand over to the op handlers.
import { register } from 'tsx/esm/api';

register();
await import('./targets.ts');
