import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES, bundleSizes } from '../scripts/bundle-size.mjs';

const dist = new URL('../dist', import.meta.url).pathname;

describe('the built portal', () => {
  it('stays under 150 KB gzipped and loads nothing from elsewhere', () => {
    expect(existsSync(`${dist}/index.html`), 'build the portal first (npm test does)').toBe(true);
    const { files, total } = bundleSizes(dist);
    console.log(`portal bundle: ${(total / 1024).toFixed(1)} KB gzipped over ${files.length} files`);
    expect(total).toBeLessThan(BUDGET_BYTES);
    const html = readFileSync(`${dist}/index.html`, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
  });
});
