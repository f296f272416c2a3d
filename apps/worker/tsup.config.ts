import { defineConfig } from 'tsup';

// Workspace packages are TypeScript sources: bundle them. Every npm package stays external
// (bundled into ESM, CommonJS `require` of Node built-ins fails); they resolve from the root
// node_modules at run time, where the hoisted linker puts them.
export default defineConfig({
  entry: ['src/main.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  noExternal: [/^@wrenn\//],
  skipNodeModulesBundle: true,
});
