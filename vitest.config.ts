import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// The workspace's @laurel/openbadges resolves to its TypeScript sources under the `laurel-source`
// export condition (packages/openbadges/README.md). Vite resolves test imports on its server side
// (ssr.resolve.conditions); the processes tests start, and their threads, get it from NODE_OPTIONS.
const SOURCE_CONDITION = '--conditions=laurel-source';
if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION))
  process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, SOURCE_CONDITION].filter(Boolean).join(' ');

export default defineConfig({
  ssr: { resolve: { conditions: ['laurel-source', ...defaultServerConditions] } },

  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
