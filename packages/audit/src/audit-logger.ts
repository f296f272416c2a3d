import type { Database } from '@wrenn/db';
import type { Transaction } from 'kysely';
import { type AuditActor, SYSTEM_ACTOR } from './audit-entry';
import { type AuditLoggerOptions, type AuditWriter, createAuditWriter } from './audit-writer';

/**
 * The audit logger: the TypeScript counterpart of the platform's Go logger,
 * one typed method per recorded action plus `log(entry)` and `record(entries)`.
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

    // Sandboxes (team scope); these become capsule.* events.
    sandboxCreate: (actor: AuditActor, teamId: string, sandboxId: string, template: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'sandbox',
        resource_id: sandboxId,
        action: 'create',
        metadata: { template },
      }),
    sandboxPause: (actor: AuditActor, teamId: string, sandboxId: string) =>
      log({ team_id: teamId, actor, resource_type: 'sandbox', resource_id: sandboxId, action: 'pause' }),
    /** A system-initiated pause (TTL or host reconciler). */
    sandboxAutoPause: (teamId: string, sandboxId: string) =>
      log({
        team_id: teamId,
        actor: SYSTEM_ACTOR,
        resource_type: 'sandbox',
        resource_id: sandboxId,
        action: 'pause',
        status: 'info',
      }),
    sandboxResume: (actor: AuditActor, teamId: string, sandboxId: string) =>
      log({ team_id: teamId, actor, resource_type: 'sandbox', resource_id: sandboxId, action: 'resume' }),
    sandboxDestroy: (actor: AuditActor, teamId: string, sandboxId: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'sandbox',
        resource_id: sandboxId,
        action: 'destroy',
        status: 'warning',
      }),

    // Template snapshots (team scope); these become template.snapshot.* events.
    snapshotCreate: (actor: AuditActor, teamId: string, name: string) =>
      log({ team_id: teamId, actor, resource_type: 'snapshot', resource_id: name, action: 'create' }),
    snapshotDelete: (actor: AuditActor, teamId: string, name: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'snapshot',
        resource_id: name,
        action: 'delete',
        status: 'warning',
      }),

    // Team and API keys (team scope): stored only.
    teamRename: (actor: AuditActor, teamId: string, oldName: string, newName: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'team',
        resource_id: teamId,
        action: 'rename',
        status: 'info',
        metadata: { old_name: oldName, new_name: newName },
      }),
    apiKeyCreate: (actor: AuditActor, teamId: string, keyId: string, keyName: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'api_key',
        resource_id: keyId,
        action: 'create',
        metadata: { name: keyName },
      }),
    apiKeyRevoke: (actor: AuditActor, teamId: string, keyId: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'api_key',
        resource_id: keyId,
        action: 'revoke',
        status: 'warning',
      }),

    // Members (admin scope): stored only.
    memberAdd: (actor: AuditActor, teamId: string, userId: string, email: string, role: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'member',
        resource_id: userId,
        action: 'add',
        scope: 'admin',
        metadata: { email, role },
      }),
    memberRemove: (actor: AuditActor, teamId: string, userId: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'member',
        resource_id: userId,
        action: 'remove',
        scope: 'admin',
        status: 'warning',
      }),
    memberLeave: (actor: AuditActor, teamId: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'member',
        resource_id: actor.type === 'user' ? actor.id : undefined,
        action: 'leave',
        scope: 'admin',
        status: 'info',
      }),
    memberRoleUpdate: (actor: AuditActor, teamId: string, userId: string, newRole: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'member',
        resource_id: userId,
        action: 'role_update',
        scope: 'admin',
        status: 'info',
        metadata: { new_role: newRole },
      }),

    // Hosts: create/delete are admin scope and stored only; marked_down/up are
    // system transitions in team scope so BYOC teams see them, and become host.* events.
    hostCreate: (actor: AuditActor, teamId: string, hostId: string) =>
      log({ team_id: teamId, actor, resource_type: 'host', resource_id: hostId, action: 'create', scope: 'admin' }),
    hostDelete: (actor: AuditActor, teamId: string, hostId: string) =>
      log({
        team_id: teamId,
        actor,
        resource_type: 'host',
        resource_id: hostId,
        action: 'delete',
        scope: 'admin',
        status: 'warning',
      }),
    hostMarkedDown: (teamId: string, hostId: string) =>
      log({
        team_id: teamId,
        actor: SYSTEM_ACTOR,
        resource_type: 'host',
        resource_id: hostId,
        action: 'marked_down',
        status: 'error',
      }),
    hostMarkedUp: (teamId: string, hostId: string) =>
      log({ team_id: teamId, actor: SYSTEM_ACTOR, resource_type: 'host', resource_id: hostId, action: 'marked_up' }),

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
