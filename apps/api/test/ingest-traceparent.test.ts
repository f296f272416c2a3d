import { newId, parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/test-api';

describe('a traceparent on POST /internal/v1/audit', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const entry = () => ({
    team_id: newId('team').id,
    actor: { type: 'system' },
    resource_type: 'host',
    resource_id: newId('host').id,
    action: 'marked_down',
  });

  async function ingest(traceparent: string | undefined, headers: Record<string, string> = {}) {
    let req = request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', `Bearer ${api.deps.internalToken}`)
      .set(headers);
    if (traceparent !== undefined) req = req.set('traceparent', traceparent);
    const res = await req.send([entry(), entry(), { ...entry(), resource_type: 'team', action: 'rename' }]);
    expect(res.status).toBe(202);
    return res.body.ids as string[];
  }

  async function storedFor(logIds: string[]) {
    const uuids = logIds.map((id) => parseId('auditLog', id) as string);
    return api.deps.db.selectFrom('events').select('traceparent').where('audit_log_id', 'in', uuids).execute();
  }

  it('is kept with each event of the request (tracing off: as it came)', async () => {
    const rows = await storedFor(await ingest(VALID));
    // Two lifecycle entries became events; the rename is an audit entry only.
    expect(rows).toEqual([{ traceparent: VALID }, { traceparent: VALID }]);
  });

  it('is kept on the idempotent path too, in the same transaction', async () => {
    const rows = await storedFor(await ingest(VALID, { 'Idempotency-Key': `key-${newId('event').uuid}` }));
    expect(rows).toEqual([{ traceparent: VALID }, { traceparent: VALID }]);
  });

  it.each([
    ['absent', undefined],
    ['malformed', 'hello'],
    ['upper-case hex', VALID.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['version ff', VALID.replace(/^00/, 'ff')],
    ['version 00 with extra fields', `${VALID}-extra`],
  ])('is not kept when %s, and the request still succeeds', async (_name, value) => {
    const rows = await storedFor(await ingest(value));
    expect(rows).toEqual([{ traceparent: null }, { traceparent: null }]);
  });
});
