import type { Options } from 'tsup';

/**
 * How each app is bundled for its image. Workspace packages are TypeScript
 * sources: they are bundled. Every npm package stays external, including the
 * ones only a workspace package depends on (node-forge, pino…): bundled, their
 * CommonJS `require` of Node built-ins fails inside an ESM bundle. They resolve
 * from the root node_modules at run time (the hoisted linker puts them there).
 */
export function appBundle(entry: Options['entry']): Options {
  return {
    entry,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    clean: true,
    noExternal: [/^@wrenn\//],
    skipNodeModulesBundle: true,
  };
}
