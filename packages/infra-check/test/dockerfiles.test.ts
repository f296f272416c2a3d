import { describe, expect, it } from 'vitest';
import { readRepoFile } from './support/repo';

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage: what the running image is made of. */
function finalStage(all: Instruction[]): Instruction[] {
  const lastFrom = all.map((i) => i.keyword).lastIndexOf('FROM');
  return all.slice(lastFrom);
}

describe.each(['api', 'worker'] as const)('infra/docker/%s.Dockerfile', (app) => {
  const all = instructions(readRepoFile(`infra/docker/${app}.Dockerfile`));
  const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const last = finalStage(all);
  const arg = (keyword: string) => last.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('builds and runs on Node.js 24, the current LTS', () => {
    const args = all.filter((i) => i.keyword === 'ARG').map((i) => i.args);
    expect(args).toContainEqual(expect.stringMatching(/^NODE_VERSION=24(\.\d+){0,2}$/));
    const images = all.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
    // Every stage starts from that Node image or from an earlier stage built on it.
    for (const image of images) expect(image).toMatch(/^(node:\$\{NODE_VERSION\}-bookworm-slim|base)$/);
    expect(last[0]?.args).toMatch(/^node:\$\{NODE_VERSION\}-/);
  });

  it('builds in stages from a pruned workspace', () => {
    expect(all.filter((i) => i.keyword === 'FROM').length).toBeGreaterThanOrEqual(3);
    expect(runs).toContainEqual(expect.stringContaining(`turbo prune @wrenn/${app} --docker`));
    expect(runs).toContainEqual(expect.stringMatching(new RegExp(`turbo run build --filter=@wrenn/${app}\\b`)));
  });

  it('installs from the lockfile only, and ships production dependencies only', () => {
    const installs = runs.filter((r) => /pnpm install/.test(r));
    expect(installs.length).toBeGreaterThanOrEqual(2);
    for (const install of installs) expect(install).toContain('--frozen-lockfile');
    expect(installs.some((i) => /--prod\b/.test(i))).toBe(true);
    // The runtime stage copies the built bundle and installs nothing itself.
    expect(arg('RUN')).toEqual([]);
    expect(arg('COPY')).toContainEqual(expect.stringContaining(`apps/${app}/dist`));
  });

  it('runs as a numeric non-root user', () => {
    const users = arg('USER');
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it('has a HEALTHCHECK on /health and starts the bundle', () => {
    expect(arg('HEALTHCHECK').join(' ')).toContain('/health');
    expect(arg('CMD')).toEqual([`["node", "apps/${app}/dist/main.js"]`]);
  });

  it('keeps node_modules, build output and env files out of the build context', () => {
    const ignored = readRepoFile(`infra/docker/${app}.Dockerfile.dockerignore`).split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '**/.env', '.git']) expect(ignored).toContain(pattern);
  });
});

describe('the API image ships the portal', () => {
  const all = instructions(readRepoFile('infra/docker/api.Dockerfile'));
  const copies = finalStage(all)
    .filter((i) => i.keyword === 'COPY')
    .map((i) => i.args);

  it('copies the built portal next to the API bundle, where the API looks for it', () => {
    expect(copies).toContainEqual(
      expect.stringMatching(/--from=builder \/app\/apps\/portal\/dist \.\/apps\/portal\/dist$/),
    );
  });

  it('builds it with the API: the API package depends on the portal, so prune and build include it', () => {
    const manifest = JSON.parse(readRepoFile('apps/api/package.json')) as { devDependencies?: Record<string, string> };
    expect(manifest.devDependencies?.['@wrenn/portal']).toBe('workspace:*');
  });
});
