import { defineConfig } from 'vitest/config';

// Two projects: pure and local-socket tests, and tests against the real signed hierarchy (NSD/BIND/Knot + Unbound
// in a network namespace, needs root), which share one global set-up and run one file at a time.

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          globalSetup: ['test/support/build-dist.ts'],
          include: ['test/**/*.test.ts'],
          exclude: ['test/hierarchy/**', 'test/e2e/**'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'hierarchy',
          include: ['test/hierarchy/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/build-dist.ts', 'test/hierarchy/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
