import type { IncomingHttpHeaders, Server } from 'node:http';
import { type AppProcess, freePort, spawnWorker, testRedisUrl, waitFor } from '@wrenn/testing';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Verdict, verifyDelivery } from '../../../docs/receiver-example';
import { bearer } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

interface Received {
  verdict: Verdict;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The documented receiver, run as the endpoint of a real channel: the API and a
 * worker process deliver to it before, during and after a rotation's grace period.
 */
describe('the receiver example through a secret rotation', () => {
  let api: TestApi;
  let worker: AppProcess;
  let receiver: Server;
  let receiverSecrets: string[] = [];
  const received: Received[] = [];
  let teamId: string;
  let token: string;

  beforeAll(async () => {
    api = await createTestApi();
    teamId = newTeamId();
    token = await api.token({ team_id: teamId });
    worker = await spawnWorker({ ...api, redisUrl: testRedisUrl() }, { WRENN_RETRY_DELAYS: '200ms,200ms' });
    receiver = await startReceiver({
      port: await freePort(),
      secrets: () => receiverSecrets,
      onDelivery: (verdict, req) => received.push({ verdict, ...req }),
    });
  }, 60_000);

  afterAll(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.exited;
    await new Promise((resolve) => receiver?.close(resolve));
    await api?.close();
  });

  /** Reports one host event the way the platform does and waits for the receiver to get it. */
  async function deliverOne(): Promise<Received> {
    const before = received.length;
    const res = await request(api.app)
      .post('/internal/v1/audit')
      .set(bearer(api.deps.internalToken))
      .send({
        team_id: teamId,
        actor: { type: 'system' },
        resource_type: 'host',
        resource_id: 'host-1',
        action: 'marked_down',
      });
    expect(res.status).toBe(202);
    await waitFor(() => received.length > before, { timeoutMs: 15_000 });
    return received[before] as Received;
  }

  const verifies = (secret: string, r: Received) => {
    try {
      new Webhook(secret).verify(r.body, r.headers as Record<string, string>);
      return true;
    } catch {
      return false;
    }
  };

  it('verifies with the old secret during the grace period, and only with the new one after it', async () => {
    const { address, port } = receiver.address() as { address: string; port: number };
    const created = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({
        name: 'receiver',
        provider: 'webhook',
        config: { url: `http://${address}:${port}/wrenn` },
        events: ['host.*'],
      });
    expect(created.status).toBe(201);
    const oldSecret = created.body.secret as string;
    receiverSecrets = [oldSecret];

    const first = await deliverOne();
    expect(first.verdict).toMatchObject({ ok: true, scheme: 'standard-webhooks', secretIndex: 0 });
    expect(first.headers['webhook-signature']?.toString().split(' ')).toHaveLength(1);

    const rotated = await request(api.app)
      .post(`/v1/channels/${created.body.id}/rotate-secret`)
      .set(bearer(token))
      .send({ grace_period_s: 6 });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.secret as string;
    const expiresAt = Date.parse(rotated.body.previous_secret_expires_at);

    // A receiver not yet told about the rotation keeps verifying.
    const during = await deliverOne();
    expect(Date.now()).toBeLessThan(expiresAt);
    expect(during.verdict).toMatchObject({ ok: true, scheme: 'standard-webhooks', secretIndex: 0 });
    expect(during.headers['webhook-signature']?.toString().split(' ')).toHaveLength(2);
    expect(verifies(oldSecret, during)).toBe(true);
    expect(verifies(newSecret, during)).toBe(true);
    // The older header is signed with the new secret only.
    expect(
      verifyDelivery([newSecret, oldSecret], { ...during.headers, 'webhook-signature': 'v1,AAAA' }, during.body),
    ).toMatchObject({ ok: true, scheme: 'x-wrenn-signature', secretIndex: 0 });
    expect(verifyDelivery([oldSecret], { ...during.headers, 'webhook-signature': 'v1,AAAA' }, during.body).ok).toBe(
      false,
    );

    // The operator deploys the new secret first, keeping the old one until the period ends.
    receiverSecrets = [newSecret, oldSecret];
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500));
    const after = await deliverOne();
    expect(after.verdict).toMatchObject({ ok: true, scheme: 'standard-webhooks', secretIndex: 0 });
    expect(after.headers['webhook-signature']?.toString().split(' ')).toHaveLength(1);
    expect(verifies(newSecret, after)).toBe(true);
    expect(verifies(oldSecret, after)).toBe(false);
    expect(verifyDelivery([oldSecret], after.headers, after.body).ok).toBe(false);

    // Every delivery succeeded: the receiver answered 204 each time.
    const deliveries = await request(api.app).get(`/v1/channels/${created.body.id}/deliveries`).set(bearer(token));
    expect(deliveries.body.items.map((d: { status: string }) => d.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
  }, 60_000);

  it('rejects a delivery signed with a secret it does not hold', () => {
    const request = received[0] as Received;
    expect(
      verifyDelivery(['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='], request.headers, request.body),
    ).toEqual({
      ok: false,
      reason: 'no signature verifies with the configured secrets',
    });
  });
});
