import { randomBytes, randomUUID } from 'node:crypto';
import { createSecretBox, openConfig, sealConfig } from '@wrenn/crypto';
import { formatId } from '@wrenn/events';
import { createLogger } from '@wrenn/runtime';
import { createTestDatabase, type TestDatabase } from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateEncryptionKey } from '../src/maintenance/rotate-encryption-key';

const oldKey = randomBytes(32).toString('hex');
const newKey = randomBytes(32).toString('hex');
const oldBox = createSecretBox({ key: oldKey });
const newBox = createSecretBox({ key: newKey });

const plainConfigs: Record<string, string>[] = [
  { url: 'https://hooks.example.com/a', secret: 'whsec_rotation-secret-a' },
  { webhook_url: 'https://hooks.slack.com/services/T1/B1/slack-rotation-token' },
  { bot_token: '123456:telegram-rotation-token', chat_id: '-100123' },
  { homeserver_url: 'https://matrix.example.org', access_token: 'syt_matrix-rotation-token', room_id: '!r:x' },
  { url: 'https://hooks.example.com/e' },
];

let testDb: TestDatabase;
const ids: string[] = [];

async function insertChannel(config: Record<string, string>): Promise<string> {
  const id = randomUUID();
  await testDb.db
    .insertInto('channels')
    .values({
      id,
      team_id: randomUUID(),
      name: `rotation-${ids.length}`,
      provider: 'webhook',
      config: JSON.stringify(config),
      event_types: ['capsule.created'],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-02T00:00:00Z',
    })
    .execute();
  ids.push(id);
  return id;
}

function capturedLogger() {
  const lines: string[] = [];
  const logger = createLogger({ name: 'rotate-test', destination: { write: (line: string) => lines.push(line) } });
  return { logger, output: () => lines.join('') };
}

async function storedChannels() {
  return testDb.db.selectFrom('channels').selectAll().where('id', 'in', ids).orderBy('name').execute();
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  for (const config of plainConfigs) await insertChannel(sealConfig(oldBox, config));
  // Half-rotated already (an earlier, interrupted run): one value under each key.
  await insertChannel({
    url: newBox.encrypt('https://hooks.example.com/mixed'),
    secret: oldBox.encrypt('whsec_mixed-rotation-secret'),
  });
});

afterAll(async () => {
  await testDb?.drop();
});

describe('rotateEncryptionKey', () => {
  it('re-seals every stored value under the new key, touching nothing else', async () => {
    const before = await storedChannels();
    const { logger, output } = capturedLogger();

    const report = await rotateEncryptionKey({
      db: testDb.db,
      key: newKey,
      previousKeys: [oldKey],
      batchSize: 2,
      logger,
    });

    expect(report).toEqual({
      channels: 6,
      rotatedChannels: 6,
      rotatedValues: 10,
      currentValues: 1,
      failedChannels: [],
    });
    const after = await storedChannels();
    const expected = [
      ...plainConfigs,
      { url: 'https://hooks.example.com/mixed', secret: 'whsec_mixed-rotation-secret' },
    ];
    after.forEach((row, i) => {
      expect(openConfig(newBox, row.config)).toEqual(expected[i]);
      const { config: _after, ...restAfter } = row;
      const { config: _before, ...restBefore } = before[i] as typeof row;
      expect(restAfter).toEqual(restBefore);
    });
    // Nothing opens under the old key alone any more.
    for (const row of after) {
      for (const sealed of Object.values(row.config)) expect(() => oldBox.decrypt(sealed)).toThrow();
    }

    const text = output();
    expect(text).toContain('"rotatedValues":10');
    for (const config of expected) for (const value of Object.values(config)) expect(text).not.toContain(value);
    for (const row of before) for (const sealed of Object.values(row.config)) expect(text).not.toContain(sealed);
    expect(text).not.toContain(oldKey);
    expect(text).not.toContain(newKey);
  });

  it('changes nothing on a second run', async () => {
    const before = await storedChannels();

    const report = await rotateEncryptionKey({ db: testDb.db, key: newKey, previousKeys: [oldKey] });

    expect(report).toMatchObject({ channels: 6, rotatedChannels: 0, rotatedValues: 0, currentValues: 11 });
    expect(await storedChannels()).toEqual(before);
  });

  it('reports a channel no key opens and leaves it as it is', async () => {
    const strayBox = createSecretBox({ key: randomBytes(32).toString('hex') });
    const strayId = await insertChannel({ url: strayBox.encrypt('https://hooks.example.com/stray') });
    const rotatableId = await insertChannel(sealConfig(oldBox, { url: 'https://hooks.example.com/late' }));
    const strayBefore = await testDb.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', strayId)
      .executeTakeFirstOrThrow();

    const report = await rotateEncryptionKey({ db: testDb.db, key: newKey, previousKeys: [oldKey] });

    expect(report.failedChannels).toEqual([formatId('channel', strayId)]);
    expect(report).toMatchObject({ channels: 8, rotatedChannels: 1, rotatedValues: 1 });
    const stray = await testDb.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', strayId)
      .executeTakeFirstOrThrow();
    expect(stray).toEqual(strayBefore);
    const rotatable = await testDb.db
      .selectFrom('channels')
      .select('config')
      .where('id', '=', rotatableId)
      .executeTakeFirstOrThrow();
    expect(openConfig(newBox, rotatable.config)).toEqual({ url: 'https://hooks.example.com/late' });
  });
});
