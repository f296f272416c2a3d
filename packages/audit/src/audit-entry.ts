import type { ActorType } from '@wrenn/events';

export type AuditScope = 'team' | 'admin';
export type AuditStatus = 'success' | 'info' | 'warning' | 'error';

export interface AuditActor {
  type: ActorType;
  /** `usr-…` or `key-…`; absent for the system. */
  id?: string | undefined;
  name?: string | undefined;
}

/** One audit entry, as the platform reports it to POST /internal/v1/audit. */
export interface AuditEntry {
  /** `team-…` */
  team_id: string;
  actor: AuditActor;
  resource_type: string;
  resource_id?: string | undefined;
  action: string;
  scope?: AuditScope | undefined;
  status?: AuditStatus | undefined;
  metadata?: Record<string, unknown> | undefined;
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system' };
