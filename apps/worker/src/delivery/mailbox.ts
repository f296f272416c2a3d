import type { Database } from '@wrenn/db';
import type { Uuid } from '@wrenn/events';
import { type Kysely, sql } from 'kysely';

/** A delivery a drain has taken from its channel's mailbox. */
export interface ClaimedDelivery {
  id: Uuid;
  generation: number;
  /** Attempts of the retry schedule used in this generation. */
  failures: number;
  eventId: Uuid;
  payload: Record<string, unknown>;
  /** The W3C trace context the event was ingested with, if any. */
  traceparent: string | null;
  /** When the event was ingested (the database's clock). */
  ingestedAt: Date;
}

export interface ClaimOptions {
  channelUuid: Uuid;
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
 * Takes ready rows of several channels, one claim per channel, in one
 * statement; returns each claim's rows in ingest order (event ids are
 * time-ordered; the row id breaks ties within an event). The claim makes a
 * stalled duplicate drain skip them; recording an attempt clears it, and a
 * drain that crashed lets it lapse, after which the rows are sent again with
 * the same delivery ids. A channel must appear once per call.
 */
export async function claimDeliveries(
  db: Kysely<Database>,
  claims: readonly ClaimOptions[],
): Promise<ClaimedDelivery[][]> {
  if (claims.length === 0) return [];
  const takeable = sql`d.ready_at <= now() AND (d.claimed_until IS NULL OR d.claimed_until <= now())`;
  const { rows } = await sql<{
    id: Uuid;
    channel_id: Uuid;
    generation: number;
    failures: number;
    event_id: Uuid;
    payload: Record<string, unknown>;
    traceparent: string | null;
    ingested_at: Date;
  }>`
    WITH claim AS (
      SELECT * FROM unnest(
        ${claims.map((c) => c.channelUuid)}::uuid[], ${claims.map((c) => c.ordered)}::bool[],
        ${claims.map((c) => c.limit)}::int[], ${claims.map((c) => c.leaseMs)}::int[]
      ) AS c(channel_id, ordered, max_rows, lease_ms)
    ),
    -- Ordered channels lock their leading rows, waiting for a record in progress,
    head AS (
      SELECT h.* FROM claim CROSS JOIN LATERAL (
        SELECT d.id, d.channel_id, d.event_id, ${takeable} AS takeable
        FROM deliveries d
        WHERE claim.ordered AND d.channel_id = claim.channel_id AND d.status = 'pending'
        ORDER BY d.event_id, d.id
        LIMIT claim.max_rows
        FOR UPDATE OF d
      ) h
    ),
    -- and keep those before the first one that cannot go now;
    in_order AS (
      SELECT id FROM (
        SELECT id, bool_and(takeable) OVER (PARTITION BY channel_id ORDER BY event_id, id) AS ok FROM head
      ) h WHERE ok
    ),
    -- others take any ready row no other drain holds.
    ready AS (
      SELECT r.id FROM claim CROSS JOIN LATERAL (
        SELECT d.id FROM deliveries d
        WHERE NOT claim.ordered AND d.channel_id = claim.channel_id AND d.status = 'pending' AND ${takeable}
        ORDER BY d.event_id, d.id
        LIMIT claim.max_rows
        FOR UPDATE OF d SKIP LOCKED
      ) r
    ),
    picked AS (SELECT id FROM in_order UNION ALL SELECT id FROM ready)
    UPDATE deliveries d SET claimed_until = now() + claim.lease_ms * interval '1 millisecond'
    FROM picked p, events e, claim
    WHERE d.id = p.id AND e.id = d.event_id AND claim.channel_id = d.channel_id
    RETURNING d.id, d.channel_id, d.generation, d.failures, d.event_id, e.payload, e.traceparent,
      e.created_at AS ingested_at
  `.execute(db);
  const byChannel = new Map<Uuid, ClaimedDelivery[]>(claims.map((c) => [c.channelUuid, []]));
  for (const r of rows) {
    byChannel.get(r.channel_id)?.push({
      id: r.id,
      generation: r.generation,
      failures: r.failures,
      eventId: r.event_id,
      payload: r.payload,
      traceparent: r.traceparent,
      ingestedAt: r.ingested_at,
    });
  }
  return claims.map((c) =>
    (byChannel.get(c.channelUuid) ?? []).sort((a, b) =>
      a.eventId === b.eventId ? cmp(a.id, b.id) : cmp(a.eventId, b.eventId),
    ),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Gives rows back untouched (they were not sent). */
export async function releaseDeliveries(db: Kysely<Database>, ids: readonly Uuid[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    UPDATE deliveries SET claimed_until = NULL WHERE id = any(${[...ids]}::uuid[]) AND status = 'pending'
  `.execute(db);
}

/**
 * Milliseconds until each channel's mailbox has something its drain can send
 * (0: now), or `null` when nothing is pending, in one statement. A chat channel
 * (any provider but `webhook`) sends in ingest order, so its first pending row
 * decides; a webhook channel takes whichever row comes first. Measured on the
 * database clock.
 */
export async function nextReadyInMany(
  db: Kysely<Database>,
  channelUuids: readonly Uuid[],
): Promise<Array<number | null>> {
  const { rows } = await sql<{ channel_id: Uuid; wait: number | null }>`
    SELECT c.id AS channel_id, EXTRACT(EPOCH FROM (next.at - now())) * 1000 AS wait
    FROM channels c CROSS JOIN LATERAL (
      SELECT ${readyAt} AS at FROM deliveries
      WHERE channel_id = c.id AND status = 'pending'
      ORDER BY CASE WHEN c.provider = 'webhook' THEN ${readyAt} END, event_id, id
      LIMIT 1
    ) next
    WHERE c.id = any(${[...channelUuids]}::uuid[])
  `.execute(db);
  const waits = new Map(rows.map((r) => [r.channel_id, waitOf(r.wait)]));
  return channelUuids.map((id) => waits.get(id) ?? null);
}

/** When a row may be taken: once ready and no longer claimed. */
const readyAt = sql`GREATEST(ready_at, COALESCE(claimed_until, ready_at))`;

function waitOf(wait: number | null | undefined): number | null {
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
  channelUuid: Uuid,
  maxWaitMs: number,
): Promise<{ failed: Uuid[]; nextInMs: number | null }> {
  const { rows } = await sql<{ id: Uuid }>`
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
export async function failPending(db: Kysely<Database>, channelUuid: Uuid, reason: string): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({ status: 'failed', last_error: reason, claimed_until: null, updated_at: new Date() })
    .where('channel_id', '=', channelUuid)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
