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

/**
 * A Kysely instance over a pg pool. Call `destroy()` to end the pool.
 *
 * The timeouts go to PostgreSQL as startup parameters of each connection. A
 * transaction-mode pooler (PgBouncer) refuses startup parameters it does not
 * know, and would not keep session settings made with `SET` on the server
 * connection we happen to get: when the first connection is refused for that
 * reason, the pool connects without them and the pooler's own `query_timeout`
 * and `idle_transaction_timeout` take their place (docs/operations.md).
 */
export function createDb(options: CreateDbOptions): Kysely<Database> {
  const onError = options.onConnectionError ?? (() => {});
  const newPool = (timeouts: boolean) => {
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'wrenn-channels',
      connectionTimeoutMillis: 5_000,
      ...(timeouts
        ? {
            statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
            idle_in_transaction_session_timeout:
              options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
          }
        : {}),
    });
    // A connection that breaks emits `error` on its client. The pool listens only while
    // the client is idle; a checked-out client without a listener would crash the process.
    // The pool re-emits an idle client's error, which its own listener already reported.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      client.on('error', onError);
    });
    return pool;
  };
  // Decided on the first connection; should that fail otherwise, Kysely asks again on the next query.
  const pool = async () => {
    const withTimeouts = newPool(true);
    try {
      (await withTimeouts.connect()).release();
      return withTimeouts;
    } catch (err) {
      await withTimeouts.end();
      if (!refusesStartupParameters(err)) throw err;
      return newPool(false);
    }
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** PgBouncer's answer to a startup parameter it neither tracks nor ignores. */
function refusesStartupParameters(err: unknown): boolean {
  return err instanceof Error && /unsupported startup parameter/i.test(err.message);
}
