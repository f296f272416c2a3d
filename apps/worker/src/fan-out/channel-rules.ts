import {
  type CompiledFilter,
  compileFilter,
  type FilterVerdict,
  type QuietHours,
  quietUntil,
  quietWindowEnd,
} from '@wrenn/channel-rules';
import type { Database } from '@wrenn/db';
import { formatId, type Uuid } from '@wrenn/events';
import { ensureDrains, type Queues } from '@wrenn/queues';
import { type Kysely, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { WorkerMetrics } from '../worker-metrics';

/** A subscribed channel with a filter or quiet hours, for an event it has no delivery of yet. */
export interface RuledCandidate {
  eventUuid: Uuid;
  channelUuid: Uuid;
  eventType: string;
  provider: string;
  filter: string | null;
  quietHours: QuietHours | null;
  /** Compiled filters are cached per channel until this changes. */
  updatedAt: Date;
}

/** A delivery row the rules let through. */
export interface RuledDelivery {
  event_id: Uuid;
  delivery_id: Uuid;
  channel_id: Uuid;
}

export interface ChannelRulesDeps {
  db: Kysely<Database>;
  deliveryQueues: Pick<Queues, 'deliveriesFor'>;
  metrics: Pick<WorkerMetrics, 'filterErrors'>;
  /** The wall clock quiet hours are read on; tests move it. Default `Date.now`. */
  clock?: () => number;
}

/** Channels whose compiled filter is kept; beyond that the least used is compiled again when needed. */
const CACHED_FILTERS = 10_000;

/**
 * Applies channels' filters and quiet hours at fan-out. An event a filter
 * refuses, or whose evaluation errs (counted in `wrenn_filter_errors_total`),
 * gets no delivery row; one that falls in a quiet window gets a row whose
 * `ready_at` is the window's end, which the drain waits for like a retry delay.
 */
export function createChannelRules(deps: ChannelRulesDeps) {
  const filters = new LRUCache<Uuid, { updatedAtMs: number; source: string; run: CompiledFilter }>({
    max: CACHED_FILTERS,
  });
  // Channels often share a filter's text: it is compiled once for all of them.
  const programs = new LRUCache<string, CompiledFilter>({ max: CACHED_FILTERS });

  function compiled(source: string): CompiledFilter {
    let run = programs.get(source);
    if (run) return run;
    try {
      run = compileFilter(source);
    } catch (err) {
      // Only a change of the filter rules can make a saved filter invalid: it delivers nothing, and says so.
      const message = err instanceof Error ? err.message : String(err);
      run = () => ({ kind: 'error', message });
    }
    programs.set(source, run);
    return run;
  }

  function filterOf(candidate: RuledCandidate): { source: string; run: CompiledFilter } | null {
    if (candidate.filter === null) return null;
    const cached = filters.get(candidate.channelUuid);
    if (cached?.updatedAtMs === candidate.updatedAt.getTime()) return cached;
    const entry = {
      updatedAtMs: candidate.updatedAt.getTime(),
      source: candidate.filter,
      run: compiled(candidate.filter),
    };
    filters.set(candidate.channelUuid, entry);
    return entry;
  }

  /**
   * Inserts the rows the rules let through for these candidates (payloads by
   * event id) and returns them. Safe to run again: rows are unique per
   * (event, channel), and a refused event simply gets evaluated again.
   */
  return async function applyChannelRules(
    candidates: readonly RuledCandidate[],
    payloads: ReadonlyMap<Uuid, Record<string, unknown>>,
  ): Promise<RuledDelivery[]> {
    if (candidates.length === 0) return [];
    const worldNow = deps.clock?.() ?? Date.now();
    // Offsets from the clock applied to the real time, so a moved clock still gives rows the drain can reach.
    const realNow = deps.clock ? Date.now() : worldNow;
    const accepted: Array<{ candidate: RuledCandidate; readyAt: Date | null }> = [];
    // Urgent events that arrive inside a window: their channel's drain may sleep until the window's end.
    const wake = new Set<Uuid>();
    // A filter's verdict on an event is the same for every channel with that filter.
    const verdicts = new Map<string, FilterVerdict>();
    for (const candidate of candidates) {
      const filter = filterOf(candidate);
      let verdict: FilterVerdict = { kind: 'pass' };
      if (filter) {
        const key = `${candidate.eventUuid}\n${filter.source}`;
        verdict = verdicts.get(key) ?? filter.run(payloads.get(candidate.eventUuid) ?? {});
        verdicts.set(key, verdict);
      }
      if (verdict.kind === 'error')
        deps.metrics.filterErrors.inc({ channel: formatId('channel', candidate.channelUuid) });
      if (verdict.kind !== 'pass') continue;
      const { holdUntil, urgentInWindow } = quietFor(candidate, worldNow);
      if (urgentInWindow) wake.add(candidate.channelUuid);
      accepted.push({ candidate, readyAt: holdUntil === null ? null : new Date(realNow + (holdUntil - worldNow)) });
    }
    if (accepted.length === 0) return [];
    // A chat channel gets its events in ingest order (the drain never lets a row overtake one
    // that is not ready), so an urgent event takes the rows waiting before it along: one message, in order.
    const flush = [...wake].filter((id) =>
      accepted.some((a) => a.candidate.channelUuid === id && isOrdered(a.candidate)),
    );
    for (const row of accepted) if (flush.includes(row.candidate.channelUuid)) row.readyAt = null;

    const { rows } = await sql<RuledDelivery>`
      WITH accepted AS (
        SELECT * FROM unnest(
          ${accepted.map((a) => a.candidate.eventUuid)}::uuid[],
          ${accepted.map((a) => a.candidate.channelUuid)}::uuid[],
          ${accepted.map((a) => a.readyAt)}::timestamptz[]
        ) AS a(event_id, channel_id, ready_at)
      ),
      -- Rows held by quiet hours are the only pending ones never attempted whose time has not come.
      flushed AS (
        UPDATE deliveries SET ready_at = now()
        WHERE channel_id = any(${flush}::uuid[]) AND status = 'pending' AND attempts = 0 AND ready_at > now()
        RETURNING id
      )
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type, ready_at)
      SELECT gen_random_uuid(), a.event_id, a.channel_id, ev.team_id, ev.event_type, COALESCE(a.ready_at, now())
      FROM accepted a JOIN events ev ON ev.id = a.event_id
      ON CONFLICT (event_id, channel_id) DO NOTHING
      RETURNING event_id, id AS delivery_id, channel_id
    `.execute(deps.db);

    // A drain delayed to the window's end is promoted; one lingering in this process is woken by `landed`.
    if (wake.size > 0) {
      await ensureDrains(
        deps.deliveryQueues,
        [...wake].map((uuid) => formatId('channel', uuid)),
        { wake: true },
      );
    }
    return rows;
  };
}

/**
 * Until when quiet hours hold a candidate's delivery, and whether it is an
 * urgent one inside a window. A timezone this runtime no longer knows (the IANA
 * data changed under a stored channel) sends at once: late news is worse than
 * a message at night, and a throw here would hold up the whole fan-out batch.
 */
function quietFor(candidate: RuledCandidate, now: number): { holdUntil: number | null; urgentInWindow: boolean } {
  const quiet = candidate.quietHours;
  if (!quiet) return { holdUntil: null, urgentInWindow: false };
  try {
    const holdUntil = quietUntil(quiet, candidate.eventType, now);
    return { holdUntil, urgentInWindow: holdUntil === null && quietWindowEnd(quiet, now) !== null };
  } catch {
    return { holdUntil: null, urgentInWindow: false };
  }
}

/** The drain's rule: chat channels get their events in ingest order, webhooks in any order. */
function isOrdered(candidate: RuledCandidate): boolean {
  return candidate.provider !== 'webhook';
}
