import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The address checks of the outbound module are only as good as the undici and
// ipaddr.js it runs against. Other copies of both sit in the tree (discord.js
// brings undici 6, Express's proxy-addr ipaddr.js 1): this pins the ones the
// SSRF guard loads to the single version the lockfile records for this package.
const outbound = fileURLToPath(new URL('../src/outbound/outbound-http.ts', import.meta.url));
const root = join(dirname(outbound), '../../../..');

/** The version of `name` as Node resolves it from the outbound module. */
function loadedVersion(name: string): string {
  let dir = dirname(createRequire(outbound).resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (manifest.name === name) return manifest.version;
    } catch {
      // No package.json at this level: keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found for ${name}`);
    dir = parent;
  }
}

/** The versions pnpm-lock.yaml resolves `name` to for packages/providers (one line per entry). */
function lockedVersions(name: string): string[] {
  const lock = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
  const start = lock.indexOf('\n  packages/providers:\n');
  expect(start, 'packages/providers in pnpm-lock.yaml').toBeGreaterThan(0);
  const end = lock.slice(start + 1).search(/\n {2}\S/);
  const section = lock.slice(start, end < 0 ? undefined : start + 1 + end);
  const escaped = name.replace(/\./g, '\\.');
  const entry = new RegExp(`\\n {6}${escaped}:\\n {8}specifier: (\\S+)\\n {8}version: (\\S+)`, 'g');
  return [...section.matchAll(entry)].map((m) => {
    // An exact specifier: an update is a deliberate edit of package.json, never a side effect of an install.
    expect(m[1], `${name} specifier`).toBe(m[2]);
    return m[2] as string;
  });
}

describe('the outbound module runs against pinned dependencies', () => {
  for (const name of ['undici', 'ipaddr.js']) {
    it(`loads the one ${name} the lockfile lists`, () => {
      const locked = lockedVersions(name);
      expect(locked).toHaveLength(1);
      expect(loadedVersion(name)).toBe(locked[0]);
    });
  }

  it('loads undici 7 and ipaddr.js 2, the majors its address checks are written for', () => {
    expect(loadedVersion('undici')).toMatch(/^7\./);
    expect(loadedVersion('ipaddr.js')).toMatch(/^2\./);
  });
});
