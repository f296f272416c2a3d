import type { EventType } from './event-types';

export type ActorType = 'user' | 'api_key' | 'system';

/** The JSON body a signed webhook receives, and what every renderer starts from. */
export interface EventPayload {
  id: string;
  event: EventType;
  /** RFC 3339 UTC, second precision. */
  timestamp: string;
  team_id: string;
  actor: { type: ActorType; id?: string; name?: string };
  /**
   * `url` links the resource to the Wrenn dashboard: added at send time when
   * the operator set `WRENN_LINK_TEMPLATES`, never stored with the event.
   */
  resource: { id: string; type: string; url?: string };
  metadata: Record<string, unknown>;
}

/** RFC 3339 UTC at second precision, as the platform writes timestamps. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
