import { EVENT_TYPES, type EventPayload } from '@wrenn/events';
import { sampleEvent } from './chat-fixtures';

/** Text hostile to some format: markup and mentions of every provider, RTL, emoji, templating, 10 KB. */
export const HOSTILE_TEXTS = [
  '<b>x</b> @everyone @room <!channel> <users/all> *bold* _it_ [a](https://evil.example) & "q" <@&123>',
  '\u202eRTL \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u2067isolate\u2069',
  '🔥😀👩‍👩‍👧‍👦 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'x'.repeat(10_000),
  '# heading\n- item\n> quote `code` ||spoiler|| ~~s~~ {{DATE(2026-01-01)}}\r\n1. first',
] as const;

/** The clock time the digest shows for event `i`: one second apart, so each line is recognisable. */
export function clockOf(i: number): string {
  return new Date(Date.UTC(2026, 3, 9, 11, 0, 0) + i * 1000).toISOString().slice(11, 19);
}

/**
 * `count` events to one team in ingest order: every type in turn, a few
 * capsules that come back again and again (so states change), and hostile
 * text in every field a user controls.
 */
export function digestEvents(count: number): EventPayload[] {
  return Array.from({ length: count }, (_, i) => {
    const type = EVENT_TYPES[i % EVENT_TYPES.length]!;
    const base = sampleEvent(type);
    const hostile = (k: number) => HOSTILE_TEXTS[(i + k) % HOSTILE_TEXTS.length]!;
    return {
      ...base,
      id: `evt-${String(i).padStart(4, '0')}`,
      timestamp: new Date(Date.UTC(2026, 3, 9, 11, 0, 0) + i * 1000).toISOString(),
      actor: base.actor.type === 'system' ? base.actor : { type: 'user', id: `usr-${i}`, name: hostile(1) },
      resource: { ...base.resource, id: i % 3 === 0 ? `cl-${i % 4}` : `${hostile(0)}-${i}` },
      metadata: { [hostile(2)]: hostile(3), note: 'é'.repeat(10_000), size: i },
    };
  });
}
