// One-shot key rotation command of the API image: `node dist/rotate-encryption-key.js`.
// Run it while both keys are deployed (new as WRENN_ENCRYPTION_KEY, old as
// WRENN_ENCRYPTION_KEY_PREVIOUS); see docs/operations.md.
import { createDb } from '@wrenn/db';
import { createLogger, envVars, parseEnv } from '@wrenn/runtime';
import { rotateEncryptionKey } from './maintenance/rotate-encryption-key';

const env = parseEnv(
  envVars.pick({
    DATABASE_URL: true,
    WRENN_ENCRYPTION_KEY: true,
    WRENN_ENCRYPTION_KEY_PREVIOUS: true,
    LOG_LEVEL: true,
  }),
);
const logger = createLogger({ name: 'wrenn-rotate-encryption-key', level: env.LOG_LEVEL });
if (!env.WRENN_ENCRYPTION_KEY_PREVIOUS) {
  // Still useful: it then checks that every stored value opens under the current key.
  logger.warn('WRENN_ENCRYPTION_KEY_PREVIOUS is not set: values sealed under an older key cannot be re-encrypted');
}

const db = createDb({ connectionString: env.DATABASE_URL, max: 2, applicationName: 'wrenn-rotate-encryption-key' });
try {
  const report = await rotateEncryptionKey({
    db,
    key: env.WRENN_ENCRYPTION_KEY,
    previousKeys: env.WRENN_ENCRYPTION_KEY_PREVIOUS ? [env.WRENN_ENCRYPTION_KEY_PREVIOUS] : [],
    logger,
  });
  // Failed channels keep values no configured key opens: the previous key must stay until they are fixed.
  process.exitCode = report.failedChannels.length > 0 ? 1 : 0;
} catch (err) {
  logger.error({ err }, 'encryption key rotation failed');
  process.exitCode = 1;
} finally {
  await db.destroy();
}
