// Hand-written types and calls for three routes: secret rotation, bulk
// redelivery and the event catalogue, in the exact shapes the API documents
// for them. They live apart from the generated client so that they can be
// replaced by it as soon as the API's own document describes these routes.
import { ApiError, requestJson } from './client';

export interface RotatedSecret {
  secret: string;
  previous_secret_expires_at: string | null;
}

export interface RetryFailedResult {
  count: number;
}

export interface EventType {
  name: string;
  description: string;
  schema?: unknown;
}

/** The subscribable events, used only while the service does not list them itself (an older API). */
const KNOWN_EVENTS: EventType[] = [
  { name: 'capsule.created', description: 'A capsule was created' },
  { name: 'capsule.running', description: 'A capsule started or resumed' },
  { name: 'capsule.paused', description: 'A capsule was paused' },
  { name: 'capsule.destroyed', description: 'A capsule was destroyed' },
  { name: 'template.snapshot.created', description: 'A template snapshot was created' },
  { name: 'template.snapshot.deleted', description: 'A template snapshot was deleted' },
  { name: 'host.up', description: 'A host came up' },
  { name: 'host.down', description: 'A host went down' },
];

/** `POST /v1/channels/{id}/rotate-secret`: a new webhook secret, shown once. */
export function rotateSecret(token: string, channelId: string, gracePeriodS?: number): Promise<RotatedSecret> {
  return requestJson(
    token,
    'POST',
    `/v1/channels/${encodeURIComponent(channelId)}/rotate-secret`,
    gracePeriodS === undefined ? {} : { grace_period_s: gracePeriodS },
  );
}

/** `POST /v1/channels/{id}/deliveries/retry`: redelivers the failed deliveries created since `since`. */
export function retryFailedSince(token: string, channelId: string, since: string): Promise<RetryFailedResult> {
  return requestJson(token, 'POST', `/v1/channels/${encodeURIComponent(channelId)}/deliveries/retry`, {
    since,
    status: 'failed',
  });
}

/** `GET /v1/event-types`: every subscribable event. */
export async function listEventTypes(token: string): Promise<EventType[]> {
  try {
    const page = await requestJson<{ items: EventType[] }>(token, 'GET', '/v1/event-types');
    return page.items;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return KNOWN_EVENTS;
    throw err;
  }
}
