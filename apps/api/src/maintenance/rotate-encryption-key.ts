import { createSecretBox, type SecretBox } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import { formatId } from '@wrenn/events';
import type { Logger } from '@wrenn/runtime';
import type { Kysely } from 'kysely';

export interface RotateEncryptionKeyOptions {
  db: Kysely<Database>;
  /** The new key (64 hex characters): every stored config value ends up sealed under it. */
  key: string;
  /** Keys values may still be sealed under: the old `WRENN_ENCRYPTION_KEY`. */
  previousKeys: readonly string[];
  /** Channels read per batch; default 200. */
  batchSize?: number;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

export interface RotationReport {
  /** Channels examined. */
  channels: number;
  /** Channels whose config was rewritten. */
  rotatedChannels: number;
  /** Values re-sealed under the new key. */
  rotatedValues: number;
  /** Values already sealed under the new key, left byte-for-byte as they were. */
  currentValues: number;
  /** Channels (`ch-…`) holding a value that opens under none of the keys; left untouched. */
  failedChannels: string[];
}

type ChannelOutcome = { kind: 'gone' } | { kind: 'done'; rotated: number; current: number } | { kind: 'failed' };

/**
 * Re-seals every stored channel config value under `key`. Each channel is
 * rewritten in its own transaction under `SELECT … FOR UPDATE`, so a concurrent
 * config update is never lost, and only the `config` column changes. Values that
 * already open under `key` are kept, so running it again changes nothing.
 * Reports counts and channel ids only, never a value.
 */
export async function rotateEncryptionKey(options: RotateEncryptionKeyOptions): Promise<RotationReport> {
  const { db, logger } = options;
  const batchSize = options.batchSize ?? 200;
  // Decides which values are already rotated: it knows only the new key.
  const newBox = createSecretBox({ key: options.key });
  const anyBox = createSecretBox({ key: options.key, previousKeys: options.previousKeys });
  const report: RotationReport = {
    channels: 0,
    rotatedChannels: 0,
    rotatedValues: 0,
    currentValues: 0,
    failedChannels: [],
  };

  let after: string | undefined;
  for (;;) {
    let query = db.selectFrom('channels').select('id').orderBy('id').limit(batchSize);
    if (after !== undefined) query = query.where('id', '>', after);
    const batch = await query.execute();
    if (batch.length === 0) break;

    for (const { id } of batch) {
      const outcome = await rotateChannel(db, id, newBox, anyBox);
      if (outcome.kind === 'gone') continue;
      report.channels += 1;
      if (outcome.kind === 'failed') {
        report.failedChannels.push(formatId('channel', id));
        continue;
      }
      report.currentValues += outcome.current;
      report.rotatedValues += outcome.rotated;
      if (outcome.rotated > 0) report.rotatedChannels += 1;
    }
    after = batch[batch.length - 1]?.id;
    logger?.info(
      { channels: report.channels, rotatedChannels: report.rotatedChannels },
      'encryption key rotation in progress',
    );
  }

  if (report.failedChannels.length > 0) {
    logger?.warn(
      { failedChannels: report.failedChannels },
      'some channel configs open under none of the configured keys and were left as they are',
    );
  }
  logger?.info(
    {
      channels: report.channels,
      rotatedChannels: report.rotatedChannels,
      rotatedValues: report.rotatedValues,
      currentValues: report.currentValues,
      failedChannels: report.failedChannels.length,
    },
    'encryption key rotation finished',
  );
  return report;
}

async function rotateChannel(
  db: Kysely<Database>,
  id: string,
  newBox: SecretBox,
  anyBox: SecretBox,
): Promise<ChannelOutcome> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('channels').select('config').where('id', '=', id).forUpdate().executeTakeFirst();
    // Deleted since the batch was read.
    if (!row) return { kind: 'gone' };
    const resealed = reseal(row.config, newBox, anyBox);
    if (resealed.kind === 'done' && resealed.rotated > 0) {
      await trx
        .updateTable('channels')
        .set({ config: JSON.stringify(resealed.config) })
        .where('id', '=', id)
        .execute();
    }
    return resealed;
  });
}

/** The config with every value sealed under the new key, or `failed` when a value opens under no key. */
function reseal(
  config: Record<string, string>,
  newBox: SecretBox,
  anyBox: SecretBox,
): { kind: 'done'; config: Record<string, string>; rotated: number; current: number } | { kind: 'failed' } {
  const next: Record<string, string> = {};
  let rotated = 0;
  let current = 0;
  for (const [field, sealed] of Object.entries(config)) {
    if (open(newBox, sealed) !== null) {
      next[field] = sealed;
      current += 1;
      continue;
    }
    const plain = open(anyBox, sealed);
    if (plain === null) return { kind: 'failed' };
    next[field] = newBox.encrypt(plain);
    rotated += 1;
  }
  return { kind: 'done', config: next, rotated, current };
}

function open(box: SecretBox, sealed: unknown): string | null {
  if (typeof sealed !== 'string') return null;
  try {
    return box.decrypt(sealed);
  } catch {
    return null;
  }
}
