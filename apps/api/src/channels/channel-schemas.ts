import { checkFilter, DEFAULT_URGENT, MAX_FILTER_LENGTH, QuietHoursInput, WEEKDAYS } from '@wrenn/channel-rules';
import { checkSubscription, EVENT_TYPES, parseId, subscriptionPatterns } from '@wrenn/events';
import {
  MAX_CONFIG_VALUE_LENGTH,
  MESSAGE_STYLES,
  messageStyleProblem,
  PROVIDER_NAMES,
  type ProviderName,
  type ProviderSettings,
  validateChannelConfig,
} from '@wrenn/providers';
import { z } from 'zod';

// Schemas of the channel routes. Requests are validated with these and the
// OpenAPI document is generated from them, so the two cannot disagree.

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Raw names longer than this are refused before normalising (bounded work and messages). */
const MAX_RAW_NAME_LENGTH = 200;

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? `is required (${what})` : `must be ${what}`;

/** Trims, lower-cases and turns spaces into `-`, as the platform does. */
export function normalizeChannelName(raw: string): string {
  return raw.trim().toLowerCase().replaceAll(' ', '-');
}

/** A channel name as typed; parses to its normalised form or fails with what to fix. */
export const ChannelName = z
  .string({ error: required('a string') })
  .max(MAX_RAW_NAME_LENGTH, `must be at most ${MAX_RAW_NAME_LENGTH} characters`)
  .transform(normalizeChannelName)
  .pipe(
    z
      .string()
      .regex(
        NAME_PATTERN,
        'must start with a letter or digit and contain only a-z, 0-9, ".", "_" or "-" (1–64 characters after trimming, lower-casing and turning spaces into "-")',
      ),
  )
  .meta({
    description:
      'Trimmed, lower-cased, spaces become `-`; then `^[a-z0-9][a-z0-9._-]{0,63}$`. Unique per team (409 `conflict`).',
    examples: ['ops-alerts'],
  });

/** An event type or a pattern (`*`, `prefix.*`) that matches at least one; `channel.test` refused. */
const Subscription = z
  .string({ error: 'must be a string (an event type or a pattern)' })
  .max(200, 'must be at most 200 characters')
  .superRefine((value, ctx) => {
    const check = checkSubscription(value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message, input: value });
  })
  .meta({
    description: `An event type (${EVENT_TYPES.join(', ')}) or a pattern: \`*\` (every event) or a dotted prefix followed by \`.*\` (${subscriptionPatterns()
      .slice(1)
      .map((p) => `\`${p}\``)
      .join(', ')}). A pattern must match at least one event type and also covers types added later.`,
    examples: ['capsule.created', 'host.*', '*'],
  });

/** Subscribed events: non-empty, each an event type or a matching pattern; parses without duplicates. */
export const EventList = z
  .array(Subscription, {
    error: required(`a non-empty array of event types or patterns (${EVENT_TYPES.join(', ')}, *, capsule.*…)`),
  })
  .min(1, 'must list at least one event')
  .max(64, 'must list at most 64 events')
  .transform((events) => [...new Set(events)])
  .meta({
    description:
      'Event types or patterns to deliver, returned as given; duplicates are removed. `channel.test` cannot be subscribed. See `GET /v1/event-types`.',
  });

/** One of the seven providers. */
export const ProviderField = z
  .enum(PROVIDER_NAMES, { error: required(`one of ${PROVIDER_NAMES.join(', ')}`) })
  .meta({ description: 'Where notifications go.' });

const CONFIG_KEYS_DOC =
  'discord: `webhook_url` (optional `thread_id`); slack, teams, googlechat: `webhook_url`; ' +
  'telegram: `bot_token`, `chat_id` (optional `message_thread_id`); matrix: `homeserver_url`, `access_token`, `room_id`; ' +
  'webhook: `url` (optional `secret`; generated and returned once when absent).';

/** A flat object of strings; the provider's keys and shapes are checked by {@link withProviderConfig}. */
export const ConfigMap = z
  .record(
    z.string(),
    z
      .string({ error: 'must be a string' })
      .max(MAX_CONFIG_VALUE_LENGTH, `must be at most ${MAX_CONFIG_VALUE_LENGTH} characters`),
    { error: required('an object of strings') },
  )
  .meta({ description: `Provider settings, a flat object of strings. Values are write-only. ${CONFIG_KEYS_DOC}` });

/** `filter`: a CEL expression over `event`, parsed and type-checked here so fan-out only runs good ones. */
export const FilterField = z
  .string({ error: 'must be a CEL expression (a string) or null' })
  .max(MAX_FILTER_LENGTH, `must be at most ${MAX_FILTER_LENGTH} characters`)
  .superRefine((source, ctx) => {
    const check = checkFilter(source);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message, input: source });
  })
  .nullable()
  .meta({
    description:
      'A CEL expression over `event` (the webhook JSON: `event.event`, `event.actor.type`, `event.resource.id`, ' +
      '`event.metadata.template`…) that must yield a bool; at most 1,000 characters. An event for which it is false, ' +
      'or whose evaluation errs (a missing key), creates no delivery for the channel. `null`: every subscribed event.',
    examples: ['event.actor.type != "system" && event.metadata.template.startsWith("python")'],
  });

/** `message_style`: how the channel shows events (CONTRACT section 6, "Quiet channels"). */
export const MessageStyleField = z
  .enum(MESSAGE_STYLES, { error: `must be one of ${MESSAGE_STYLES.map((s) => `"${s}"`).join(', ')}` })
  .meta({
    description:
      '`each`: a message per event (or per burst). `resource`: the first event about a resource posts a message and ' +
      'later events about it update that message; `host.down` and `channel.disabled` always post a new one. ' +
      'Only for providers whose `message_styles` (`GET /v1/providers`) include it.',
  });

/** `quiet_hours`: parses to the stored shape, defaults filled in. */
export const QuietHoursField = QuietHoursInput.nullable().meta({
  description:
    'During the window (local time in `timezone`, an IANA name) deliveries wait and go out, combined, when it ends; ' +
    '`urgent` event types or patterns go out at once. `days` are the days a window starts (default every day); ' +
    `\`urgent\` defaults to ${DEFAULT_URGENT.map((e) => `\`${e}\``).join(' and ')}. \`end\` before \`start\` spans midnight. \`null\`: no quiet hours.`,
  examples: [{ timezone: 'Europe/Berlin', start: '22:00', end: '07:00' }],
});

