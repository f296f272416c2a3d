import type { Database } from '@wrenn/db';
import { type Kysely, sql } from 'kysely';

/** A delivery a drain has taken from its channel's mailbox. */
export interface ClaimedDelivery {
  id: string;
  generation: number;
  /** Attempts of the retry schedule used in this generation. */
  failures: number;
  eventId: string;
  payload: Record<string, unknown>;
}

export interface ClaimOptions {
  channelUuid: string;
  /**
   * Chat channels: only the leading rows in ingest order, up to the first one
   * that is not ready or is taken, so nothing overtakes a row still retrying.
   * Otherwise any ready row, in ingest order.
   */
  ordered: boolean;
  limit: number;
  /** How long the rows stay taken: longer than a send and its record, shorter than a crash's comeback matters. */
  leaseMs: number;
}

/**
 * Takes ready rows of a channel for one drain, in ingest order (event ids are
 * time-ordered; the row id breaks ties within an event). The claim makes a
 * stalled duplicate drain skip them; recording an attempt clears it, and a
 * drain that crashed lets it lapse, after which the rows are sent again with
 * the same delivery ids.
 */
export async function claimDeliveries(db: Kysely<Database>, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const lease = sql`now() + ${options.leaseMs}::int * interval '1 millisecond'`;
  const picked = options.ordered
    ? sql`
        head AS (
          SELECT id, event_id, ready_at <= now() AND (claimed_until IS NULL OR claimed_until <= now()) AS takeable
          FROM deliveries
          WHERE channel_id = ${options.channelUuid}::uuid AND status = 'pending'
          ORDER BY event_id, id
          LIMIT ${options.limit}::int
          FOR UPDATE
        ),
        picked AS (
          SELECT id FROM (SELECT id, bool_and(takeable) OVER (ORDER BY event_id, id) AS ok FROM head) h WHERE ok
        )`
    : sql`
        picked AS (
          SELECT id FROM deliveries
          WHERE channel_id = ${options.channelUuid}::uuid AND status = 'pending'
            AND ready_at <= now() AND (claimed_until IS NULL OR claimed_until <= now())
          ORDER BY event_id, id
          LIMIT ${options.limit}::int
          FOR UPDATE SKIP LOCKED
        )`;
  const { rows } = await sql<{
    id: string;
    generation: number;
    failures: number;
    event_id: string;
    payload: Record<string, unknown>;
  }>`
    WITH ${picked}
    UPDATE deliveries d SET claimed_until = ${lease}
    FROM picked p, events e
    WHERE d.id = p.id AND e.id = d.event_id
    RETURNING d.id, d.generation, d.failures, d.event_id, e.payload
  `.execute(db);
  return rows
    .map((r) => ({ id: r.id, generation: r.generation, failures: r.failures, eventId: r.event_id, payload: r.payload }))
    .sort((a, b) => (a.eventId === b.eventId ? cmp(a.id, b.id) : cmp(a.eventId, b.eventId)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Gives rows back untouched (they were not sent). */
export async function releaseDeliveries(db: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    UPDATE deliveries SET claimed_until = NULL WHERE id = any(${[...ids]}::uuid[]) AND status = 'pending'
  `.execute(db);
}

/**
 * Milliseconds until the channel's mailbox has something to send (0: now),
 * or `null` when nothing is pending. Ordered channels wait for their first
 * row; others for whichever row comes first. Measured on the database clock.
 */
export async function nextReadyIn(db: Kysely<Database>, channelUuid: string, ordered: boolean): Promise<number | null> {
  const at = sql`GREATEST(ready_at, COALESCE(claimed_until, ready_at))`;
  const { rows } = ordered
    ? await sql<{ wait: number | null }>`
        SELECT EXTRACT(EPOCH FROM (${at} - now())) * 1000 AS wait FROM deliveries
        WHERE channel_id = ${channelUuid}::uuid AND status = 'pending'
        ORDER BY event_id, id LIMIT 1
      `.execute(db)
    : await sql<{ wait: number | null }>`
        SELECT EXTRACT(EPOCH FROM (min(${at}) - now())) * 1000 AS wait FROM deliveries
        WHERE channel_id = ${channelUuid}::uuid AND status = 'pending'
      `.execute(db);
  const wait = rows[0]?.wait;
  if (wait === undefined || wait === null) return null;
  return Math.max(0, Math.ceil(Number(wait)));
}

/** The `last_error` of a delivery that waited too long on its destination's rate limit. */
export function rateLimitWaitError(maxWaitMs: number): string {
  const minutes = Math.round(maxWaitMs / 60_000);
  const span = minutes >= 1 ? `${minutes} min` : `${Math.round(maxWaitMs / 1000)} s`;
  return `waited ${span} on the destination's rate limit without being sent (WRENN_MAX_RATE_LIMIT_WAIT); giving up`;
}

/**
 * Fails the channel's pending rows that have been ready for `maxWaitMs` and are
 * not taken by a drain: while the destination keeps them waiting on its rate
 * limit, they would otherwise wait forever. Returns their ids, and the
 * milliseconds until the next ready row reaches that point (`null`: none is ready).
 */
export async function failOverdue(
  db: Kysely<Database>,
  channelUuid: string,
  maxWaitMs: number,
): Promise<{ failed: string[]; nextInMs: number | null }> {
  const { rows } = await sql<{ id: string }>`
    UPDATE deliveries
    SET status = 'failed', last_error = ${rateLimitWaitError(maxWaitMs)}, claimed_until = NULL, updated_at = now()
    WHERE channel_id = ${channelUuid}::uuid AND status = 'pending'
      AND ready_at <= now() - ${maxWaitMs}::bigint * interval '1 millisecond'
      AND (claimed_until IS NULL OR claimed_until <= now())
    RETURNING id
  `.execute(db);
  const next = await sql<{ wait: number | null }>`
    SELECT EXTRACT(EPOCH FROM (min(ready_at) + ${maxWaitMs}::bigint * interval '1 millisecond' - now())) * 1000 AS wait
    FROM deliveries
    WHERE channel_id = ${channelUuid}::uuid AND status = 'pending' AND ready_at <= now()
  `.execute(db);
  const wait = next.rows[0]?.wait;
  return {
    failed: rows.map((r) => r.id),
    nextInMs: wait === null || wait === undefined ? null : Math.max(0, Math.ceil(Number(wait))),
  };
}

/** Ends every pending row of the channel without an attempt (it was disabled, or cannot be sent at all). */
export async function failPending(db: Kysely<Database>, channelUuid: string, reason: string): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'failed', last_error: reason, claimed_until: null, updated_at: new Date() })
    .where('channel_id', '=', channelUuid)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
