import { randomBytes } from 'node:crypto';
import { type AuditEntry, createAuditLogger } from '@wrenn/audit';
import { createSecretBox, sealConfig } from '@wrenn/crypto';
import type { Delivery } from '@wrenn/db';
import { type ChannelId, type EventType, newId, parseId, type Uuid } from '@wrenn/events';
import {
  createOutboundHttp,
  PACING_RULES,
  type PacingRule,
  type ProviderName,
  type ProviderSettings,
} from '@wrenn/providers';
import { createProducerConnection, createQueues, ensureDrains, queueEvents, queueLayout } from '@wrenn/queues';
import { createLogger, createMetricsRegistry, type RedisTarget } from '@wrenn/runtime';
import { createTestDatabase, type TestDatabase, testRedisUrl, uniqueQueuePrefix } from '@wrenn/testing';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/worker-runtime';

/** The audit entries that become the eight lifecycle events. */
export const LIFECYCLE: ReadonlyArray<{ resource_type: string; action: string; event: EventType }> = [
  { resource_type: 'sandbox', action: 'create', event: 'capsule.created' },
  { resource_type: 'sandbox', action: 'resume', event: 'capsule.running' },
  { resource_type: 'sandbox', action: 'pause', event: 'capsule.paused' },
  { resource_type: 'sandbox', action: 'destroy', event: 'capsule.destroyed' },
  { resource_type: 'snapshot', action: 'create', event: 'template.snapshot.created' },
  { resource_type: 'snapshot', action: 'delete', event: 'template.snapshot.deleted' },
  { resource_type: 'host', action: 'marked_up', event: 'host.up' },
  { resource_type: 'host', action: 'marked_down', event: 'host.down' },
];

export function lifecycleEntry(teamId: string, resourceType: string, action: string): AuditEntry {
  return {
    team_id: teamId,
    actor: { type: 'user', id: newId('user').id, name: 'Ada' },
    resource_type: resourceType,
    resource_id: newId('capsule').id,
    action,
    metadata: { template: 'python-3.12' },
  };
}

export interface NewTestChannel {
  teamId: string;
  provider?: ProviderName;
  config: Record<string, string>;
  events: readonly string[];
  enabled?: boolean;
  name?: string;
  /** Default `each`. */
  messageStyle?: 'each' | 'resource';
}

export interface WorkerOverrides {
  retryDelays?: number[];
  concurrency?: number;
  /** Replaces some providers' published rates. */
  pacing?: Partial<Record<ProviderName, PacingRule>>;
  maxRateLimitWaitMs?: number;
  /** `WRENN_EDIT_WINDOW` in milliseconds; default 24 h. */
  editWindowMs?: number;
  /** `WRENN_WORKER_SHARDS`; default all. */
  consumeShards?: number[];
  /** How often the relay looks for lost work; default every 500 ms. */
  relayIntervalMs?: number;
}

export interface PipelineOptions {
  retryDelays?: number[];
  providerSettings?: Partial<ProviderSettings>;
  redisUrl?: string;
  /** Seed nodes of a Redis Cluster (`host:port,…`); replaces `redisUrl`. */
  clusterNodes?: string;
  /** `WRENN_QUEUE_SHARDS`; default 1. */
  queueShards?: number;
  lockMs?: number;
}

/**
 * A fresh database, a queue prefix of its own, the API side's audit logger
 * (record → outbox → enqueue, as the API wires it) and, on demand, an
 * in-process worker runtime.
 */
