import { defineConfig } from 'tsup';

// Workspace packages are TypeScript sources: bundle them; npm dependencies stay external.
// Each entry is a command of the API image: `node dist/<name>.js`.
export default defineConfig({
  entry: {
    main: 'src/main.ts',
    migrate: 'src/migrate.ts',
    'rotate-encryption-key': 'src/rotate-encryption-key.ts',
  },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@wrenn\//],
});
