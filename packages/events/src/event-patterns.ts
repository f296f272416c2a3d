import { EVENT_TYPES, isSubscribableEvent, type SubscribableEvent } from './event-types';

/**
 * What a channel may subscribe to: an event type, `*` (every event), or a
 * dotted prefix followed by `.*` (`capsule.*`, `template.snapshot.*`). Patterns
 * are stored as given and matched when an event is fanned out, so a pattern
 * also covers event types added later.
 */
export type EventSubscription = SubscribableEvent | '*' | `${string}.*`;

const PATTERN = /^(?:\*|[a-z0-9_]+(?:\.[a-z0-9_]+)*\.\*)$/;

/**
 * The subscriptions that match an event type: the type itself, each of its
 * dotted prefixes followed by `.*`, and `*`. `template.snapshot.created` →
 * `template.snapshot.created`, `template.snapshot.*`, `template.*`, `*`. Fan-out
 * looks for a channel whose subscriptions overlap these (the database's
 * `event_subscription_keys` computes the same list).
 */
export function subscriptionKeys(eventType: string): string[] {
  const parts = eventType.split('.');
  const keys = [eventType];
  for (let n = parts.length - 1; n >= 1; n -= 1) keys.push(`${parts.slice(0, n).join('.')}.*`);
  keys.push('*');
  return keys;
}

/** Whether `subscription` (an event type or a pattern) matches `eventType`. */
export function subscriptionMatches(subscription: string, eventType: string): boolean {
  return subscriptionKeys(eventType).includes(subscription);
}

/** Whether `value` has the shape of a pattern (`*` or `prefix.*`); it may still match nothing. */
export function isEventPattern(value: string): boolean {
  return PATTERN.test(value);
}

/** The subscribable event types a subscription covers today. */
export function eventTypesMatching(subscription: string): SubscribableEvent[] {
  return EVENT_TYPES.filter((type) => subscriptionMatches(subscription, type));
}

/**
 * Checks one entry of a channel's `events`: a subscribable event type, or a
 * pattern matching at least one. The message says what is valid.
 */
export function checkSubscription(value: string): { ok: true } | { ok: false; message: string } {
  if (isSubscribableEvent(value)) return { ok: true };
  if (value === 'channel.test') {
    return { ok: false, message: 'channel.test is only sent by test sends and cannot be subscribed' };
  }
  if (isEventPattern(value) && eventTypesMatching(value).length > 0) return { ok: true };
  const what = isEventPattern(value) ? `the pattern ${JSON.stringify(value)} matches no event type` : 'unknown event';
  return {
    ok: false,
    message: `${what}; valid: ${EVENT_TYPES.join(', ')}, or a pattern: ${subscriptionPatterns().join(', ')}`,
  };
}

/** Every pattern that matches at least one event type today, `*` first. */
export function subscriptionPatterns(): string[] {
  const patterns = new Set<string>(['*']);
  for (const type of EVENT_TYPES) {
    for (const key of subscriptionKeys(type).slice(1, -1).reverse()) patterns.add(key);
  }
  return [...patterns];
}
