import { newId } from '@wrenn/events';
import { type ProviderName, providerForms } from '@wrenn/providers';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  descriptionOf,
  type Fakes,
  type PortalHarness,
  screenshot,
  seriousViolations,
  startPortalHarness,
} from '../../test/support/portal-harness';

let harness: PortalHarness;

beforeAll(async () => {
  harness = await startPortalHarness();
});
afterAll(async () => {
  await harness?.close();
});

/** A config each provider's fake accepts. */
function configFor(provider: ProviderName, fakes: Fakes): Record<string, string> {
  switch (provider) {
    case 'discord':
      return { webhook_url: fakes.discord.webhookUrl('123456789012345678', 'T'.repeat(68)) };
    case 'slack':
      return { webhook_url: fakes.slack.webhookUrl() };
    case 'teams':
      return { webhook_url: fakes.teams.workflowUrl() };
    case 'googlechat':
      return { webhook_url: fakes.googlechat.webhookUrl() };
    case 'telegram':
      return { bot_token: `123456789:${'A'.repeat(35)}`, chat_id: '-1001234567890' };
    case 'matrix': {
      const bot = fakes.matrix.registerUser(`bot${Math.random().toString(36).slice(2, 8)}`);
      return {
        homeserver_url: fakes.matrix.origin,
        access_token: bot.accessToken,
        room_id: fakes.matrix.createRoom(bot.accessToken),
      };
    }
    case 'webhook':
      return { url: fakes.webhook.url };
  }
}

/** What each fake received so far: a test send must add one. */
function receivedBy(provider: ProviderName, fakes: Fakes): number {
  switch (provider) {
    case 'discord':
      return fakes.discord.messages.length;
    case 'slack':
      return fakes.slack.messages.length;
    case 'teams':
      return fakes.teams.messages.length;
    case 'googlechat':
      return fakes.googlechat.messages.length;
    case 'telegram':
      return fakes.telegram.messages.length;
    case 'matrix':
      return fakes.matrix.messages.length;
    case 'webhook':
      return fakes.webhook.delivered().length;
  }
}

const labelOf = (provider: ProviderName, key: string) =>
  providerForms[provider].fields.find((f) => f.key === key)?.label as string;

async function fillChannelForm(page: Page, name: string, provider: ProviderName, config: Record<string, string>) {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Provider').selectOption({ label: providerForms[provider].label });
  for (const [key, value] of Object.entries(config)) {
    await page.getByLabel(labelOf(provider, key), { exact: true }).fill(value);
  }
}

