import { defineConfig } from 'tsup';

// Workspace packages are TypeScript sources: bundle them. Every npm package stays external,
// including the ones only a workspace package depends on (node-forge, pino…): bundled, their
// CommonJS `require` of Node built-ins fails inside an ESM bundle. They resolve from the root
// node_modules at run time (the hoisted linker puts them there).
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
  skipNodeModulesBundle: true,
});
