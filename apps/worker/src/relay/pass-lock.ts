import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@wrenn/queues';
import { defineScript, readLua } from '../redis-script';

export interface PassLockOptions {
  redis: RedisConnection;
  key: string;
  /** Lifetime without renewal: a process that dies mid-pass frees the lock after this long. */
  ttlMs: number;
}

export interface PassLock {
  /** Takes the lock if free; while held it is renewed every third of its lifetime. */
  acquire(): Promise<boolean>;
  /** False once a renewal found the lock expired or taken by someone else: stop working. */
  held(): boolean;
  /** Stops renewing and deletes the lock, only if it is still ours. */
  release(): Promise<void>;
}

// Compare-and-act in one script, so a lock that expired and was taken by another
// process is neither extended nor deleted by us.
const EXTEND = [readLua(new URL('./pass-lock-extend.lua', import.meta.url))];
const RELEASE = [readLua(new URL('./pass-lock-release.lua', import.meta.url))];

/**
 * A Redis lock held for a whole pass of periodic work (one process at a time
 * across all workers), renewed while the pass runs however long it takes.
 */
export function createPassLock(options: PassLockOptions): PassLock {
  const { redis, key, ttlMs } = options;
  const extend = defineScript(redis, 'wrennPassLockExtend', EXTEND);
  const releaseIfMine = defineScript(redis, 'wrennPassLockRelease', RELEASE);
  let token: string | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lost = false;

  const stopRenewing = () => {
    clearInterval(timer);
    timer = undefined;
  };

  return {
    async acquire() {
      const mine = randomUUID();
      const ok = await redis.set(key, mine, 'PX', ttlMs, 'NX');
      if (ok !== 'OK') return false;
      token = mine;
      lost = false;
      timer = setInterval(
        () => {
          extend([key], { token: mine, ttlMs })
            .then((extended) => {
              if (extended !== 1 && token === mine) {
                lost = true;
                stopRenewing();
              }
            })
            // Redis away: the next renewal tries again; the lock may expire meanwhile.
            .catch(() => {});
        },
        Math.max(Math.floor(ttlMs / 3), 10),
      );
      timer.unref();
      return true;
    },
    held() {
      return token !== null && !lost;
    },
    async release() {
      stopRenewing();
      const mine = token;
      token = null;
      if (mine) await releaseIfMine([key], { token: mine });
    },
  };
}
