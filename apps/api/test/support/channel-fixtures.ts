import type { ChannelId } from '@wrenn/events';
import type { ProviderName } from '@wrenn/providers';
import request from 'supertest';
import type { TestApi } from './test-api';

/** A config each provider accepts; the values are fake but well-formed. */
export const VALID_CONFIGS: Record<ProviderName, Record<string, string>> = {
  discord: {
    webhook_url:
      'https://discord.com/api/webhooks/123456789012345678/discordTokenValue_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX',
  },
  slack: { webhook_url: 'https://hooks.slack.com/services/T0001/B0001/slackSecretValue123' },
  teams: {
    webhook_url:
      'https://prod-01.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=teamsSigValue123',
  },
  googlechat: {
    webhook_url:
      'https://chat.googleapis.com/v1/spaces/AAAAabcdef/messages?key=gchatKeyValue123&token=gchatTokenValue123',
  },
  telegram: { bot_token: '123456789:AAHtelegramTokenValue_abcdefghijklm', chat_id: '-1001234567890' },
  matrix: {
    homeserver_url: 'https://matrix.example.org',
    access_token: 'syt_matrixAccessTokenValue',
    room_id: '!room:example.org',
  },
  webhook: { url: 'https://hooks.example.com/wrenn', secret: 'user-supplied-webhook-secret' },
};

export interface ChannelInput {
  name: string;
  provider: ProviderName;
  config: Record<string, string>;
  events: string[];
}

let counter = 0;

/** A valid create body; override any field. */
export function channelBody(overrides: Partial<ChannelInput> = {}): ChannelInput {
  counter += 1;
  const provider = overrides.provider ?? 'webhook';
  return {
    name: `channel-${counter}`,
    provider,
    config: VALID_CONFIGS[provider],
    events: ['capsule.created', 'host.down'],
    ...overrides,
  };
}

/** Creates a channel through the API and returns the response body. */
export async function createChannel(api: TestApi, token: string, overrides: Partial<ChannelInput> = {}) {
  const res = await request(api.app)
    .post('/v1/channels')
    .set('Authorization', `Bearer ${token}`)
    .send(channelBody(overrides));
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: ChannelId; secret?: string; [key: string]: unknown };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
