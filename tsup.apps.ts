import { copyFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Options } from 'tsup';

/**
 * Copies every `.lua` file under `src/` into `dist/`, side by side: a module
 * reads its Redis scripts with `new URL('./name.lua', import.meta.url)`, which
 * in the bundle is `dist/main.js`. Two scripts of the same name would overwrite
 * each other there, so that is an error.
 */
async function copyLuaScripts(): Promise<void> {
  const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.lua'));
  const seen = new Map<string, string>();
  for (const file of files) {
    const name = basename(file);
    const other = seen.get(name);
    if (other) throw new Error(`two Redis scripts named ${name}: src/${other} and src/${file}`);
    seen.set(name, file);
    copyFileSync(join('src', file), join('dist', name));
  }
}

/**
 * How each app is bundled for its image. Workspace packages are TypeScript
 * sources: they are bundled. Every npm package stays external, including the
 * ones only a workspace package depends on (node-forge, pino…): bundled, their
 * CommonJS `require` of Node built-ins fails inside an ESM bundle. They resolve
 * from the root node_modules at run time (the hoisted linker puts them there).
 * Redis scripts (`.lua`) are copied beside the bundle.
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
    onSuccess: copyLuaScripts,
  };
}
