import { defineConfig } from 'tsup';

// Workspace packages are TypeScript sources: bundle them; npm dependencies stay external.
export default defineConfig({
  entry: ['src/main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@wrenn\//],
});
