import { providersWithStyle } from '@wrenn/providers';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

const teamToken = () => api.token({ team_id: newTeamId() });

describe('message_style on channels', () => {
  it('defaults to each, is taken at create and changed with PATCH', async () => {
    const token = await teamToken();
    expect(await createChannel(api, token, { provider: 'telegram' })).toMatchObject({ message_style: 'each' });
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody({ provider: 'telegram' }), message_style: 'resource' });
    expect(res.status).toBe(201);
    expect(res.body.message_style).toBe('resource');
    const patched = await request(api.app)
      .patch(`/v1/channels/${res.body.id}`)
      .set(bearer(token))
      .send({ message_style: 'each' });
    expect(patched.status).toBe(200);
    expect(patched.body.message_style).toBe('each');
    const got = await request(api.app).get(`/v1/channels/${res.body.id}`).set(bearer(token));
    expect(got.body.message_style).toBe('each');
  });

  it('refuses an unknown style with 400 and stores nothing', async () => {
    const token = await teamToken();
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody({ provider: 'telegram' }), message_style: 'threaded' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('message_style');
    const list = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(list.body).toEqual([]);
  });

  it('refuses resource for a provider that cannot edit, naming the providers that can', async () => {
    const token = await teamToken();
    for (const provider of ['webhook', 'teams'] as const) {
      const res = await request(api.app)
        .post('/v1/channels')
        .set(bearer(token))
        .send({ ...channelBody({ provider }), message_style: 'resource' });
      expect(res.status).toBe(400);
      for (const name of providersWithStyle('resource')) expect(JSON.stringify(res.body)).toContain(name);
    }
    const list = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(list.body).toEqual([]);
  });

  it('checks a PATCH to resource against the stored provider, changing nothing when refused', async () => {
    const token = await teamToken();
    const channel = await createChannel(api, token, { provider: 'webhook' });
    const res = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ message_style: 'resource', name: 'renamed' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('telegram');
    const got = await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(token));
    expect(got.body).toMatchObject({ name: channel.name, message_style: 'each' });
  });

  it('GET /v1/providers lists each provider’s message styles', async () => {
    const token = await teamToken();
    const res = await request(api.app).get('/v1/providers').set(bearer(token));
    expect(res.status).toBe(200);
    const styles = Object.fromEntries(
      (res.body.items as Array<{ name: string; message_styles: string[] }>).map((p) => [p.name, p.message_styles]),
    );
    expect(styles.telegram).toEqual(['each', 'resource']);
    expect(styles.webhook).toEqual(['each']);
    expect(styles.teams).toEqual(['each']);
  });
});
