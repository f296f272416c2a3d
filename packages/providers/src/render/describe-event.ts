import type { EventPayload, EventType } from '@wrenn/events';

export type Severity = 'good' | 'warning' | 'attention' | 'info';

/** Provider-neutral content of a notification; each renderer turns it into its native format. */
export interface EventDescription {
  /** "Capsule created" */
  title: string;
  /** One line: "Capsule cl-… was created by Ada" */
  summary: string;
  severity: Severity;
  /** Label/value pairs in display order: resource, actor, team, time, then metadata. Plain text. */
  facts: Array<{ label: string; value: string }>;
  timestamp: string;
}

const TITLES: Record<EventType, { title: string; verb: string; severity: Severity }> = {
  'capsule.created': { title: 'Capsule created', verb: 'was created', severity: 'good' },
  'capsule.running': { title: 'Capsule resumed', verb: 'was resumed', severity: 'good' },
  'capsule.paused': { title: 'Capsule paused', verb: 'was paused', severity: 'warning' },
  'capsule.destroyed': { title: 'Capsule destroyed', verb: 'was destroyed', severity: 'attention' },
  'template.snapshot.created': { title: 'Template snapshot created', verb: 'was created', severity: 'good' },
  'template.snapshot.deleted': { title: 'Template snapshot deleted', verb: 'was deleted', severity: 'warning' },
  'host.up': { title: 'Host is up', verb: 'is back online', severity: 'good' },
  'host.down': { title: 'Host is down', verb: 'is unreachable', severity: 'attention' },
  'channel.disabled': { title: 'Channel disabled', verb: 'was disabled', severity: 'attention' },
  'channel.test': { title: 'Test notification', verb: 'is set up correctly', severity: 'info' },
};

/** How each resource type is named in messages. */
export const RESOURCE_LABELS: Readonly<Record<string, string>> = {
  sandbox: 'Capsule',
  snapshot: 'Snapshot',
  host: 'Host',
  channel: 'Channel',
};

/** Suggested colours per severity (RGB). */
export const SEVERITY_COLORS: Record<Severity, number> = {
  good: 0x2ecc71,
  warning: 0xf1c40f,
  attention: 0xe74c3c,
  info: 0x3498db,
};

/** A severity's colour as CSS-style hex, `#2ECC71`, for formats that take colours as text. */
export function severityHex(severity: Severity): string {
  return `#${SEVERITY_COLORS[severity].toString(16).padStart(6, '0').toUpperCase()}`;
}

function actorText(actor: EventPayload['actor']): string {
  if (actor.type === 'system') return 'Wrenn (system)';
  const who = actor.name || actor.id || actor.type;
  return actor.name && actor.id ? `${actor.name} (${actor.id})` : who;
}

function metadataValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** Builds the neutral description of an event. All strings are plain, unescaped text. */
export function describeEvent(event: EventPayload): EventDescription {
  const meta = TITLES[event.event];
  const resourceLabel = RESOURCE_LABELS[event.resource.type] ?? event.resource.type;
  const subject = event.event === 'channel.test' ? 'This channel' : `${resourceLabel} ${event.resource.id}`;
  const by = event.actor.type === 'system' ? '' : ` by ${actorText(event.actor)}`;
  const facts: EventDescription['facts'] = [];
  if (event.event !== 'channel.test') facts.push({ label: resourceLabel, value: event.resource.id });
  facts.push({ label: 'Actor', value: actorText(event.actor) });
  facts.push({ label: 'Team', value: event.team_id });
  facts.push({ label: 'Time', value: event.timestamp });
  for (const [key, value] of Object.entries(event.metadata)) {
    facts.push({ label: key, value: metadataValue(value) });
  }
  return {
    title: meta.title,
    summary: `${subject} ${meta.verb}${event.event === 'channel.test' ? '' : by}.`,
    severity: meta.severity,
    facts,
    timestamp: event.timestamp,
  };
}
