import { execFile, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  freePort,
  repoRoot,
  type TestDatabase,
  testRedisUrl,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstNotificationCommands, npmStart, shell } from './support/npm-start';

const run = promisify(execFile);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function secretsEnv(): NodeJS.ProcessEnv {
  return {
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
  };
}

describe('the operator path: pnpm build, migrate, each app alone from dist/', () => {
  it('builds both apps, migrates an empty database twice, and serves /ready from the bundles', async () => {
    await run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@wrenn/api', '--filter=@wrenn/worker'], {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });

    // An empty database (not the migrated template) next to the test's own.
    const empty = `m_${randomBytes(5).toString('hex')}`;
    const admin = new URL(database.url);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${empty}`);
    const emptyUrl = new URL(database.url);
    emptyUrl.pathname = `/${empty}`;
    try {
      const env = { PATH: process.env.PATH, DATABASE_URL: emptyUrl.toString() };
      const first = await run(process.execPath, [join(repoRoot, 'apps/api/dist/migrate.js')], { env });
      expect(first.stdout).toContain('applied: 2026-11-27_001_initial');
      const second = await run(process.execPath, [join(repoRoot, 'apps/api/dist/migrate.js')], { env });
      expect(second.stdout).toContain('database is up to date');
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
      await client.end();
    }

    const env = { PATH: process.env.PATH, DATABASE_URL: database.url, REDIS_URL: testRedisUrl(), LOG_LEVEL: 'warn' };
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const apiSecrets = secretsEnv();
    const apps = [
      {
        port: apiPort,
        process: spawnDist('apps/api/dist/main.js', { ...env, ...apiSecrets, PORT: String(apiPort) }),
      },
      {
        port: workerPort,
        process: spawnDist('apps/worker/dist/main.js', { ...env, ...secretsEnv(), PORT: String(workerPort) }),
      },
    ];
    try {
      for (const app of apps) await waitForStatus(`http://127.0.0.1:${app.port}/ready`, 200, 30_000);
      // Without WRENN_ALLOW_PRIVATE_TARGETS, a channel pointing at loopback is refused.
      const create = await fetch(`http://127.0.0.1:${apiPort}/v1/channels`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${userToken(apiSecrets.WRENN_JWT_SECRET as string)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          name: 'loopback',
          provider: 'webhook',
          config: { url: `http://127.0.0.1:${workerPort}/` },
          events: ['capsule.created'],
        }),
      });
      expect(create.status).toBe(400);
      // The API bundle serves the portal built beside it, with its CSP.
      const portal = await fetch(`http://127.0.0.1:${apiPort}/portal/`);
      expect(portal.status).toBe(200);
      expect(portal.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      expect(await portal.text()).toMatch(/<script type="module" crossorigin src="\/portal\/assets\//);
    } finally {
      for (const app of apps) app.process.child.kill('SIGTERM');
    }
    for (const app of apps) expect(await app.process.exited).toBe(0);
  }, 120_000);
});

/** A user JWT of a fresh team, as the platform issues them. */
function userToken(secret: string): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const id = (prefix: string) =>
    `${prefix}${BigInt(`0x${randomBytes(16).toString('hex')}`)
      .toString(36)
      .padStart(25, '0')}`;
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({
    sub: id('usr-'),
    team_id: id('team-'),
    role: 'owner',
    email: 'a@b.c',
    name: 'A',
    iat: now,
    exp: now + 600,
  });
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

function spawnDist(entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(repoRoot, entry)], { cwd: repoRoot, env, stdio: 'ignore' });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, exited };
}

async function nothingListens(ports: number[]): Promise<void> {
  for (const port of ports) await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
}

