import { defineConfig } from 'vitest/config';

// Tests run against package sources through the `@aegis/source` export condition,
// so no build step is needed before `vitest run`.
// The rest are Vite's default server conditions.
const conditions = ['@aegis/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'notebooks/**/*.test.ts',
      'bench/**/*.test.ts',
      'campaigns/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.campaign.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