describe('the channels screens', () => {
  it('moves the token out of the address bar and keeps it for this tab only', async () => {
    const page = await harness.openPortal(newId('team').id);
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(page.url()).toMatch(/\/portal\/#\/channels$/);
    // sessionStorage (this tab, until it closes) holds the token and nothing else; localStorage nothing.
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual(['wrenn-portal-session']);
    expect(await page.evaluate(() => history.state)).toBeNull();
  });

  it('creates a channel of each provider after a successful test send, and lists them', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    const providers = Object.keys(providerForms) as ProviderName[];
    for (const provider of providers) {
      await page.getByRole('button', { name: 'New channel' }).click();
      await page.getByRole('heading', { name: 'New channel' }).waitFor();
      await fillChannelForm(page, `${provider}-alerts`, provider, configFor(provider, harness.fakes));
      await page.getByLabel('capsule.created', { exact: true }).check();
      await page.getByLabel('host.down', { exact: true }).check();
      if (provider === 'webhook') await screenshot(page, 'new-channel');
      const before = receivedBy(provider, harness.fakes);
      await page.getByRole('button', { name: 'Send test' }).click();
      await page.getByText('Test message sent: check the destination.').waitFor();
      expect(receivedBy(provider, harness.fakes)).toBe(before + 1);
      await page.getByRole('button', { name: 'Create channel' }).click();
      await page.getByRole('heading', { name: `${provider}-alerts` }).waitFor();
      if (provider === 'webhook') {
        // A webhook channel created without a secret shows the generated one, once.
        await page.getByText(/^whsec_/).waitFor();
      }
      await page.getByRole('link', { name: 'Channels', exact: true }).click();
    }
    const table = page.getByRole('table', { name: 'Channels' });
    for (const provider of providers) {
      const row = table.getByRole('row', { name: new RegExp(`^${provider}-alerts `) });
      await row.waitFor();
      const text = await row.textContent();
      expect(text).toContain(providerForms[provider].label);
      expect(text).toContain('capsule.created, host.down');
      expect(text).toContain('enabled');
    }
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'channels');
  });

  it("shows the provider's error when a test send fails, and API errors next to their field", async () => {
    const page = await harness.openPortal(newId('team').id);
    await page.getByRole('button', { name: 'New channel' }).click();
    await fillChannelForm(page, 'tg', 'telegram', { bot_token: `123456789:${'B'.repeat(35)}`, chat_id: '-100777' });
    await page.getByRole('button', { name: 'Send test' }).click();
    const failure = page.getByRole('alert').filter({ hasText: 'Test failed' });
    await failure.waitFor();
    expect(await failure.textContent()).toMatch(/chat not found/i);
    expect(await failure.textContent()).not.toContain('B'.repeat(35));

    // A config value of the wrong shape: the message sits under that field.
    await page.getByLabel('Provider').selectOption({ label: 'Discord' });
    const url = page.getByLabel('Webhook URL', { exact: true });
    await url.fill('http://discord.com/api/webhooks/123456789012345678/abc');
    await page.getByLabel('capsule.created', { exact: true }).check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('#new-webhook_url-error').waitFor();
    expect(await descriptionOf(url)).toMatch(/https/);
    expect(await url.getAttribute('aria-invalid')).toBe('true');

    // A name the team already uses: under the Name field.
    await url.fill(configFor('discord', harness.fakes).webhook_url as string);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'tg' }).waitFor();
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    await page.getByRole('button', { name: 'New channel' }).click();
    await fillChannelForm(page, 'TG', 'webhook', { url: harness.fakes.webhook.url });
    await page.getByLabel('host.up', { exact: true }).check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    const name = page.getByLabel('Name', { exact: true });
    await page.locator('#new-name-error').waitFor();
    expect(await descriptionOf(name)).toMatch(/already exists/);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('creates a channel with the keyboard alone', async () => {
    const page = await harness.openPortal(newId('team').id);
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    const tabTo = async (target: ReturnType<Page['getByRole']>) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
      }
      throw new Error('could not reach the element with Tab');
    };
    await tabTo(page.getByRole('button', { name: 'New channel' }));
    await page.keyboard.press('Enter');
    await tabTo(page.getByRole('textbox', { name: 'Name' }));
    await page.keyboard.type('keyboard-hook');
    await tabTo(page.getByRole('combobox', { name: 'Provider' }));
    await page.keyboard.type('Webhook');
    await tabTo(page.getByRole('textbox', { name: 'Endpoint URL' }));
    await page.keyboard.type(harness.fakes.webhook.url);
    await tabTo(page.getByRole('checkbox', { name: 'host.down' }));
    await page.keyboard.press('Space');
    await tabTo(page.getByRole('textbox', { name: 'Event patterns' }));
    await page.keyboard.type('capsule.*');
    await tabTo(page.getByRole('button', { name: 'Create channel' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'keyboard-hook' }).waitFor();
    const res = await page.evaluate(() => document.title);
    expect(res).toBe('Channel · Wrenn Channels');
    await tabTo(page.getByRole('link', { name: 'Channels', exact: true }));
    await page.keyboard.press('Enter');
    const row = page.getByRole('table', { name: 'Channels' }).getByRole('row', { name: /^keyboard-hook / });
    expect(await row.textContent()).toContain('host.down, capsule.*');
  });

  it('fits a 360 px wide screen without sideways scrolling', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team, { width: 360 });
    await page.getByRole('button', { name: 'New channel' }).click();
    await fillChannelForm(page, 'narrow', 'matrix', configFor('matrix', harness.fakes));
    await page.getByLabel('host.up', { exact: true }).check();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'narrow' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    await page.getByRole('row', { name: /^narrow / }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'channels-360px');
  });
});
