import type { AuditEntry } from '@wrenn/audit';
import { newId, parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogPage } from '../src/audit/audit-log-schemas';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

function entry(teamId: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    team_id: teamId,
    actor: { type: 'user', id: newUserId(), name: 'Ada' },
    resource_type: 'sandbox',
    resource_id: newId('capsule').id,
    action: 'create',
    metadata: { template: 'python-3.12' },
    ...overrides,
  };
}

/** Writes entries one second apart, oldest first, so the order is unambiguous. */
async function seed(entries: AuditEntry[]): Promise<string[]> {
  const { logIds } = await api.deps.audit.record(entries);
  const start = Date.now() - entries.length * 1000;
  for (const [i, id] of logIds.entries()) {
    await api.deps.db
      .updateTable('audit_logs')
      .set({ created_at: new Date(start + i * 1000) } as never)
      .where('id', '=', parseId('auditLog', id) as string)
      .execute();
  }
  return logIds;
}

async function page(token: string, query = '') {
  const res = await request(api.app).get(`/v1/audit-logs${query}`).set(bearer(token));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return AuditLogPage.parse(res.body);
}

describe('GET /v1/audit-logs', () => {
  it("returns the team's entries newest first in the platform's shape", async () => {
    const teamId = newTeamId();
    const userId = newUserId();
    const [sandboxLog, systemLog] = await seed([
      entry(teamId, { actor: { type: 'user', id: userId, name: 'Ada' } }),
      { team_id: teamId, actor: { type: 'system' }, resource_type: 'host', action: 'marked_down', status: 'error' },
    ]);
    await seed([entry(newTeamId())]);

    const { items, next_before } = await page(await api.token({ team_id: teamId }));
    expect(next_before).toBeNull();
    expect(items.map((i) => i.id)).toEqual([systemLog, sandboxLog]);
    expect(items[0]).toEqual({
      id: systemLog,
      actor_type: 'system',
      resource_type: 'host',
      action: 'marked_down',
      scope: 'team',
      status: 'error',
      metadata: {},
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    expect(items[1]).toMatchObject({
      actor_type: 'user',
      actor_id: userId,
      actor_name: 'Ada',
      resource_type: 'sandbox',
      resource_id: expect.stringMatching(/^cl-/),
      action: 'create',
      scope: 'team',
      status: 'success',
      metadata: { template: 'python-3.12' },
    });
  });

  it('pages with limit and next_before without gaps or repeats, also within one instant', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const spaced = await seed(Array.from({ length: 5 }, () => entry(teamId)));
    // Seven more written in one transaction share their created_at.
    const { logIds: sameInstant } = await api.deps.audit.record(Array.from({ length: 7 }, () => entry(teamId)));

    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const result: AuditLogPage = await page(token, `?limit=5${before ? `&before=${before}` : ''}`);
      expect(result.items.length).toBeLessThanOrEqual(5);
      seen.push(...result.items.map((i) => i.id));
      before = result.next_before;
      pages += 1;
    } while (before && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(new Set(seen.slice(0, 7))).toEqual(new Set(sameInstant));
    expect(seen.slice(7)).toEqual([...spaced].reverse());
  });

  it('ends with next_before null when the last page is exactly full', async () => {
    const teamId = newTeamId();
    await seed(Array.from({ length: 4 }, () => entry(teamId)));
    const token = await api.token({ team_id: teamId });
    const first = await page(token, '?limit=2');
    expect(first.next_before).toBe(first.items[1]?.id);
    const second = await page(token, `?limit=2&before=${first.next_before}`);
    expect(second.items).toHaveLength(2);
    expect(second.next_before).toBeNull();
  });

  it('defaults to 50 entries and caps limit at 100', async () => {
    const teamId = newTeamId();
    await api.deps.audit.record(Array.from({ length: 120 }, () => entry(teamId)));
    const token = await api.token({ team_id: teamId });
    expect((await page(token)).items).toHaveLength(50);
    expect((await page(token, '?limit=100')).items).toHaveLength(100);
    const over = await request(api.app).get('/v1/audit-logs?limit=101').set(bearer(token));
    expect(over.status).toBe(400);
  });

  it('filters by resource_type and action', async () => {
    const teamId = newTeamId();
    await seed([
      entry(teamId, { resource_type: 'sandbox', action: 'create' }),
      entry(teamId, { resource_type: 'sandbox', action: 'destroy' }),
      entry(teamId, { resource_type: 'snapshot', action: 'create' }),
    ]);
    const token = await api.token({ team_id: teamId });
    const sandboxes = await page(token, '?resource_type=sandbox');
    expect(sandboxes.items.map((i) => i.action)).toEqual(['destroy', 'create']);
    const creates = await page(token, '?action=create');
    expect(creates.items.map((i) => i.resource_type)).toEqual(['snapshot', 'sandbox']);
    const both = await page(token, '?resource_type=sandbox&action=create');
    expect(both.items).toHaveLength(1);
    expect((await page(token, '?resource_type=nothing')).items).toEqual([]);
  });

  it('shows admin-scope entries to owners and admins only', async () => {
    const teamId = newTeamId();
    await seed([entry(teamId), entry(teamId, { resource_type: 'member', action: 'add', scope: 'admin' })]);
    for (const role of ['owner', 'admin'] as const) {
      const { items } = await page(await api.token({ team_id: teamId, role }));
      expect(
        items.map((i) => i.scope),
        role,
      ).toEqual(['admin', 'team']);
    }
    const member = await page(await api.token({ team_id: teamId, role: 'member', is_admin: true }));
    expect(member.items.map((i) => i.scope)).toEqual(['team']);
    const filtered = await page(await api.token({ team_id: teamId, role: 'member' }), '?resource_type=member');
    expect(filtered.items).toEqual([]);
  });

  it('lists the entries channel operations write', async () => {
    const teamId = newTeamId();
    const userId = newUserId();
    const token = await api.token({ team_id: teamId, sub: userId, name: 'Lin' });
    const channel = await createChannel(api, token, { name: 'audited' });
    await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ events: ['host.up'] });
    await request(api.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(bearer(token))
      .send({ config: { url: 'https://new.example.com' } });
    await request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(token));
    const { items } = await page(token, '?resource_type=channel');
    expect(items.map((i) => i.action).sort()).toEqual(['create', 'delete', 'rotate_config', 'update']);
    for (const item of items) {
      expect(item).toMatchObject({
        actor_type: 'user',
        actor_id: userId,
        actor_name: 'Lin',
        resource_id: channel.id,
        scope: 'team',
      });
      expect(item.metadata).toMatchObject({ name: 'audited', provider: 'webhook' });
      expect(Object.keys(item.metadata).sort()).toEqual(expect.arrayContaining(['name', 'provider']));
      expect(item.metadata).not.toHaveProperty('config');
    }
  });

  it('treats a cursor from another team as the end of the log', async () => {
    const [foreign] = await seed([entry(newTeamId())]);
    const teamId = newTeamId();
    await seed([entry(teamId)]);
    const { items, next_before } = await page(await api.token({ team_id: teamId }), `?before=${foreign}`);
    expect(items).toEqual([]);
    expect(next_before).toBeNull();
  });

  it.each([
    ['?limit=0', 'query.limit'],
    ['?limit=-1', 'query.limit'],
    ['?limit=abc', 'query.limit'],
    ['?limit=1.5', 'query.limit'],
    ['?limit=1&limit=2', 'query.limit'],
    ['?before=log-nope', 'query.before'],
    [`?before=${newId('channel').id}`, 'query.before'],
    [`?before=log-${'z'.repeat(25)}`, 'query.before'],
    ['?resource_type=', 'query.resource_type'],
    [`?action=${'a'.repeat(65)}`, 'query.action'],
    ['?action=a&action=b', 'query.action'],
  ])('answers 400 for %s', async (query, where) => {
    const res = await request(api.app)
      .get(`/v1/audit-logs${query}`)
      .set(bearer(await api.token()));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(new RegExp(`^${where.replace('.', '\\.')}: `));
  });
});
