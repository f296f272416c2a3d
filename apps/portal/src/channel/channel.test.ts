import { newId } from '@wrenn/events';
import { SignJWT } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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

async function createWebhookChannel(page: Page, name: string, events = ['capsule.created']) {
  await page.getByRole('button', { name: 'New channel' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Provider').selectOption({ label: 'Webhook' });
  await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
  for (const event of events) await page.getByLabel(event, { exact: true }).check();
  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** A portal token signed like the service's, with a chosen lifetime window. */
function portalToken(teamId: string, iatOffsetS: number, expOffsetS: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ typ: 'portal', team_id: teamId, role: 'owner' })
    .setProtectedHeader({ alg: 'HS256', typ: 'portal' })
    .setSubject('usr-0000000000000000000000001')
    .setIssuedAt(now + iatOffsetS)
    .setExpirationTime(now + expOffsetS)
    .sign(new TextEncoder().encode(process.env.WRENN_JWT_SECRET));
}

async function newPage(): Promise<Page> {
  const context = await harness.browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return page;
}

describe('the channel screen', () => {
  it('saves a new name, events and the disabled state', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'settings-demo');
    // The generated secret is shown once, with a copy button.
    await page.getByRole('region', { name: 'Generated signing secret' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'channel');

    await page.getByRole('textbox', { name: 'Name' }).fill('Settings Renamed');
    await page.getByRole('checkbox', { name: 'host.down' }).check();
    await page.getByRole('checkbox', { name: 'capsule.created' }).uncheck();
    await page.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'settings-renamed', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    const row = page.getByRole('row', { name: /^settings-renamed / });
    const text = await row.textContent();
    expect(text).toContain('host.down');
    expect(text).not.toContain('capsule.created');
    expect(text).toContain('disabled');
  });

  it('shows an API error next to the field on save', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'taken');
    await page.getByRole('link', { name: 'Channels', exact: true }).click();
    await createWebhookChannel(page, 'other');
    await page.getByRole('textbox', { name: 'Name' }).fill('taken');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#edit-name-error').waitFor();
    expect(await page.locator('#edit-name-error').textContent()).toMatch(/already exists/);
    expect(await page.getByRole('textbox', { name: 'Name' }).getAttribute('aria-describedby')).toContain(
      'edit-name-error',
    );
  });

  it('edits the filter with its error under it, tries it on the latest events, and sets quiet hours', async () => {
    const teamId = newId('team').id;
    const page = await harness.openPortal(teamId);
    await createWebhookChannel(page, 'rules-demo', ['capsule.created', 'host.down']);
    await harness.reportEvent(teamId, 'sandbox', 'create');
    await harness.reportEvent(teamId, 'host', 'marked_down');

    const filter = page.getByRole('textbox', { name: 'Filter' });
    await filter.fill('event.event == 1');
    await page.getByRole('button', { name: 'Apply filter and quiet hours' }).click();
    await page
      .locator('#rules-filter-error')
      .getByText(/no such overload: string == int at line 1, column 1/)
      .waitFor();
    expect(await filter.getAttribute('aria-invalid')).toBe('true');

    await filter.fill('event.event == "host.down"');
    await page.getByRole('button', { name: 'Try it' }).click();
    await page.getByText('1 of the latest 2 events would be delivered.').waitFor();
    const preview = page.getByRole('list', { name: 'Filter preview' }).getByRole('listitem');
    expect(await preview.allTextContents()).toEqual([
      expect.stringMatching(/^host\.down .* — delivered$/),
      expect.stringMatching(/^capsule\.created .* — not delivered$/),
    ]);

    await page.getByRole('checkbox', { name: 'Hold deliveries during quiet hours' }).check();
    await page.getByLabel('Timezone').selectOption('America/New_York');
    await page.getByLabel('Starts at').fill('23:00');
    await page.getByLabel('Ends at').fill('06:30');
    await page.getByRole('checkbox', { name: 'Sun' }).uncheck();
    await page.getByRole('button', { name: 'Apply filter and quiet hours' }).click();
    await page.getByRole('status').getByText('Saved').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // What was saved comes back after a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'rules-demo', level: 1 }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Filter' }).inputValue()).toBe('event.event == "host.down"');
    expect(await page.getByLabel('Timezone').inputValue()).toBe('America/New_York');
    expect(await page.getByLabel('Ends at').inputValue()).toBe('06:30');
    expect(await page.getByRole('checkbox', { name: 'Sun' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Sat' }).isChecked()).toBe(true);
  });

  it('replaces the config and sends a test with the stored one', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'replace-demo');
    const before = harness.fakes.webhook.delivered().length;
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test message sent.').waitFor();
    expect(harness.fakes.webhook.delivered().length).toBe(before + 1);
    await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
    await page.getByRole('textbox', { name: 'Signing secret' }).fill('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    await page.getByRole('button', { name: 'Replace config' }).click();
    await page.getByText('Config replaced').waitFor();
    // A secret the user typed is never echoed back.
    expect(await page.getByText('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').count()).toBe(0);
  });

  it('asks for the grace period of a rotation', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'graceful');
    const grace = page.getByLabel('Grace period (hours)');
    expect(await grace.inputValue()).toBe('24');
    await grace.fill('200');
    expect(await page.getByRole('button', { name: 'Rotate secret' }).isDisabled()).toBe(true);
    await page.getByText('Enter a whole number of hours from 0 to 168 (one week).').waitFor();
    await grace.fill('48');
    const before = Date.now();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const shown = (await page.getByText(/The previous secret stops signing at/).textContent()) ?? '';
    // The page shows the local time; the browser and this test share the machine's zone.
    const at = Date.parse(shown.replace(/^.*stops signing at /, '').replace(/\.$/, ''));
    expect(at - before).toBeGreaterThan(47 * 3_600_000);
    expect(at - before).toBeLessThan(49 * 3_600_000);
    await grace.fill('0');
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('The previous secret no longer signs.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('rotates a webhook secret, shows the new one once and copies it', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'rotating');
    const generated = await page
      .getByRole('region', { name: 'Generated signing secret' })
      .locator('code')
      .textContent();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const shown = page.getByRole('region', { name: 'New signing secret' });
    await shown.waitFor();
    const secret = (await shown.locator('code').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    expect(secret).not.toBe(generated);
    await page.getByText(/The previous secret stops signing at/).waitFor();
    await shown.getByRole('button', { name: 'Copy secret' }).click();
    await shown.getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'rotate-secret');

    // Deliveries are signed with the new secret from now on.
    harness.fakes.webhook.setSecret(secret);
    const before = harness.fakes.webhook.delivered().length;
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test message sent.').waitFor();
    expect(harness.fakes.webhook.delivered().length).toBe(before + 1);
    harness.fakes.webhook.setSecret(undefined);
  });

  it('deletes a channel after a confirmation', async () => {
    const page = await harness.openPortal(newId('team').id);
    await createWebhookChannel(page, 'doomed');
    await page.getByRole('button', { name: 'Delete channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete doomed?' });
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Delete channel' }).click();
    // The confirmation's button carries the same name; the page's own is hidden meanwhile.
    expect(await page.getByRole('button', { name: 'Delete channel' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete channel' }).click();
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await page.getByText('No channel yet').waitFor();
    expect(await page.getByRole('row', { name: /^doomed / }).count()).toBe(0);
  });
});

describe('sessions', () => {
  it('shows a clear message for an expired token', async () => {
    const page = await newPage();
    const token = await portalToken(newId('team').id, -3700, -60);
    await page.goto(`${harness.base}/portal/#token=${token}`);
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
    expect(page.url()).not.toContain('token');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('says so when the session expires while the page is open', async () => {
    const page = await newPage();
    const token = await portalToken(newId('team').id, -3590, 4);
    await page.goto(`${harness.base}/portal/#token=${token}`);
    await page.getByRole('heading', { name: 'Channels' }).waitFor();
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor({ timeout: 15_000 });
  });

  it('treats a token the API refuses as an ended session', async () => {
    const page = await newPage();
    const forged = await new SignJWT({ typ: 'portal', team_id: newId('team').id, role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', typ: 'portal' })
      .setSubject('usr-0000000000000000000000001')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-service-key-at-all'));
    await page.goto(`${harness.base}/portal/#token=${forged}`);
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor();
  });

  it('explains how to open the portal without a token', async () => {
    const page = await newPage();
    await page.goto(`${harness.base}/portal/`);
    await page.getByRole('heading', { name: 'No portal session' }).waitFor();
  });
});
