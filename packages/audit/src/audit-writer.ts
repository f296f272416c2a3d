import type { Database } from '@wrenn/db';
import { buildEventPayload, eventForAuditEntry, newId, parseId, rfc3339 } from '@wrenn/events';
import type { Logger } from '@wrenn/runtime';
import type { Kysely, Transaction } from 'kysely';
import type { AuditEntry } from './audit-entry';

export interface RecordResult {
  /** `log-…` ids, in input order. */
  logIds: string[];
  /** `evt-…` ids of the entries that became events. */
  eventIds: string[];
}

export interface AuditLoggerOptions {
  /** Where rows go: the pool, or a transaction the entry must commit with. */
  db: Kysely<Database> | Transaction<Database>;
  logger: Logger;
  /**
   * Called after commit with the new event ids (the API enqueues them). It may
   * fail: events stay pending in the outbox and the relay picks them up.
   */
  publish?: (eventIds: string[]) => Promise<void>;
  /**
   * `log` rethrows instead of logging the failure: inside a transaction a change
   * must not commit without its audit entry.
   */
  strict?: boolean;
}

/**
 * Writes audit rows and, for lifecycle actions, their outbox events in one
 * statement (one transaction). `record` throws (ingestion must know); `log` never
 * does, unless `strict`.
 */
export function createAuditWriter(options: AuditLoggerOptions) {
  const { db, logger, publish, strict = false } = options;

  /**
   * `traceparent`: the W3C trace context of the request that reported the
   * entries, kept with each event so its delivery joins that trace.
   */
  async function record(
    entries: readonly AuditEntry[],
    options: { traceparent?: string | null } = {},
  ): Promise<RecordResult> {
    const createdAt = new Date();
    const timestamp = rfc3339(createdAt);
    const logs = entries.map((entry) => {
      const teamUuid = parseId('team', entry.team_id);
      if (!teamUuid) throw new Error(`invalid team id ${entry.team_id}`);
      return { entry, log: newId('auditLog'), teamUuid };
    });
    const events = logs.flatMap(({ entry, log, teamUuid }) => {
      const type = eventForAuditEntry(entry.resource_type, entry.action);
      if (!type) return [];
      const event = newId('event');
      const payload = buildEventPayload({
        id: event.id,
        event: type,
        timestamp,
        teamId: entry.team_id,
        actor: entry.actor,
        resourceId: entry.resource_id ?? '',
        metadata: entry.metadata ?? {},
      });
      // The channel an event is about never receives it (`channel.disabled`).
      const channelId = entry.resource_type === 'channel' ? parseId('channel', entry.resource_id) : null;
      return [
        {
          id: event.uuid,
          team_id: teamUuid,
          audit_log_id: log.uuid,
          event_type: type,
          channel_id: channelId,
          payload,
          traceparent: options.traceparent ?? null,
          created_at: createdAt,
        },
      ];
    });

    const auditRows = logs.map(({ entry, log, teamUuid }) => ({
      id: log.uuid,
      team_id: teamUuid,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id || null,
      actor_name: entry.actor.name ?? '',
      resource_type: entry.resource_type,
      resource_id: entry.resource_id || null,
      action: entry.action,
      scope: entry.scope ?? 'team',
      status: entry.status ?? 'success',
      metadata: JSON.stringify(entry.metadata ?? {}),
      created_at: createdAt,
    }));
    if (events.length > 0) {
      // One statement, so one round trip and still all or nothing: audit rows, event
      // payloads, and the outbox rows saying those events are still to be fanned out
      // (their foreign keys are checked at the statement's end, when the events are there).
      await db
        .with('audit_rows', (q) => q.insertInto('audit_logs').values(auditRows).returning('id'))
        .with('event_rows', (q) =>
          q
            .insertInto('events')
            .values(events.map((e) => ({ ...e, payload: JSON.stringify(e.payload) })))
            .returning(['id', 'created_at']),
        )
        .insertInto('outbox')
        .columns(['event_id', 'created_at'])
        .expression((eb) => eb.selectFrom('event_rows').select(['event_rows.id', 'event_rows.created_at']))
        .execute();
    } else {
      await db.insertInto('audit_logs').values(auditRows).execute();
    }

    const eventIds = events.map((e) => e.payload.id);
    if (publish && eventIds.length > 0) {
      try {
        await publish(eventIds);
      } catch (err) {
        logger.warn({ err, events: eventIds.length }, 'enqueue after commit failed; the outbox relay will deliver');
      }
    }
    return { logIds: logs.map((l) => l.log.id), eventIds };
  }

  /** Records one entry; returns what was written (`undefined` when it failed and was logged). */
  async function log(entry: AuditEntry): Promise<{ logIds: string[]; eventIds: string[] } | undefined> {
    try {
      return await record([entry]);
    } catch (err) {
      if (strict) throw err;
      logger.warn(
        { err, action: entry.action, resource_type: entry.resource_type },
        'audit: failed to write log entry',
      );
      return undefined;
    }
  }

  return { record, log };
}

export type AuditWriter = ReturnType<typeof createAuditWriter>;
