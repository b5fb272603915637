import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts', index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  // Workspace packages (and their pure-JS dependencies) are bundled, so `dist/main.js` runs after
  // building this package alone; this package's own dependencies (pino, undici, …) stay external.
  noExternal: [/^@aegis\//, 'zod', 'js-yaml'],
  // Bundled from their sources (as tests and dev runs see them), so no dist of theirs is needed.
  esbuildOptions(options) {
    options.conditions = ['@aegis/source', 'module', 'import', 'node'];
  },
  // Types only for the library entry (bench and tests import it); main.ts is the executable.
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
