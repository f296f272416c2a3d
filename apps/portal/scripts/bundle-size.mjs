// Prints the gzipped size of the built portal and fails the build above the budget.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Gzipped bytes the page may download in all (scripts, styles, HTML). */
export const BUDGET_BYTES = 150 * 1024;

/** Every file of the built portal with its gzipped size. */
export function bundleSizes(dist) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push({ path, gzipped: gzipSync(readFileSync(path), { level: 9 }).length });
    }
  };
  walk(dist);
  return { files, total: files.reduce((sum, f) => sum + f.gzipped, 0) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = new URL('../dist', import.meta.url).pathname;
  const { total } = bundleSizes(dist);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log(`portal bundle: ${kb(total)} gzipped (budget ${kb(BUDGET_BYTES)})`);
  if (total > BUDGET_BYTES) {
    console.error('portal bundle is over its budget');
    process.exit(1);
  }
}
