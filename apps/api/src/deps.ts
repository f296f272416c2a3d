import type { AuditLogger } from '@wrenn/audit';
import type { SecretBox } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import type { OutboundHttp, ProviderSettings } from '@wrenn/providers';
import type { Queues, RedisConnection } from '@wrenn/queues';
import type { Logger, Registry } from '@wrenn/runtime';
import type { Kysely } from 'kysely';
import type { EventPublisher } from './ingest/event-publisher';
import type { PortalOptions } from './portal/portal-page';

/** Everything the API's routes need, built once in main.ts (or by a test). */
export interface ApiDeps {
  db: Kysely<Database>;
  redis: RedisConnection;
  /** Each channel's deliveries queue (its shard's). */
  deliveryQueues: Pick<Queues, 'deliveriesFor' | 'shardOf'>;
  audit: AuditLogger;
  /** Enqueues events committed by a transaction the audit logger did not own; bounded in time, may fail. */
  publishEvents: EventPublisher;
  secrets: SecretBox;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  logger: Logger;
  metrics: Registry;
  /** False when `WRENN_METRICS_PORT` serves /metrics on a port of its own; default true. */
  serveMetrics?: boolean;
  jwtSecret: string;
  internalToken: string;
  limits: {
    maxChannelsPerTeam: number;
    /** `WRENN_API_RATE_LIMIT`: `/v1/*` requests per team and minute (test sends have their own budget). */
    apiRequestsPerMinute: number;
    /** Test sends per team and minute; 10 (CONTRACT 4) unless a test needs more. */
    testSendsPerMinute?: number;
    /** Prefix of the rate-limit keys in Redis (`WRENN_QUEUE_PREFIX`): deployments sharing a Redis count apart. */
    rateLimitKeyPrefix?: string;
  };
  /** The built portal and its embedding policy; without it `/portal/` explains how to build it. */
  portal?: PortalOptions;
}
