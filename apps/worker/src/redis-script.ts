import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@wrenn/queues';

/** A script's arguments, which its Lua reads by name (`script-args.lua`). */
export type ScriptArgs = Readonly<Record<string, string | number>>;

/** Runs a script on its keys (on a cluster, all in one hash slot) with named arguments. */
export type RedisScript = (keys: readonly string[], args?: ScriptArgs) => Promise<unknown>;

type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

/**
 * The text of a `.lua` file shipped beside the module that runs it; pass
 * `new URL('./name.lua', import.meta.url)`. The apps' build copies every
 * `.lua` file of `src/` into `dist/`, so the same URL finds it in the bundle.
 */
export function readLua(url: URL): string {
  return readFileSync(url, 'utf8');
}

const PROLOGUE = readLua(new URL('./script-args.lua', import.meta.url));

/**
 * Registers a script on a connection, one Redis or a Redis Cluster, as an
 * ioredis command (`defineCommand`): ioredis sends its text once per
 * connection, then only its SHA1, and the text again when Redis answers
 * NOSCRIPT (a restart, a failover). The script is `script-args.lua` followed by
 * `sources` in order; `name` must be unique on the connection.
 */
export function defineScript(redis: RedisConnection, name: string, sources: readonly string[]): RedisScript {
  redis.defineCommand(name, { lua: [PROLOGUE, ...sources].join('\n') });
  const command = (redis as unknown as Record<string, ScriptCommand>)[name] as ScriptCommand;
  return (keys, args = {}) => command.call(redis, keys.length, ...keys, ...Object.entries(args).flat());
}
