import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { npmStart } from './support/npm-start';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wrenn-broken-'));
  // Within reach of the postgres user (as root), so the cluster stays in this folder.
  chmodSync(dataDir, 0o755);
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

/** `npm start` on `dataDir` with its own local servers, until it stops; its output. */
async function failedStart(): Promise<string> {
  const start = npmStart({ PATH: process.env.PATH, HOME: process.env.HOME, WRENN_DATA_DIR: dataDir });
  await start.closed;
  return start.output();
}

describe('npm start when a local server fails', () => {
  it('shows initdb’s own error and what to do', async () => {
    mkdirSync(join(dataDir, 'pg'));
    writeFileSync(join(dataDir, 'pg', 'stray-file'), '');
    const output = await failedStart();
    expect(output).toContain(`initdb could not create PostgreSQL's cluster in ${join(dataDir, 'pg')}:`);
    expect(output).toMatch(/^ {2}initdb: error: directory ".*" exists but is not empty$/m);
    expect(output).toMatch(/^Fix what initdb says above/m);
    expect(output).toMatch(/^\[wrenn\] stopped after an error$/m);
  }, 60_000);

  it('shows PostgreSQL’s own error line for a broken data folder', async () => {
    // A cluster of another PostgreSQL version, as an OS upgrade can leave behind.
    mkdirSync(join(dataDir, 'pg'), { mode: 0o700 });
    writeFileSync(join(dataDir, 'pg', 'postgresql.conf'), '');
    writeFileSync(join(dataDir, 'pg', 'PG_VERSION'), '99\n');
    const output = await failedStart();
    expect(output).toMatch(/^ {2}.*FATAL: {2}database files are incompatible with server$/m);
    expect(output).toContain(`Fix what PostgreSQL says above; its data is in ${join(dataDir, 'pg')}`);
    expect(output).toMatch(/^\[wrenn\] stopped after an error$/m);
  }, 60_000);

  it('shows Redis’s own error line for a broken append-only file', async () => {
    mkdirSync(join(dataDir, 'redis', 'appendonlydir'), { recursive: true });
    writeFileSync(join(dataDir, 'redis', 'appendonlydir', 'appendonly.aof.manifest'), 'not a manifest\n');
    const output = await failedStart();
    expect(output).toMatch(/^ {2}.*Invalid AOF manifest file format$/m);
    expect(output).toContain(`Fix what Redis says above; its data is in ${join(dataDir, 'redis')}`);
    expect(output).toMatch(/^\[wrenn\] stopped after an error$/m);
  }, 60_000);
});
