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

describe('a delivery’s page', () => {
  it('shows every attempt and the payload, and redelivers', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    await createWebhookChannel(page, 'inspected');
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
    await failed.getByRole('link', { name: 'capsule.created' }).click();
    await page.getByRole('heading', { name: 'Delivery of capsule.created', level: 1 }).waitFor();
    const attempts = page.getByRole('table', { name: 'Attempts' }).getByRole('row');
    const texts = await attempts.allTextContents();
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/^1.*retry503.*ms.*503/);
    expect(texts[2]).toMatch(/^2.*failed503/);
    const payload = JSON.parse((await page.locator('pre.payload').textContent()) ?? '{}');
    expect(payload).toMatchObject({ event: 'capsule.created', team_id: team, resource: { type: 'sandbox' } });
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'delivery');

    await page.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('succeeded', { exact: true }).first().waitFor({ timeout: 20_000 });
    await eventually(async () => (await attempts.count()) === 4, 20_000, 'a third attempt');
    expect(await attempts.nth(3).textContent()).toMatch(/^3.*succeeded200/);
    await page.getByRole('link', { name: '← inspected' }).click();
    await page.getByRole('heading', { name: 'inspected', level: 1 }).waitFor();
  });

  it('fits a 360 px screen and is reachable with the keyboard alone', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team, { width: 360 });
    await createWebhookChannel(page, 'narrow-log');
    await harness.reportEvent(team, 'sandbox', 'create');
    const link = page.getByRole('table', { name: 'Deliveries' }).getByRole('link', { name: 'capsule.created' });
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await link.count()) === 1;
      },
      20_000,
      'a delivery in the log',
    );
    for (let i = 0; i < 80; i += 1) {
      await page.keyboard.press('Tab');
      if (await link.evaluate((el) => el === document.activeElement)) break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Delivery of capsule.created', level: 1 }).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await seriousViolations(page)).toEqual([]);
  });
});

describe('log filters', () => {
  it('narrow the log by status, event and period, and live in the address', async () => {
    const team = newId('team').id;
    const page = await harness.openPortal(team);
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Name', { exact: true }).fill('filtered');
    await page.getByLabel('Provider').selectOption({ label: 'Webhook' });
    await page.getByLabel('Endpoint URL').fill(harness.fakes.webhook.url);
    await page.getByLabel('capsule.created', { exact: true }).check();
    await page.getByLabel('host.down', { exact: true }).check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: 'filtered', level: 1 }).waitFor();
    harness.fakes.webhook.failNext({ status: 500 }, 2);
    await harness.reportEvent(team, 'sandbox', 'create');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await deliveryRows(page).filter({ hasText: 'failed' }).count()) === 1;
      },
      20_000,
      'a failed delivery',
    );
    await harness.reportEvent(team, 'host', 'marked_down');
    await harness.reportEvent(team, 'sandbox', 'create');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return (await deliveryRows(page).filter({ hasText: 'succeeded' }).count()) === 2;
      },
      20_000,
      'two delivered',
    );
    const filters = page.getByRole('form', { name: 'Filter deliveries' });
    const events = async () =>
      (await deliveryRows(page).allTextContents()).slice(1).map((t) => t.replace(/(failed|succeeded|pending).*/, ''));

    await filters.getByLabel('Status').selectOption('failed');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(async () => (await events()).join() === 'capsule.created', 10_000, 'only the failed one');
    expect(new URL(page.url()).hash).toMatch(/\?status=failed$/);

    await filters.getByLabel('Status').selectOption('');
    await filters.getByLabel('Event').selectOption('host.*');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(async () => (await events()).join() === 'host.down', 10_000, 'only host.down');

    // A period that ends before any of them.
    await filters.getByLabel('Event').selectOption('');
    await filters.getByLabel('Until').fill('2020-01-01T00:00');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No delivery matches these filters.').waitFor();
    await page.reload();
    await page.getByText('No delivery matches these filters.').waitFor();
    expect(await page.getByLabel('Until').inputValue()).toBe('2020-01-01T00:00');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => (await events()).length === 3, 10_000, 'every delivery');
    expect(new URL(page.url()).hash).not.toContain('?');
    expect(await seriousViolations(page)).toEqual([]);
  });
});