/** Quiet hours as a channel shows them. */
const QuietHoursShown = z.strictObject({
  timezone: z.string().meta({ examples: ['Europe/Berlin'] }),
  start: z.string().meta({ examples: ['22:00'] }),
  end: z.string().meta({ examples: ['07:00'] }),
  days: z.array(z.enum(WEEKDAYS)),
  urgent: z.array(z.string()),
});

const unknownFields = (allowed: readonly string[]) => (issue: z.core.$ZodRawIssue) =>
  issue.code === 'unrecognized_keys'
    ? `unknown field ${(issue.keys as string[]).map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ')})`
    : issue.input === undefined || typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input)
      ? 'must be a JSON object'
      : undefined;

/**
 * Checks `config` against its provider's rules, some of which depend on the
 * operator's settings, and replaces it with the normalised config to store.
 * The provider's messages name the key to fix, never a value.
 */
function withProviderConfig(settings: ProviderSettings) {
  return <T extends { provider: ProviderName; config: Record<string, string> }>(
    body: T,
    ctx: z.core.$RefinementCtx<T>,
  ): T => {
    const check = validateChannelConfig(body.provider, body.config, settings);
    if (!check.ok) {
      ctx.addIssue({ code: 'custom', message: check.message, input: body.config });
      return z.NEVER;
    }
    return { ...body, config: check.config };
  };
}

const CreateChannelFields = z.strictObject(
  {
    name: ChannelName,
    provider: ProviderField,
    config: ConfigMap,
    events: EventList,
    message_style: MessageStyleField.optional(),
    filter: FilterField.optional(),
    quiet_hours: QuietHoursField.optional(),
  },
  { error: unknownFields(['name', 'provider', 'config', 'events', 'message_style', 'filter', 'quiet_hours']) },
);

/** `POST /v1/channels` under the given settings; parses to the normalised name, events and config. */
export function createChannelBody(settings: ProviderSettings) {
  return CreateChannelFields.transform(withProviderConfig(settings)).transform((body, ctx) => {
    const problem = body.message_style && messageStyleProblem(body.provider, body.config, body.message_style);
    if (!problem) return body;
    ctx.addIssue({ code: 'custom', message: problem, input: body.message_style, path: ['message_style'] });
    return z.NEVER;
  });
}
export type CreateChannelBody = z.output<ReturnType<typeof createChannelBody>>;

/** `PATCH /v1/channels/{id}`: at least one of name, events, enabled, message_style, filter, quiet_hours. */
export const UpdateChannelBody = z
  .strictObject(
    {
      name: ChannelName.optional(),
      events: EventList.optional(),
      enabled: z
        .boolean({ error: 'must be true or false' })
        .optional()
        .meta({ description: 'Enabling clears `disabled_reason` and the failure count.' }),
      message_style: MessageStyleField.optional(),
      filter: FilterField.optional(),
      quiet_hours: QuietHoursField.optional(),
    },
    { error: unknownFields(['name', 'events', 'enabled', 'message_style', 'filter', 'quiet_hours']) },
  )
  .refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: 'set at least one of name, events, enabled, message_style, filter, quiet_hours',
  });
