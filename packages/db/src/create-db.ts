import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/** Default `statement_timeout`: no request or batch of ours needs longer; a stuck one frees its connection. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
/** Default `idle_in_transaction_session_timeout`: a transaction left open by a crashed step stops holding locks. */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

// bigint columns (delivery_attempts.id, counts) come back as strings; keep int4 as numbers.
export interface CreateDbOptions {
  connectionString: string;
  /** Pool size; default 10. */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Server-side `statement_timeout` of every connection; default 15 s, 0 disables it (migrations). */
  statementTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout`; default 30 s, 0 disables it. */
  idleInTransactionTimeoutMs?: number;
  /**
   * Told about connection errors (PostgreSQL restarted, network lost). They are
   * otherwise swallowed: the pool drops the broken client and the next query reconnects.
   */
  onConnectionError?: (err: Error) => void;
}

/** A Kysely instance over a pg pool. Call `destroy()` to end the pool. */
export function createDb(options: CreateDbOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'wrenn-channels',
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  const onError = options.onConnectionError ?? (() => {});
  // A connection that breaks emits `error` on its client. The pool listens only while
  // the client is idle; a checked-out client without a listener would crash the process.
  // The pool re-emits an idle client's error, which its own listener already reported.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', onError);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
