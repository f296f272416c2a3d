import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'infra-check',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Two files run `npm start`, and each picks free ports for its PostgreSQL and Redis: side by side,
    // both could pick the same one. One file at a time.
    fileParallelism: false,
    hookTimeout: 30_000,
  },
});
