import { newId } from '@wrenn/events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortalHarness, seriousViolations, startPortalHarness } from '../../test/support/portal-harness';

let harness: PortalHarness;

beforeAll(async () => {
  harness = await startPortalHarness();
});
afterAll(async () => {
  await harness?.close();
});

const heading = (page: Page, name: string) => page.getByRole('heading', { name, level: 1 });

/** Creates a webhook channel through the form and waits for its screen. */
async function createChannel(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New channel' }).click();
  await heading(page, 'New channel').waitFor();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Provider').selectOption({ label: 'Webhook' });
  await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
  await page.getByLabel('capsule.created', { exact: true }).check();
  await page.getByRole('button', { name: 'Create channel' }).click();
  await heading(page, name).waitFor();
}

describe('addresses', () => {
  it('gives every screen its own address; Back, Forward and a reload keep to it', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    await heading(page, 'Channels').waitFor();
    expect(new URL(page.url()).hash).toBe('#/channels');

    await createChannel(page, 'routed');
    // The one-time secret shows after creation and never again (it is in memory only).
    await page.getByRole('heading', { name: 'Generated signing secret' }).waitFor();
    const channelHash = new URL(page.url()).hash;
    expect(channelHash).toMatch(/^#\/channels\/ch-[0-9a-z]{25}$/);

    await harness.reportEvent(team, 'sandbox', 'create');
    const eventLink = page.getByRole('table', { name: 'Deliveries' }).getByRole('link', { name: 'capsule.created' });
    for (let i = 0; i < 40 && (await eventLink.count()) === 0; i += 1) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(250);
    }
    await eventLink.click();
    await heading(page, 'Delivery of capsule.created').waitFor();
    const deliveryHash = new URL(page.url()).hash;
    expect(deliveryHash).toMatch(/^#\/channels\/ch-[0-9a-z]{25}\/deliveries\/dlv-[0-9a-z]{25}$/);

    await page.getByRole('link', { name: 'Audit log' }).click();
    await heading(page, 'Audit log').waitFor();
    expect(new URL(page.url()).hash).toBe('#/audit');

    await page.goBack();
    await heading(page, 'Delivery of capsule.created').waitFor();
    await page.goBack();
    await heading(page, 'routed').waitFor();
    expect(await page.getByRole('heading', { name: 'Generated signing secret' }).count()).toBe(0);
    await page.goBack();
    await heading(page, 'New channel').waitFor();
    await page.goBack();
    await heading(page, 'Channels').waitFor();
    await page.goForward();
    await heading(page, 'New channel').waitFor();
    await page.goForward();
    await heading(page, 'routed').waitFor();

    // A reload keeps the screen and the sign-in, and not the secret.
    await page.reload();
    await heading(page, 'routed').waitFor();
    expect(new URL(page.url()).hash).toBe(channelHash);
    expect(await page.getByRole('heading', { name: 'Generated signing secret' }).count()).toBe(0);
    await page.goForward();
    await heading(page, 'Delivery of capsule.created').waitFor();
    await page.reload();
    await heading(page, 'Delivery of capsule.created').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens a copied address of each screen in a signed-in tab, and never carries the token', async () => {
    const team = newId('team').id;
    const first = await harness.openPortal(team);
    await heading(first, 'Channels').waitFor();
    await createChannel(first, 'copied');
    const channelUrl = first.url();
    const addresses: Array<[string, string]> = [
      [channelUrl.replace(/#.*$/, '#/channels'), 'Channels'],
      [channelUrl.replace(/#.*$/, '#/channels/new'), 'New channel'],
      [channelUrl, 'copied'],
      [channelUrl.replace(/#.*$/, '#/audit'), 'Audit log'],
      [`${channelUrl}?status=failed&event=capsule.*`, 'copied'],
    ];
    for (const [url] of addresses) expect(url).not.toMatch(/token|eyJ[A-Za-z0-9_-]{10}/);

    // Another tab of the same browser signs in from its own link, then follows each copied address.
    const second = await harness.openPortal(team);
    await heading(second, 'Channels').waitFor();
    for (const [url, title] of addresses) {
      await second.goto(url);
      await heading(second, title).waitFor();
      expect(await seriousViolations(second)).toEqual([]);
    }
    // The filters came with the address.
    expect(await second.getByLabel('Status', { exact: true }).inputValue()).toBe('failed');
    expect(await second.getByLabel('Event', { exact: true }).inputValue()).toBe('capsule.*');
  });

  it('says so for an address that names no screen, or another team’s channel', async () => {
    const page = await harness.openPortal(newId('team').id);
    await heading(page, 'Channels').waitFor();
    await page.goto(page.url().replace(/#.*$/, '#/nowhere'));
    await heading(page, 'Page not found').waitFor();
    await page.getByRole('link', { name: 'All channels' }).click();
    await heading(page, 'Channels').waitFor();
    await page.goto(page.url().replace(/#.*$/, `#/channels/${newId('channel').id}`));
    await page
      .getByRole('alert')
      .filter({ hasText: /not found|no such/i })
      .waitFor();
  });
});

describe('the sign-in', () => {
  it('is gone in a new browser session, whatever the address', async () => {
    const page = await harness.openPortal(newId('team').id);
    await heading(page, 'Channels').waitFor();
    const context = await harness.browser.newContext();
    const other = await context.newPage();
    await other.goto(page.url());
    await other.getByRole('heading', { name: 'No portal session' }).waitFor();
    await context.close();
  });

  it('survives a reload within the hour and shows the expiry message after it', async () => {
    const context = await harness.browser.newContext();
    await context.clock.install();
    const page = await context.newPage();
    await page.goto(await harness.portalLink(newId('team').id));
    await heading(page, 'Channels').waitFor();
    await page.clock.fastForward('10:00');
    await page.reload();
    await heading(page, 'Channels').waitFor();
    await page.clock.fastForward('51:00');
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Channels' }).count()).toBe(0);
    await context.close();
  });
});
