import { v7 as uuidv7 } from 'uuid';

/**
 * Prefixed ids as the Wrenn platform writes them: a prefix and the UUID's
 * 128 bits in base 36, left-padded to 25 characters.
 */
export const ID_PREFIXES = {
  channel: 'ch-',
  team: 'team-',
  user: 'usr-',
  apiKey: 'key-',
  capsule: 'cl-',
  host: 'host-',
  auditLog: 'log-',
  event: 'evt-',
  delivery: 'dlv-',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

declare const idKind: unique symbol;
declare const uuidBrand: unique symbol;

/**
 * A prefixed id of kind `K` (`ch-…` for `'channel'`). Only `formatId`,
 * `newId` and `isId` make one, so a plain string, a UUID or an id of another
 * kind is refused where it is asked for.
 */
export type PrefixedId<K extends IdKind> = string & { readonly [idKind]: K };

/**
 * A UUID as the database stores it (`xxxxxxxx-xxxx-…`). `parseId` and `newId`
 * make one; the delivery path's queries read their id columns as one.
 */
export type Uuid = string & { readonly [uuidBrand]: true };

export type ChannelId = PrefixedId<'channel'>;
export type DeliveryId = PrefixedId<'delivery'>;

const BODY = /^[0-9a-z]{25}$/;
const MAX = (1n << 128n) - 1n;
const CHUNK = 36n ** 5n;

/**
 * A string that is not a prefixed id: where a UUID is read from something
 * untyped (a raw row, a test literal), it is accepted as one, but a `ch-…`
 * is not.
 */
type UuidText = string & { readonly [idKind]?: never };

/** Formats a UUID (`xxxxxxxx-xxxx-…`) as a prefixed id of the given kind. */
export function formatId<K extends IdKind>(kind: K, uuid: Uuid | UuidText): PrefixedId<K> {
  const n = BigInt(`0x${uuid.replaceAll('-', '')}`);
  return (ID_PREFIXES[kind] + n.toString(36).padStart(25, '0')) as PrefixedId<K>;
}

/** Parses a prefixed id back to its UUID; `null` when it is not a well-formed id of that kind. */
export function parseId(kind: IdKind, id: unknown): Uuid | null {
  if (typeof id !== 'string') return null;
  const prefix = ID_PREFIXES[kind];
  if (!id.startsWith(prefix)) return null;
  const body = id.slice(prefix.length);
  if (!BODY.test(body)) return null;
  // Five digits at a time: 36^5 fits a double exactly, and each BigInt step is the costly part.
  let n = 0n;
  for (let i = 0; i < body.length; i += 5) n = n * CHUNK + BigInt(Number.parseInt(body.slice(i, i + 5), 36));
  if (n > MAX) return null;
  const hex = n.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` as Uuid;
}

/**
 * A new id of the given kind, with its UUID: a UUIDv7 (RFC 9562), Unix
 * milliseconds first, then a counter the library keeps monotonic, so ids
 * made in the same instant (one ingest batch) still sort in creation order.
 */
export function newId<K extends IdKind>(kind: K): { id: PrefixedId<K>; uuid: Uuid } {
  const uuid = uuidv7() as Uuid;
  return { id: formatId(kind, uuid), uuid };
}

/** True when `id` is a well-formed id of the given kind. */
export function isId<K extends IdKind>(kind: K, id: unknown): id is PrefixedId<K> {
  return parseId(kind, id) !== null;
}