export async function createPipeline(options: PipelineOptions = {}) {
  const database: TestDatabase = await createTestDatabase();
  const { db } = database;
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const queuePrefix = uniqueQueuePrefix();
  const encryptionKey = randomBytes(32).toString('hex');
  const secrets = createSecretBox({ key: encryptionKey });
  const logger = createLogger({ name: 'worker-test', level: process.env.LOG_LEVEL ?? 'silent' });
  const redis: RedisTarget = options.clusterNodes
    ? {
        kind: 'cluster',
        tls: false,
        seeds: options.clusterNodes.split(',').map((seed) => {
          const [host, port] = seed.split(':');
          return { host: host as string, port: Number(port) };
        }),
      }
    : { kind: 'server', url: redisUrl };
  const queueShards = options.queueShards ?? 1;
  const producer = createProducerConnection(redis);
  producer.on('error', () => {});
  const producerQueues = createQueues(producer, queueLayout(queuePrefix, queueShards, redis.kind === 'cluster'));
  for (const queue of [producerQueues.events, ...producerQueues.allDeliveries]) queue.on('error', () => {});
  // What a worker process is given to reach the same queues.
  const redisEnv: Record<string, string> = options.clusterNodes
    ? { WRENN_REDIS_CLUSTER_NODES: options.clusterNodes, WRENN_QUEUE_SHARDS: String(queueShards) }
    : { REDIS_URL: redisUrl, WRENN_QUEUE_SHARDS: String(queueShards) };
  const audit = createAuditLogger({
    db,
    logger,
    publish: (eventIds) => queueEvents(producerQueues.events, eventIds),
  });
  const providerSettings: ProviderSettings = {
    allowPrivateTargets: true,
    discordApiBase: 'https://discord.com/api',
    telegramApiBase: 'https://api.telegram.org',
    timeoutMs: 5_000,
    userAgent: 'Wrenn-Webhooks/test',
    ...options.providerSettings,
  };
  const http = createOutboundHttp({ allowPrivateTargets: true });
  const runtimes: WorkerRuntime[] = [];

  return {
    db,
    databaseUrl: database.url,
    redisUrl,
    redisEnv,
    queuePrefix,
    encryptionKey,
    secrets,
    audit,
    producer,
    producerQueues,

    /** Starts a worker runtime in this process. */
    startWorker(overrides: WorkerOverrides = {}): WorkerRuntime {
      const runtime = startWorkerRuntime({
        db,
        redis,
        queuePrefix,
        queueShards,
        ...(overrides.consumeShards ? { consumeShards: overrides.consumeShards } : {}),
        secrets,
        providerSettings,
        http,
        retryDelays: overrides.retryDelays ?? options.retryDelays ?? [200, 400],
        concurrency: overrides.concurrency ?? 16,
        pacingRules: { ...PACING_RULES, ...overrides.pacing },
        ...(overrides.maxRateLimitWaitMs === undefined ? {} : { maxRateLimitWaitMs: overrides.maxRateLimitWaitMs }),
        ...(overrides.editWindowMs === undefined ? {} : { editWindowMs: overrides.editWindowMs }),
        lockMs: options.lockMs ?? 5_000,
        logger,
        metrics: createMetricsRegistry('worker'),
        relay: { intervalMs: overrides.relayIntervalMs ?? 500, eventStaleAfterMs: 1_000 },
      });
      runtimes.push(runtime);
      return runtime;
    },

    /** Inserts a channel row directly, config sealed as the API stores it. */
    async createChannel(input: NewTestChannel): Promise<{ id: ChannelId; uuid: Uuid }> {
      const channel = newId('channel');
      await db
        .insertInto('channels')
        .values({
          id: channel.uuid,
          team_id: teamUuid(input.teamId),
          name: input.name ?? `ch-${randomBytes(4).toString('hex')}`,
          provider: input.provider ?? 'webhook',
          config: JSON.stringify(sealConfig(secrets, input.config)),
          event_types: [...input.events],
          enabled: input.enabled ?? true,
          message_style: input.messageStyle ?? 'each',
          disabled_reason: null,
        })
        .execute();
      return { id: channel.id, uuid: channel.uuid };
    },

    deliveriesOf(channelUuid: string): Promise<Delivery[]> {
      return db
        .selectFrom('deliveries')
        .selectAll()
        .where('channel_id', '=', channelUuid)
        .orderBy('created_at')
        .orderBy('event_id')
        .execute();
    },

    attemptsOf(deliveryUuid: string) {
      return db
        .selectFrom('delivery_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryUuid)
        .orderBy('attempt')
        .execute();
    },

    /** What the redelivery route does: a new generation of the row, pending and free, and its channel's drain woken. */
    async redeliver(deliveryUuid: string, channelId: ChannelId): Promise<void> {
      await db
        .updateTable('deliveries')
        .set((eb) => ({ status: 'pending', generation: eb('generation', '+', 1), failures: 0, claimed_until: null }))
        .where('id', '=', deliveryUuid)
        .execute();
      await ensureDrains(producerQueues, [channelId], { wake: true });
    },

    channel(uuid: string) {
      return db.selectFrom('channels').selectAll().where('id', '=', uuid).executeTakeFirstOrThrow();
    },

    async close() {
      await Promise.allSettled(runtimes.map((r) => r.close()));
      await producerQueues.close();
      producer.disconnect();
      await http.close();
      await database.drop();
    },
  };
}

export type Pipeline = Awaited<ReturnType<typeof createPipeline>>;

function teamUuid(teamId: string): string {
  const uuid = parseId('team', teamId);
  if (!uuid) throw new Error(`not a team id: ${teamId}`);
  return uuid;
}