describe('npm start', () => {
  it('prints commands that carry a first notification to its inbox, reuses what exists, and Ctrl-C stops everything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wrenn-start-data-'));
    const [apiPort, workerPort, inboxPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      WRENN_DATA_DIR: dataDir,
      WRENN_API_PORT: String(apiPort),
      WRENN_WORKER_PORT: String(workerPort),
      WRENN_INBOX_PORT: String(inboxPort),
      WRENN_QUEUE_PREFIX: `start${randomBytes(3).toString('hex')}`,
      ...secretsEnv(),
      LOG_LEVEL: 'warn',
    };
    const base = `http://127.0.0.1:${apiPort}`;
    try {
      const first = npmStart(env);
      let channelId = '';
      try {
        await first.ready();
        const banner = first.output();
        expect(banner).toMatch(/^Private targets: allowed for development \(WRENN_ALLOW_PRIVATE_TARGETS=true/m);
        expect(banner).toContain(`Inbox    http://127.0.0.1:${inboxPort}/webhooks`);
        const token = /Development token[^\n]*\n\s+(\S+)/.exec(banner)?.[1];
        expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(banner).toContain(`curl -s ${base}/v1/channels`);
        // The inbox's signing secret stays in the private secrets file; the commands read it from there.
        const { devWebhookSecret } = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'));
        expect(banner).not.toContain(devWebhookSecret);
        // A ready portal link for the development team: the page, with a portal token in its fragment.
        const portalLink = /Team portal[^\n]*\n\s+(\S+)/.exec(banner)?.[1] ?? '';
        expect(portalLink).toMatch(new RegExp(`^${base}/portal/#token=[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
        expect((await fetch(portalLink)).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${workerPort}/ready`)).status).toBe(200);

        const [create, report, deliveries] = firstNotificationCommands(banner);
        expect(create).toContain(`-X POST ${base}/v1/channels `);
        const channel = (await shell(create as string)) as { id: string; name: string; secret?: string };
        expect(channel).toMatchObject({ id: expect.stringMatching(/^ch-/), name: 'dev-inbox' });
        expect(channel.secret).toBeUndefined();
        channelId = channel.id;
        // Run twice, creation answers 409, as the banner says.
        expect(await shell(create as string)).toMatchObject({ error: { code: 'conflict' } });

        const sentAt = Date.now();
        expect(await shell(report as string)).toMatchObject({ ids: [expect.stringMatching(/^log-/)] });
        const line = await waitFor(() => /^\[inbox\] capsule\.created (dlv-\w+) (.*)$/m.exec(first.output()), {
          timeoutMs: 15_000,
          message: `no inbox line:\n${first.output().slice(-2000)}`,
        });
        console.log(`inbox line ${Date.now() - sentAt} ms after the report was accepted`);
        expect(line[2]).toBe('signature verified');

        const listed = await waitFor(
          async () => {
            const page = (await shell(deliveries as string)) as { items: { id: string; status: string }[] };
            return page.items[0]?.status === 'succeeded' ? page : null;
          },
          { timeoutMs: 10_000, intervalMs: 200 },
        );
        expect(listed.items.map((d) => d.id)).toEqual([line[1]]);
      } finally {
        first.ctrlC();
      }
      await first.closed;
      expect(first.output()).toMatch(/^\[wrenn\] stopped$/m);
      await nothingListens([apiPort, workerPort, inboxPort]);

      // The same .data/ and database again, the inbox on another port: the channel is re-pointed.
      const otherInbox = await freePort();
      const second = npmStart({ ...env, WRENN_INBOX_PORT: String(otherInbox) });
      try {
        await second.ready();
        const [repoint, report, deliveries] = firstNotificationCommands(second.output());
        expect(repoint).toContain(`-X PUT ${base}/v1/channels/${channelId}/config `);
        expect(await shell(repoint as string)).toMatchObject({ id: channelId, enabled: true });
        await shell(report as string);
        const line = await waitFor(() => /^\[inbox\] capsule\.created (dlv-\w+) (.*)$/m.exec(second.output()), {
          timeoutMs: 15_000,
          message: `no inbox line:\n${second.output().slice(-2000)}`,
        });
        expect(line[2]).toBe('signature verified');
        const listed = await waitFor(
          async () => {
            const page = (await shell(deliveries as string)) as { items: { id: string; status: string }[] };
            return page.items.length === 2 && page.items[0]?.status === 'succeeded' ? page : null;
          },
          { timeoutMs: 10_000, intervalMs: 200 },
        );
        expect(listed.items[0]?.id).toBe(line[1]);
      } finally {
        second.ctrlC();
      }
      await second.closed;
      expect(second.output()).toMatch(/^\[wrenn\] stopped$/m);
      await nothingListens([apiPort, workerPort, otherInbox]);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
