import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  type AppProcess,
  createTestDatabase,
  type FakeDiscord,
  type FakeGoogleChat,
  type FakeMatrix,
  type FakeSlack,
  type FakeTeams,
  type FakeTelegram,
  type FakeWebhookReceiver,
  freePort,
  repoRoot,
  startApp,
  startFakeDiscord,
  startFakeGoogleChat,
  startFakeMatrix,
  startFakeSlack,
  startFakeTeams,
  startFakeTelegram,
  startFakeWebhookReceiver,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
  waitForStatus,
} from '@wrenn/testing';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, installed by `npm test` when missing (Playwright's own download cannot work here). */
const CHROMIUM = process.env.WRENN_CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const PORTAL_DIST = join(repoRoot, 'apps', 'portal', 'dist');

export interface Fakes {
  discord: FakeDiscord;
  slack: FakeSlack;
  teams: FakeTeams;
  googlechat: FakeGoogleChat;
  telegram: FakeTelegram;
  matrix: FakeMatrix;
  webhook: FakeWebhookReceiver;
}

export interface PortalHarness {
  base: string;
  fakes: Fakes;
  browser: Browser;
  /** A new browser context and page at `width`×800, signed in to the portal for `teamId`. */
  openPortal(teamId: string, options?: { width?: number; role?: 'owner' | 'admin' | 'member' }): Promise<Page>;
  /** A portal link from `POST /internal/v1/portal-sessions`. */
  portalLink(teamId: string, role?: 'owner' | 'admin' | 'member'): Promise<string>;
  /** Reports an audit entry as the platform does (`POST /internal/v1/audit`). */
  reportEvent(teamId: string, resourceType: string, action: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds the portal once when its files are missing (a single test file run outside `npm test`). */
function ensurePortalBuilt(): void {
  if (existsSync(join(PORTAL_DIST, 'index.html'))) return;
  execFileSync('pnpm', ['--filter', '@wrenn/portal', 'build'], { cwd: repoRoot, stdio: 'inherit' });
}

async function startFakes(): Promise<Fakes> {
  const [discord, slack, teams, googlechat, telegram, matrix, webhook] = await Promise.all([
    startFakeDiscord(),
    startFakeSlack(),
    startFakeTeams(),
    startFakeGoogleChat(),
    startFakeTelegram(),
    startFakeMatrix(),
    startFakeWebhookReceiver(),
  ]);
  return { discord, slack, teams, googlechat, telegram, matrix, webhook };
}

async function startService(name: string, entry: string, env: NodeJS.ProcessEnv, port: number): Promise<AppProcess> {
  const app = startApp(entry, { ...env, PORT: String(port) });
  try {
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 60_000);
  } catch (err) {
    app.child.kill('SIGKILL');
    throw new Error(`${name} did not become ready: ${(err as Error).message}\n${app.output()}`);
  }
  return app;
}

/**
 * The real API and worker as their own processes on a fresh database, every
 * provider pointed at its loopback fake, and a headless Debian Chromium.
 */
export async function startPortalHarness(): Promise<PortalHarness> {
  ensurePortalBuilt();
  const database: TestDatabase = await createTestDatabase();
  const fakes = await startFakes();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    DATABASE_URL: database.url,
    REDIS_URL: testRedisUrl(),
    WRENN_ENCRYPTION_KEY: process.env.WRENN_ENCRYPTION_KEY,
    WRENN_JWT_SECRET: process.env.WRENN_JWT_SECRET,
    WRENN_INTERNAL_TOKEN: process.env.WRENN_INTERNAL_TOKEN,
    WRENN_QUEUE_PREFIX: uniqueQueuePrefix(),
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    WRENN_DISCORD_API_BASE: fakes.discord.apiBase,
    WRENN_SLACK_API_BASE: fakes.slack.origin,
    WRENN_TEAMS_API_BASE: fakes.teams.origin,
    WRENN_GOOGLECHAT_API_BASE: fakes.googlechat.origin,
    WRENN_TELEGRAM_API_BASE: fakes.telegram.origin,
    WRENN_RETRY_DELAYS: '200ms',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const apiPort = await freePort();
  const processes: AppProcess[] = [];
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const close = async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close().catch(() => {});
    for (const p of processes) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    }
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    await database.drop();
  };
  try {
    processes.push(await startService('api', 'apps/api/src/main.ts', env, apiPort));
    processes.push(await startService('worker', 'apps/worker/src/main.ts', env, await freePort()));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (err) {
    await close();
    throw err;
  }
  const base = `http://127.0.0.1:${apiPort}`;
  const internal = { Authorization: `Bearer ${env.WRENN_INTERNAL_TOKEN}`, 'Content-Type': 'application/json' };

  const portalLink = async (teamId: string, role: 'owner' | 'admin' | 'member' = 'owner') => {
    const res = await fetch(`${base}/internal/v1/portal-sessions`, {
      method: 'POST',
      headers: internal,
      body: JSON.stringify({ team_id: teamId, user_id: 'usr-0000000000000000000000001', role }),
    });
    if (res.status !== 201) throw new Error(`portal session: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { url: string }).url;
  };

  return {
    base,
    fakes,
    browser: browser as Browser,
    portalLink,
    async openPortal(teamId, options = {}) {
      const context = await (browser as Browser).newContext({
        viewport: { width: options.width ?? 1280, height: 800 },
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(await portalLink(teamId, options.role));
      return page;
    },
    async reportEvent(teamId, resourceType, action) {
      const res = await fetch(`${base}/internal/v1/audit`, {
        method: 'POST',
        headers: internal,
        body: JSON.stringify({
          team_id: teamId,
          actor: { type: 'system' },
          resource_type: resourceType,
          resource_id: 'cl-0000000000000000000000001',
          action,
        }),
      });
      if (res.status !== 202) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    },
    close,
  };
}

/** Serious and critical accessibility violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** The text of the elements an element's `aria-describedby` points at. */
export async function descriptionOf(locator: Locator): Promise<string> {
  return locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
      .join(' '),
  );
}

/** Saves a screenshot to `WRENN_PORTAL_SCREENSHOTS` when set (the README's images are made this way). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.WRENN_PORTAL_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Polls `check` until it returns true (the page refreshes on its own). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} not met within ${timeoutMs} ms`);
}
