import { describe, expect, it } from 'vitest';
import { messageStyleProblem, PROVIDER_NAMES, providers, providersWithStyle } from '../src';

const APP_FORM = { bot_token: 'xoxb-1-2-abc', channel_id: 'C0123456789' };
const HOOK_FORM = { webhook_url: 'https://hooks.slack.com/services/T1/B1/abc' };

describe('messageStyleProblem', () => {
  it.each(PROVIDER_NAMES)('%s accepts the each style', (name) => {
    expect(messageStyleProblem(name, {}, 'each')).toBeUndefined();
  });

  it('refuses resource style for a provider without it, naming the providers that have it', () => {
    const problem = messageStyleProblem('webhook', { url: 'https://example.com/hook' }, 'resource');
    expect(problem).toMatch(/message_style "resource" is not available for webhook/);
    for (const name of providersWithStyle('resource')) expect(problem).toContain(name);
  });

  it('agrees with each provider’s declared styles (Slack in its app form)', () => {
    for (const name of PROVIDER_NAMES) {
      const config = name === 'slack' ? APP_FORM : {};
      const problem = messageStyleProblem(name, config, 'resource');
      if (providers[name].messageStyles.includes('resource')) expect(problem).toBeUndefined();
      else expect(problem).toBeDefined();
    }
  });

  it('refuses resource style for a Slack incoming webhook and says which form can', () => {
    const problem = messageStyleProblem('slack', HOOK_FORM, 'resource');
    expect(problem).toMatch(/bot_token and channel_id/);
    expect(problem).toMatch(/webhook_url/);
  });
});
