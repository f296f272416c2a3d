import type { ProviderName } from './provider';

/** One config key as a form shows it: what to paste, and where to find it. */
export interface ProviderFormField {
  key: string;
  label: string;
  required: boolean;
  /** Secret values are typed into password inputs and never shown again. */
  secret: boolean;
  placeholder: string;
  /** One line: what the value is. */
  help: string;
  /** Where the user finds the value, step by step. */
  where: string;
  /**
   * For a provider whose config comes in alternative forms: the form this
   * field belongs to ("Incoming webhook", "Slack app"). Every field of one
   * form is filled in, and no field of another.
   */
  form?: string;
}

export interface ProviderForm {
  name: ProviderName;
  label: string;
  fields: readonly ProviderFormField[];
}

/**
 * The form description of every provider's config keys. A test checks that the
 * keys and their required flags match each provider's `configKeys`, so a new
 * key cannot be added without describing it here.
 */
export const providerForms: Readonly<Record<ProviderName, ProviderForm>> = {
  discord: {
    name: 'discord',
    label: 'Discord',
    fields: [
      {
        key: 'webhook_url',
        label: 'Webhook URL',
        required: true,
        secret: true,
        placeholder: 'https://discord.com/api/webhooks/123456789012345678/…',
        help: 'The channel webhook URL; it carries its own token.',
        where: 'Server Settings → Integrations → Webhooks → New Webhook → Copy Webhook URL',
      },
      {
        key: 'thread_id',
        label: 'Thread ID',
        required: false,
        secret: false,
        placeholder: '123456789012345678',
        help: 'Posts into this thread or forum post instead of the channel itself.',
        where: 'User Settings → Advanced → Developer Mode, then right-click the thread → Copy Thread ID',
      },
    ],
  },
  slack: {
    name: 'slack',
    label: 'Slack',
    fields: [
      {
        key: 'webhook_url',
        label: 'Webhook URL',
        required: false,
        secret: true,
        placeholder: 'https://hooks.slack.com/services/T…/B…/…',
        help: 'Either this incoming-webhook URL alone, or a bot token and channel ID (not both). It posts to the channel chosen when it was created and cannot edit its messages, so one message per resource needs the bot.',
        where: 'api.slack.com/apps → your app → Incoming Webhooks → Add New Webhook to Workspace',
        form: 'Incoming webhook',
      },
      {
        key: 'bot_token',
        label: 'Bot token',
        required: false,
        secret: true,
        placeholder: 'xoxb-…',
        help: 'Instead of a webhook URL: the Slack app’s bot token, given together with the channel ID. The app needs the chat:write scope, and channels:read (groups:read for a private channel) so the channel can be checked; it can keep one message per resource up to date.',
        where: 'api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token',
        form: 'Slack app',
      },
      {
        key: 'channel_id',
        label: 'Channel ID',
        required: false,
        secret: false,
        placeholder: 'C0123456789',
        help: 'With the bot token: the channel to post in (C…, G… or D…). Invite the app to it first (/invite @your-app).',
        where: 'In Slack, click the channel name → About → Channel ID at the bottom',
        form: 'Slack app',
      },
    ],
  },
  teams: {
    name: 'teams',
    label: 'Microsoft Teams',
    fields: [
      {
        key: 'webhook_url',
        label: 'Workflow URL',
        required: true,
        secret: true,
        placeholder: 'https://prod-00.westeurope.logic.azure.com/workflows/…',
        help: 'The HTTP URL of a Workflows flow that posts to a channel (connector URLs are retired).',
        where: 'Channel → ⋯ → Workflows → "Post to a channel when a webhook request is received" → copy the URL',
      },
    ],
  },
  googlechat: {
    name: 'googlechat',
    label: 'Google Chat',
    fields: [
      {
        key: 'webhook_url',
        label: 'Webhook URL',
        required: true,
        secret: true,
        placeholder: 'https://chat.googleapis.com/v1/spaces/AAAA…/messages?key=…&token=…',
        help: 'The space webhook URL, with its key and token.',
        where: 'Space name → Apps & integrations → Webhooks → Add webhook → copy the URL',
      },
    ],
  },
  telegram: {
    name: 'telegram',
    label: 'Telegram',
    fields: [
      {
        key: 'bot_token',
        label: 'Bot token',
        required: true,
        secret: true,
        placeholder: '123456789:AAH…',
        help: 'The token of the bot that posts; add the bot to the chat first.',
        where: 'Talk to @BotFather → /newbot (or /token for an existing bot) → copy the token',
      },
      {
        key: 'chat_id',
        label: 'Chat ID',
        required: true,
        secret: false,
        placeholder: '-1001234567890 or @channelname',
        help: 'The group, supergroup or channel to post in.',
        where: 'Send a message in the chat, then open api.telegram.org/bot<token>/getUpdates and read chat.id',
      },
      {
        key: 'message_thread_id',
        label: 'Topic ID',
        required: false,
        secret: false,
        placeholder: '42',
        help: 'Posts into this forum topic of a supergroup.',
        where: 'The number after the last "/" of a message link copied from the topic',
      },
    ],
  },
  matrix: {
    name: 'matrix',
    label: 'Matrix',
    fields: [
      {
        key: 'homeserver_url',
        label: 'Homeserver URL',
        required: true,
        secret: false,
        placeholder: 'https://matrix.example.org',
        help: 'The client-server API address of the homeserver of the posting account.',
        where: 'Element: Settings → Help & About → Advanced → Homeserver',
      },
      {
        key: 'access_token',
        label: 'Access token',
        required: true,
        secret: true,
        placeholder: 'syt_…',
        help: 'The access token of a bot account that has joined the room.',
        where: 'Element, signed in as the bot: Settings → Help & About → Advanced → Access Token',
      },
      {
        key: 'room_id',
        label: 'Room ID',
        required: true,
        secret: false,
        placeholder: '!abcdef:example.org or #ops:example.org',
        help: 'The room to post in, by ID or alias.',
        where: 'Element: Room settings → Advanced → Internal room ID',
      },
    ],
  },
  webhook: {
    name: 'webhook',
    label: 'Webhook',
    fields: [
      {
        key: 'url',
        label: 'Endpoint URL',
        required: true,
        secret: false,
        placeholder: 'https://example.com/hooks/wrenn',
        help: 'Your HTTPS endpoint; it receives a signed JSON POST per event.',
        where: 'Your own service: the route that verifies the Standard Webhooks signature',
      },
      {
        key: 'secret',
        label: 'Signing secret',
        required: false,
        secret: true,
        placeholder: 'whsec_… (leave empty to generate one)',
        help: 'Signs every request; when empty, one is generated and shown once.',
        where: 'Your endpoint’s configuration, or leave empty and copy the generated one',
      },
    ],
  },
};
