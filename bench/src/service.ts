import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { newId } from '@wrenn/events';
import { freePort } from '@wrenn/testing';
import { SignJWT } from 'jose';
import { Agent, request } from 'undici';
import { startNode, stop, waitUntilReady } from './processes';

/** Where and how the processes under test run: the same for every scenario of a run. */
export interface ServiceTarget {
  databaseUrl: string;
  redisUrl: string;
  workers: number;
  /** Run the built `dist/` bundles (what operators run) instead of the sources through tsx. */
  useDist: boolean;
  /** When set, the API and workers write V8 CPU profiles (`--cpu-prof`) here on exit. */
  profileDir?: string | undefined;
}

/** What a scenario sets for its own processes. */
export interface ServiceOptions {
  maxChannelsPerTeam: number;
  /** Variables added to both processes' environment (provider API bases, schedules). */
  extraEnv?: NodeJS.ProcessEnv;
}

/** The API and worker processes under test, and the calls the benchmark makes to them. */
export interface Service {
  base: string;
  env: NodeJS.ProcessEnv;
  api: ChildProcess;
  workers: ChildProcess[];
  /** Creates a channel as a team owner; returns the API's answer (with the generated `secret`, if any). */
  createChannel(teamId: string, body: Record<string, unknown>): Promise<{ id: string; secret?: string }>;
  /** Deletes a channel with its delivery log, so its pending deliveries leave with it. */
  deleteChannel(teamId: string, id: string): Promise<void>;
  /** Posts audit entries to the internal ingest route, as the platform does. */
  ingest(entries: unknown[]): Promise<void>;
  stop(): Promise<void>;
}

/** A lifecycle entry as the platform reports a started capsule. */
export function sandboxCreate(teamId: string, seq: number, resourceId: string = newId('capsule').id) {
  return {
    team_id: teamId,
    actor: { type: 'user', id: newId('user').id, name: 'Bench' },
    resource_type: 'sandbox',
    resource_id: resourceId,
    action: 'create',
    metadata: { template: 'python-3.12', seq },
  };
}

/** Starts the API and `workers` worker processes on fresh secrets and a queue prefix of their own. */
export async function startService(target: ServiceTarget, options: ServiceOptions): Promise<Service> {
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: target.databaseUrl,
    REDIS_URL: target.redisUrl,
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: jwtSecret,
    WRENN_INTERNAL_TOKEN: internalToken,
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    WRENN_MAX_CHANNELS_PER_TEAM: String(options.maxChannelsPerTeam),
    WRENN_QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    LOG_LEVEL: 'warn',
    ...options.extraEnv,
  };
  const entry = (app: 'api' | 'worker') => (target.useDist ? `apps/${app}/dist/main.js` : `apps/${app}/src/main.ts`);
  const nodeArgs = target.profileDir ? ['--cpu-prof', '--cpu-prof-dir', target.profileDir] : [];
  const ingestAgent = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(children.map(stop));
    await ingestAgent.close();
  };
  try {
    const apiPort = await freePort();
    const api = startNode(entry('api'), { ...env, PORT: String(apiPort) }, { nodeArgs });
    children.push(api);
    const workers: ChildProcess[] = [];
    for (let i = 0; i < target.workers; i++) {
      const port = await freePort();
      const worker = startNode(entry('worker'), { ...env, PORT: String(port) }, { nodeArgs });
      children.push(worker);
      workers.push(worker);
      await waitUntilReady(`http://127.0.0.1:${port}/ready`, worker);
    }
    const base = `http://127.0.0.1:${apiPort}`;
    await waitUntilReady(`${base}/ready`, api);

    const tokens = new Map<string, Promise<string>>();
    const ownerToken = (teamId: string) => {
      let token = tokens.get(teamId);
      if (!token) {
        token = new SignJWT({ team_id: teamId, role: 'owner', email: 'bench@localhost', name: 'Bench' })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setSubject(newId('user').id)
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(new TextEncoder().encode(jwtSecret));
        tokens.set(teamId, token);
      }
      return token;
    };

    return {
      base,
      env,
      api,
      workers,
      async createChannel(teamId, body) {
        const res = await fetch(`${base}/v1/channels`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await ownerToken(teamId)}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        if (res.status !== 201) throw new Error(`channel create: ${res.status} ${await res.text()}`);
        return (await res.json()) as { id: string; secret?: string };
      },
      async deleteChannel(teamId, id) {
        const res = await request(`${base}/v1/channels/${id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${await ownerToken(teamId)}` },
          dispatcher: ingestAgent,
        });
        const text = await res.body.text();
        if (res.statusCode !== 204) throw new Error(`channel delete: ${res.statusCode} ${text}`);
      },
      // undici's keep-alive `request`, not `fetch`: the load generator shares the two cores with
      // what it measures, and fetch costs several times more CPU per request.
      async ingest(entries) {
        const res = await request(`${base}/internal/v1/audit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(entries),
          dispatcher: ingestAgent,
        });
        const text = await res.body.text();
        if (res.statusCode !== 202) throw new Error(`ingest: ${res.statusCode} ${text}`);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
