import { newId } from '@wrenn/events';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
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

async function createWebhookChannel(page: Page, name: string) {
  await page.getByRole('button', { name: 'New channel' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Provider').selectOption({ label: 'Webhook' });
  await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
  await page.getByLabel('capsule.created', { exact: true }).check();
  await page.getByRole('button', { name: 'Create channel' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

const deliveryRows = (page: Page) => page.getByRole('table', { name: 'Deliveries' }).getByRole('row');

describe('the delivery log', () => {
  it('shows a delivery that fails with its status code and error, then redelivers it', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    await createWebhookChannel(page, 'flaky');
    // Two attempts (WRENN_RETRY_DELAYS=200ms), both refused.
    harness.fakes.webhook.failNext({ status: 503, body: 'upstream down' }, 2);
    await harness.reportEvent(team, 'sandbox', 'create');

    const failed = deliveryRows(page).filter({ hasText: 'failed' });
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await failed.count()) === 1;
      },
      20_000,
      'a failed delivery in the log',
    );
    const text = (await failed.textContent()) ?? '';
    expect(text).toContain('capsule.created');
    expect(text).toContain('503');
    expect(text).toMatch(/failed2503/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'deliveries');

    const before = harness.fakes.webhook.delivered().length;
    await failed.getByRole('button', { name: 'Redeliver' }).click();
    const succeeded = deliveryRows(page).filter({ hasText: 'succeeded' });
    await succeeded.waitFor({ timeout: 20_000 });
    expect(harness.fakes.webhook.delivered().length).toBe(before + 1);
    expect(await deliveryRows(page).filter({ hasText: 'failed' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Redeliver' }).count()).toBe(0);
  });

  it('retries every failed delivery since a moment', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    await createWebhookChannel(page, 'outage');
    const since = new Date(Date.now() - 60_000);
    harness.fakes.webhook.failNext({ status: 500 }, 4);
    await harness.reportEvent(team, 'sandbox', 'create');
    await harness.reportEvent(team, 'sandbox', 'create');
    const failed = deliveryRows(page).filter({ hasText: 'failed' });
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await failed.count()) === 2;
      },
      20_000,
      'two failed deliveries in the log',
    );
    // datetime-local takes the local wall time, minutes precision.
    const local = new Date(since.getTime() - since.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Retry failed since').fill(local);
    await page.getByRole('button', { name: 'Retry failed' }).click();
    await page.getByText('2 deliveries queued again').waitFor();
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await deliveryRows(page).filter({ hasText: 'succeeded' }).count()) === 2;
      },
      20_000,
      'both deliveries redelivered',
    );
    expect(await failed.count()).toBe(0);
  });
});
