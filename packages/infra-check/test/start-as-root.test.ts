import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, repoRoot, waitFor } from '@wrenn/testing';
import { describe, expect, it } from 'vitest';
import { firstNotificationCommands, npmStart, shell } from './support/npm-start';

/** The tracked and new files of the working tree, copied to `to`: a fresh clone of the code under test. */
function cloneWorkingTree(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).split('\0');
  for (const file of files) {
    // Skips the empty tail of the list and files deleted but not yet committed.
    if (!file || !existsSync(join(repoRoot, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(repoRoot, file), join(to, file));
  }
}

/** Every process whose working folder or command line lies in one of `paths`. */
function processesIn(paths: string[]): string[] {
  const found: string[] = [];
  const places = paths.filter((path) => path !== '');
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (places.some((path) => cwd === path || cwd.startsWith(`${path}/`) || command.includes(path)))
        found.push(`${pid}: ${command}`);
    } catch {
      // The process ended while it was being read.
    }
  }
  return found;
}

/** The user id a process runs as. */
function processUid(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
  return Number(line?.[1]);
}

// As root, PostgreSQL runs as the Debian `postgres` user, which cannot enter a mode-700 folder:
// the ordinary case of a clone in root's home, in containers, cloud VMs and CI images. As any
// other user the server runs as that user, and there is nothing to test.
describe.runIf(process.getuid?.() === 0)('npm start as root from a private folder', () => {
  it('keeps the cluster where the postgres user reaches it, delivers, and Ctrl-C stops everything', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wrenn-private-'));
    const clone = join(home, 'wrenn');
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      WRENN_API_PORT: String(await freePort()),
      WRENN_WORKER_PORT: String(await freePort()),
      WRENN_INBOX_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    };
    const postgresUid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    let clusterDir = '';
    try {
      expect(statSync(home).mode & 0o777).toBe(0o700);
      cloneWorkingTree(clone);
      // npm start builds the portal when it is missing; a build already made here saves its time.
      const portal = join(repoRoot, 'apps/portal/dist');
      if (existsSync(join(portal, 'index.html'))) cpSync(portal, join(clone, 'apps/portal/dist'), { recursive: true });

      const start = npmStart(env, clone);
      try {
        await start.ready();
        clusterDir = /^\[wrenn\] PostgreSQL on 127\.0\.0\.1:\d+ \(data in ([^:)]+)/m.exec(start.output())?.[1] ?? '';
        expect(clusterDir).toMatch(/^\/var\/lib\/wrenn\/wrenn-[0-9a-f]{12}\/pg$/);
        const clusterHome = statSync(dirname(clusterDir));
        expect([clusterHome.uid, clusterHome.mode & 0o777]).toEqual([postgresUid, 0o700]);
        const postmaster = Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        expect(processUid(postmaster)).toBe(postgresUid);
        expect((await fetch(`http://127.0.0.1:${env.WRENN_API_PORT}/ready`)).status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${env.WRENN_WORKER_PORT}/ready`)).status).toBe(200);

        // The printed commands carry a notification through this cluster to the inbox.
        const [create, report] = firstNotificationCommands(start.output());
        expect(await shell(create as string)).toMatchObject({ id: expect.stringMatching(/^ch-/) });
        await shell(report as string);
        const line = await waitFor(() => /^\[inbox\] capsule\.created dlv-\w+ (.*)$/m.exec(start.output()), {
          timeoutMs: 15_000,
          message: `no inbox line:\n${start.output().slice(-2000)}`,
        });
        expect(line[1]).toBe('signature verified');
      } finally {
        start.ctrlC();
      }
      await start.closed;
      expect(start.output()).toMatch(/^\[wrenn\] stopped$/m);
      expect(processesIn([clone, clusterDir])).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
      if (clusterDir.startsWith('/var/lib/wrenn/')) rmSync(dirname(clusterDir), { recursive: true, force: true });
    }
  }, 120_000);
});