export type UpdateChannelBody = z.output<typeof UpdateChannelBody>;

/** `PUT /v1/channels/{id}/config`; the config is checked against the stored channel's provider. */
export const ReplaceConfigBody = z.strictObject({ config: ConfigMap }, { error: unknownFields(['config']) });
export type ReplaceConfigBody = z.output<typeof ReplaceConfigBody>;

/** `POST /v1/channels/test`: a config to try, stored nowhere. */
const TestSendFields = z.strictObject(
  { provider: ProviderField, config: ConfigMap },
  { error: unknownFields(['provider', 'config']) },
);

/** `POST /v1/channels/test` under the given settings: a config to try, stored nowhere. */
export function testSendBody(settings: ProviderSettings) {
  return TestSendFields.transform(withProviderConfig(settings));
}
export type TestSendBody = z.output<ReturnType<typeof testSendBody>>;

const CHANNEL_ID_PATTERN = /^ch-[0-9a-z]{25}$/;

/** A `ch-` id in a path, parsed to its UUID (malformed is 400). */
export const ChannelIdParam = z
  .string()
  .regex(CHANNEL_ID_PATTERN, 'must be a channel id (ch- followed by 25 base-36 characters)')
  .transform((id, ctx) => {
    const uuid = parseId('channel', id);
    if (uuid) return uuid;
    ctx.addIssue({
      code: 'custom',
      message: 'must be a channel id (ch- followed by 25 base-36 characters)',
      input: id,
    });
    return z.NEVER;
  });

/** Path parameters of `/v1/channels/{id}…`. */
export const ChannelPathParams = z.object({ id: ChannelIdParam });

/** A channel as the API shows it: its config without the values that are credentials. */
export const Channel = z.strictObject({
  id: z.string().meta({ examples: ['ch-0a1b2c3d4e5f6g7h8i9j0k1l2'] }),
  team_id: z.string(),
  name: z.string(),
  provider: z.enum(PROVIDER_NAMES),
  events: z.array(z.string()).meta({
    description: 'Subscribed event types and patterns (`*`, `capsule.*`…), as given.',
    examples: [['capsule.*', 'host.down']],
  }),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable().meta({ description: 'Why the service disabled the channel, if it did.' }),
  message_style: z.enum(MESSAGE_STYLES).meta({ description: '`each` (default) or `resource`.' }),
  filter: z.string().nullable().meta({ description: 'The CEL filter over `event`, or null.' }),
  quiet_hours: QuietHoursShown.nullable().meta({ description: 'Quiet hours with their defaults filled in, or null.' }),
  config_fields: z
    .array(z.string())
    .meta({ description: 'Every stored config key, sorted; never the values (nor a rotated-out secret).' }),
  created_at: z.string().meta({ format: 'date-time' }),
  updated_at: z.string().meta({ format: 'date-time' }),
});
export type Channel = z.infer<typeof Channel>;

/** A channel answer that may reveal a generated webhook secret once. */
export const ChannelWithSecret = Channel.extend({
  secret: z
    .string()
    .optional()
    .meta({ description: 'Webhook channels only: the generated signing secret, shown this once.' }),
});
export type ChannelWithSecret = z.infer<typeof ChannelWithSecret>;

/** `GET /v1/channels`: newest first. */
export const ChannelList = z.array(Channel);

/** A test send the provider accepted. */
export const TestSendResult = z.strictObject({ status: z.literal('ok') });

const GRACE_MESSAGE = 'must be a whole number of seconds from 0 to 604800 (7 days)';

/** `POST /v1/channels/{id}/rotate-secret`. */
export const RotateSecretBody = z.strictObject(
  {
    grace_period_s: z
      .number({ error: GRACE_MESSAGE })
      .int(GRACE_MESSAGE)
      .min(0, GRACE_MESSAGE)
      .max(604_800, GRACE_MESSAGE)
      .default(86_400)
      .meta({
        description:
          'How long the old secret keeps signing (seconds, 0–604800, default 86400 = 24 h). 0 replaces it at once.',
      }),
  },
  { error: unknownFields(['grace_period_s']) },
);
export type RotateSecretBody = z.output<typeof RotateSecretBody>;

/** The answer of a rotation: the new secret, shown once. */
export const RotatedSecret = z.strictObject({
  secret: z.string().meta({
    description: 'The new signing secret, `whsec_` + base64 of 32 random bytes. Shown this once.',
    examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  }),
  previous_secret_expires_at: z.string().nullable().meta({
    format: 'date-time',
    description:
      'Until when the old secret also signs (`webhook-signature` then carries both, the new one first); null when it stopped at once.',
  }),
});
export type RotatedSecret = z.infer<typeof RotatedSecret>;
