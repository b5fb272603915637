import { defineConfig } from 'vitest/config';

// The full campaigns only: the root config excludes `*.campaign.test.ts` from the normal run.
// Same resolve conditions as the root, so the packages under test run from source.
const conditions = ['@aegis/source', 'module', 'node', 'development|production'];

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['campaigns/**/*.campaign.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    // Sized by CAMPAIGN_RUNS: a full campaign runs for minutes, each case still has its own bound.
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One suite at a time: the machine is shared and each suite already keeps a worker busy.
    fileParallelism: false,
  },
});
