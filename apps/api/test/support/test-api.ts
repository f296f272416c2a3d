import { randomBytes } from 'node:crypto';
import { createAuditLogger } from '@wrenn/audit';
import { createSecretBox } from '@wrenn/crypto';
import { newId } from '@wrenn/events';
import { createOutboundHttp, type OutboundHttpOptions, type ProviderSettings } from '@wrenn/providers';
import { createProducerConnection, createQueues, type DrainJob, type EventJob } from '@wrenn/queues';
import { createLogger, createMetricsRegistry, type DestinationStream } from '@wrenn/runtime';
import { createTestDatabase, testRedisUrl, uniqueQueuePrefix } from '@wrenn/testing';
import type { Queue } from 'bullmq';
import { SignJWT } from 'jose';
import { createApp } from '../../src/app';
import type { ApiDeps } from '../../src/deps';
import { createEventPublisher } from '../../src/ingest/event-publisher';

export interface TestApi {
  app: ReturnType<typeof createApp>;
  deps: ApiDeps;
  queuePrefix: string;
  /** The deliveries queue: one shard, keyed under `queuePrefix` as on a single Redis. */
  deliveries: Queue<DrainJob>;
  /** The events queue the API publishes to, keyed under `queuePrefix`. */
  events: Queue<EventJob>;
  databaseUrl: string;
  encryptionKey: string;
  /** A valid user JWT for the given team (a new team when omitted). */
  token(claims?: Partial<TokenClaims>): Promise<string>;
  close(): Promise<void>;
}

export interface TokenClaims {
  sub: string;
  team_id: string;
  role: 'owner' | 'admin' | 'member';
  email: string;
  name: string;
  is_admin?: boolean;
}

export const newTeamId = () => newId('team').id;
export const newUserId = () => newId('user').id;

/** Signs a platform-style user JWT (HS256) with `secret`. */
export async function signToken(secret: string, claims: Partial<TokenClaims> = {}, expiresIn = '1h'): Promise<string> {
  const full: TokenClaims = {
    sub: newUserId(),
    team_id: newTeamId(),
    role: 'owner',
    email: 'ada@example.com',
    name: 'Ada',
    ...claims,
  };
  return new SignJWT({ ...full })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(full.sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/**
 * The API wired to a fresh database and its own queue prefix on the shared Redis,
 * exactly as main.ts wires it. Pass `providerSettings` to point providers at fakes
 * and `outbound` to give the outbound client a scripted resolver.
 */
export async function createTestApi(
  options: {
    providerSettings?: Partial<ProviderSettings>;
    outbound?: Omit<OutboundHttpOptions, 'allowPrivateTargets'>;
    maxChannelsPerTeam?: number;
    /** `WRENN_API_RATE_LIMIT` (default 1200, as in production). */
    apiRequestsPerMinute?: number;
    logLevel?: string;
    /** Where log lines go (default: standard output). */
    logDestination?: DestinationStream;
  } = {},
): Promise<TestApi> {
  const database = await createTestDatabase();
  const redis = createProducerConnection(testRedisUrl());
  redis.on('error', () => {});
  const queuePrefix = uniqueQueuePrefix();
  const queues = createQueues(redis, queuePrefix);
  queues.events.on('error', () => {});
  const deliveries = queues.allDeliveries[0] as Queue<DrainJob>;
  deliveries.on('error', () => {});
  const logger = createLogger({
    name: 'wrenn-api-test',
    level: options.logLevel ?? process.env.LOG_LEVEL ?? 'silent',
    destination: options.logDestination,
  });
  const providerSettings: ProviderSettings = {
    allowPrivateTargets: true,
    discordApiBase: 'https://discord.com/api',
    telegramApiBase: 'https://api.telegram.org',
    timeoutMs: 5_000,
    userAgent: 'Wrenn-Webhooks/test',
    ...options.providerSettings,
  };
  const http = createOutboundHttp({ ...options.outbound, allowPrivateTargets: providerSettings.allowPrivateTargets });
  const encryptionKey = randomBytes(32).toString('hex');
  const jwtSecret = randomBytes(32).toString('hex');
  const publishEvents = createEventPublisher({ queue: queues.events });
  const audit = createAuditLogger({ db: database.db, logger, publish: publishEvents });
  const deps: ApiDeps = {
    db: database.db,
    redis,
    deliveryQueues: queues,
    audit,
    publishEvents,
    secrets: createSecretBox({ key: encryptionKey }),
    providerSettings,
    http,
    logger,
    metrics: createMetricsRegistry('api'),
    jwtSecret,
    internalToken: randomBytes(24).toString('hex'),
    limits: {
      maxChannelsPerTeam: options.maxChannelsPerTeam ?? 100,
      apiRequestsPerMinute: options.apiRequestsPerMinute ?? 1200,
      rateLimitKeyPrefix: queuePrefix,
    },
  };
  return {
    app: createApp(deps),
    deps,
    queuePrefix,
    deliveries,
    events: queues.events,
    databaseUrl: database.url,
    encryptionKey,
    token: (claims) => signToken(jwtSecret, claims),
    async close() {
      // A queue still connecting when its connection goes away rejects unhandled: let it finish first.
      await Promise.allSettled([queues.events.waitUntilReady(), deliveries.waitUntilReady()]);
      await queues.close();
      redis.disconnect();
      await http.close();
      await database.drop();
    },
  };
}
