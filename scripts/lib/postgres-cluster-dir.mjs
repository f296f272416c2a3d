// Where `npm start` keeps PostgreSQL's cluster. As root, PostgreSQL runs as the Debian `postgres`
// user, and that user cannot traverse a private folder (root's home, anything made by `mktemp -d`,
// both mode 700): a cluster inside a clone there is out of its reach.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { postgresUser } from './services.mjs';

/** The system's state folder for services; reachable by every user, writable by root. */
const SHARED_CLUSTERS_DIR = '/var/lib/wrenn';

/** True when the user `{uid, gid}` can enter `dir`. */
function canEnter(dir, user) {
  // Asking the kernel as that user covers every rule (modes, groups, ACLs) at once.
  return spawnSync('sh', ['-c', 'cd -- "$1"', 'sh', dir], { cwd: '/', stdio: 'ignore', ...user }).status === 0;
}

/**
 * The cluster folder for the local data folder `dataDir`: `<dataDir>/pg` when the server's user
 * can enter `dataDir`, else `/var/lib/wrenn/<label>-<hash of dataDir>/pg`, its parent owned by
 * `postgres` with mode 700. The name depends only on `dataDir`, so a later run of the same clone
 * (or the same `WRENN_DATA_DIR`) finds the same cluster, and another clone gets one of its own.
 * `reason` says why the cluster is not in `dataDir` (null when it is).
 */
export function postgresClusterDir({ dataDir, label }) {
  const local = join(dataDir, 'pg');
  const user = postgresUser();
  // Not root: the server runs as this user, who made `dataDir`.
  if (user.uid === undefined || canEnter(dataDir, user)) return { dir: local, reason: null };

  // The real path: a clone reached through a symbolic link must find the same cluster.
  const hash = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 12);
  const home = join(SHARED_CLUSTERS_DIR, `${label.replace(/[^\w.-]/g, '_')}-${hash}`);
  if (!existsSync(SHARED_CLUSTERS_DIR)) {
    mkdirSync(SHARED_CLUSTERS_DIR, { recursive: true });
    // Explicitly: a umask of 077 would keep the postgres user out of every cluster below.
    chmodSync(SHARED_CLUSTERS_DIR, 0o755);
  }
  mkdirSync(home, { recursive: true });
  chownSync(home, user.uid, user.gid);
  chmodSync(home, 0o700);
  const left = existsSync(join(local, 'PG_VERSION')) ? `; the cluster in ${local} is not used` : '';
  return { dir: join(home, 'pg'), reason: `the postgres user cannot enter ${dataDir}${left}` };
}
