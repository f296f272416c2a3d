import { newId } from '@wrenn/events';
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

describe('the audit log screen', () => {
  it("lists the team's entries, newest first, its own team only", async () => {
    const team = newId('team').id;
    await harness.reportEvent(newId('team').id, 'sandbox', 'destroy');
    const page = await harness.openPortal(team);
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Name', { exact: true }).fill('audited');
    await page.getByLabel('Provider').selectOption({ label: 'Webhook' });
    await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
    await page.getByLabel('host.up', { exact: true }).check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'audited', level: 1 }).waitFor();
    await harness.reportEvent(team, 'sandbox', 'pause');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const rows = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
    await rows.filter({ hasText: 'sandbox pause' }).waitFor();
    const texts = await rows.allTextContents();
    // The header, then the newest entry first.
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain('sandbox pause');
    expect(texts[2]).toContain('channel create');
    expect(texts[2]).toContain('audited');
    expect(texts.join('\n')).not.toContain('sandbox destroy');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'audit-log');
  });

  it('follows the system colour scheme', async () => {
    const context = await harness.browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(await harness.portalLink(newId('team').id));
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(21, 24, 28)');
    expect(await seriousViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
    await context.close();
  });
});
