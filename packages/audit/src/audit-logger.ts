import type { Database } from '@wrenn/db';
import type { Transaction } from 'kysely';
import { type AuditActor, SYSTEM_ACTOR } from './audit-entry';
import { type AuditLoggerOptions, type AuditWriter, createAuditWriter } from './audit-writer';

/**
 * The audit logger: the TypeScript counterpart of the platform's Go logger,
 * `log(entry)` and `record(entries)` plus a typed method for each action this
 * service records itself.
 * Typed methods never throw: failures are logged. `within(trx)` gives the same
 * methods writing inside a transaction: they throw, so the change and its entry
 * commit together or not at all, and events they create wait for the relay.
 */
export function createAuditLogger(options: AuditLoggerOptions) {
  return {
    ...auditMethods(createAuditWriter(options)),
    within: (trx: Transaction<Database>) =>
      auditMethods(createAuditWriter({ db: trx, logger: options.logger, strict: true })),
  };
}

function auditMethods(writer: AuditWriter) {
  const { log } = writer;
  return {
    ...writer,

    // A sandbox (team scope) becomes a capsule.created event; the platform sends
    // other actions arrive as plain entries through `log` and `record`.
    sandboxCreate: (actor: AuditActor, teamId: string, sandboxId: string, template: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'sandbox',
        resource_id: sandboxId,
        action: 'create',
        metadata: { template },
      }),

    // Channels (team scope): metadata holds name and provider, never config.
    channelCreate: (actor: AuditActor, teamId: string, channel: ChannelRef) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'create',
        metadata: channelMeta(channel),
      }),
    channelUpdate: (actor: AuditActor, teamId: string, channel: ChannelRef, changed: string[]) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'update',
        status: 'info',
        metadata: { ...channelMeta(channel), changed },
      }),
    channelRotateConfig: (actor: AuditActor, teamId: string, channel: ChannelRef) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'rotate_config',
        status: 'info',
        metadata: channelMeta(channel),
      }),
    /** A new webhook secret; the old one still signs until `previousSecretExpiresAt` (never a secret here). */
    channelRotateSecret: (
      actor: AuditActor,
      teamId: string,
      channel: ChannelRef,
      gracePeriodS: number,
      previousSecretExpiresAt: string | null,
    ) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'rotate_secret',
        status: 'info',
        metadata: {
          ...channelMeta(channel),
          grace_period_s: gracePeriodS,
          previous_secret_expires_at: previousSecretExpiresAt,
        },
      }),
    channelDelete: (actor: AuditActor, teamId: string, channel: ChannelRef) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'delete',
        status: 'warning',
        metadata: channelMeta(channel),
      }),
    /** Also raises the `channel.disabled` event, for the team's other channels. */
    channelAutoDisable: (teamId: string, channel: ChannelRef, reason: string) =>
      log({
        team_id: teamId,
        actor: SYSTEM_ACTOR,
        resource_type: 'channel',
        resource_id: channel.id,
        action: 'auto_disable',
        status: 'error',
        metadata: { ...channelMeta(channel), reason },
      }),
  };
}

/** What the audit log keeps of a channel. */
export interface ChannelRef {
  /** `ch-…` */
  id: string;
  name: string;
  provider: string;
}

function channelMeta(channel: ChannelRef): Record<string, unknown> {
  return { name: channel.name, provider: channel.provider };
}

export type AuditLogger = ReturnType<typeof createAuditLogger>;
/** The audit methods bound to one transaction (`AuditLogger.within`). */
export type TransactionAuditLogger = ReturnType<typeof auditMethods>;
