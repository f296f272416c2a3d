import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import type { RateLimitsOption, RateRule } from './rate-limiter';
import { admit, limitersFor, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls, writeScripted } from './scripted-responses';

/** Synapse's default `rc_message`: 0.2 messages per second per sender, bursts of 10. */
export const MATRIX_RATE_LIMITS: { perUser: RateRule } = { perUser: tokenBucket(0.2, 10) };

export interface FakeMatrixOptions {
  serverName?: string;
  /**
   * Enforce {@link MATRIX_RATE_LIMITS} on event sends (or the rules given): 429
   * `M_LIMIT_EXCEEDED` with `retry_after_ms` and `Retry-After`. Off by default.
   */
  rateLimits?: RateLimitsOption<typeof MATRIX_RATE_LIMITS>;
}

/** A room event as the client-server API returns it. */
export interface MatrixEvent {
  event_id: string;
  room_id: string;
  sender: string;
  type: string;
  content: Record<string, unknown>;
  origin_server_ts: number;
  state_key?: string;
  unsigned?: { transaction_id?: string };
}

/** A `PUT /rooms/{id}/send/m.room.message/{txnId}` the fake stored. */
export interface FakeMatrixMessage {
  roomId: string;
  sender: string;
  accessToken: string;
  txnId: string;
  eventId: string;
  content: Record<string, unknown>;
}

export interface MatrixUser {
  userId: string;
  accessToken: string;
  deviceId: string;
}

export interface RateLimitScript {
  /** Default 2000. */
  retryAfterMs?: number;
  /** Send `Retry-After` (seconds, rounded up); default true. */
  header?: boolean;
  /** Send the deprecated `retry_after_ms` body field; default true. */
  bodyField?: boolean;
}

export interface FakeMatrix extends Omit<ResponseScript, 'take'> {
  /** `http://127.0.0.1:PORT`: the homeserver base URL. */
  origin: string;
  serverName: string;
  received: ReadonlyArray<ReceivedRequest>;
  /** 429 answers sent so far, whether from the rate limits or scripted. */
  tooManyRequests(): number;
  /** When each request arrived (ms since the epoch), in order. */
  arrivals(): number[];
  /** Every stored `m.room.message`, in order (retransmissions are not stored twice). */
  messages: ReadonlyArray<FakeMatrixMessage>;
  /** Registers a user directly (no HTTP) and returns a fresh access token. */
  registerUser(localpart: string): MatrixUser;
  /** Creates a room owned by the token's user; `alias` is the local part of `#alias:server`. */
  createRoom(accessToken: string, options?: { alias?: string; public?: boolean }): string;
  /** Joins the token's user to a room (by id or alias), as `POST /join/{roomIdOrAlias}` would. */
  joinRoom(accessToken: string, roomIdOrAlias: string): void;
  /** Removes a member: their later sends get 403 `M_FORBIDDEN`. */
  kick(roomId: string, userId: string): void;
  /** Later requests with this token get 401 `M_UNKNOWN_TOKEN` (`soft_logout` as given). */
  revokeToken(accessToken: string, options?: { softLogout?: boolean }): void;
  /** The next `times` requests get 429 `M_LIMIT_EXCEEDED`. */
  rateLimitNext(script?: RateLimitScript, times?: number): void;
  /** A room's timeline, oldest first. */
  roomEvents(roomId: string): MatrixEvent[];
  /**
   * The replacements (`m.relates_to.rel_type: "m.replace"`) sent for an event, oldest first, valid or
   * not (see {@link FakeMatrix.currentContent}).
   */
  editsOf(eventId: string): MatrixEvent[];
  /**
   * An event's content as a client shows it (spec "Event replacements"): the `m.new_content` of its
   * latest valid replacement (same sender, room and type, not itself a replacement), else its own.
   */
  currentContent(eventId: string): Record<string, unknown> | undefined;
  close(): Promise<void>;
}

/** Largest whole event the spec allows. */
export const MATRIX_MAX_EVENT_BYTES = 65_536;
/** Bytes a real server adds to the client's content (auth/prev events, hashes, signatures, depth). */
const PDU_OVERHEAD_BYTES = 600;
const CLIENT = '/_matrix/client';

interface Room {
  roomId: string;
  creator: string;
  joinRule: 'public' | 'invite';
  members: Set<string>;
  invited: Set<string>;
  events: MatrixEvent[];
}

function matrixError(
  res: ServerResponse,
  status: number,
  errcode: string,
  error: string,
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { errcode, error, ...extra });
}

function opaque(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * A loopback Matrix homeserver speaking the client-server API subset the
 * service needs: versions, register (with the
 * `m.login.dummy` interactive-auth step), login, whoami, createRoom, join,
 * invite, leave, room directory, `PUT …/send/{type}/{txnId}` with transaction
 * idempotency per access token (a relation to an unknown event refused as
 * Synapse does), `GET …/messages`, event replacements (edits) resolved as
 * clients show them, and the spec's error shapes.
 * The same HTTP calls work against a real Synapse with open registration.
 */
export async function startFakeMatrix(options: FakeMatrixOptions = {}): Promise<FakeMatrix> {
  const serverName = options.serverName ?? 'wrenn.test';
  const users = new Map<string, { password: string }>();
  const tokens = new Map<string, MatrixUser>();
  const revoked = new Map<string, { softLogout: boolean }>();
  const rooms = new Map<string, Room>();
  const aliases = new Map<string, string>();
  const transactions = new Map<string, string>();
  const messages: FakeMatrixMessage[] = [];
  const script = createResponseScript();
  const limits = limitersFor(options.rateLimits, MATRIX_RATE_LIMITS);
  let lastTimestamp = 0;

  function newToken(userId: string): MatrixUser {
    const user = { userId, accessToken: `syt_${opaque(24)}`, deviceId: opaque(6).toUpperCase() };
    tokens.set(user.accessToken, user);
    return user;
  }

  function register(localpart: string, password = opaque()): MatrixUser {
    const userId = `@${localpart}:${serverName}`;
    users.set(userId, { password });
    return newToken(userId);
  }

  function addEvent(
    room: Room,
    sender: string,
    type: string,
    content: Record<string, unknown>,
    extra: Partial<MatrixEvent> = {},
  ): MatrixEvent {
    // Strictly increasing, as one server's clock orders its own events: the latest replacement is well defined.
    lastTimestamp = Math.max(Date.now(), lastTimestamp + 1);
    const event: MatrixEvent = {
      event_id: `$${opaque(32)}`,
      room_id: room.roomId,
      sender,
      type,
      content,
      origin_server_ts: lastTimestamp,
      ...extra,
    };
    room.events.push(event);
    return event;
  }

  function makeRoom(creator: string, alias: string | undefined, isPublic: boolean, invite: string[] = []): Room {
    const room: Room = {
      roomId: `!${opaque()}:${serverName}`,
      creator,
      joinRule: isPublic ? 'public' : 'invite',
      members: new Set([creator]),
      invited: new Set(invite),
      events: [],
    };
    rooms.set(room.roomId, room);
    addEvent(room, creator, 'm.room.create', { creator, room_version: '10' }, { state_key: '' });
    addEvent(room, creator, 'm.room.member', { membership: 'join' }, { state_key: creator });
    addEvent(room, creator, 'm.room.join_rules', { join_rule: room.joinRule }, { state_key: '' });
    if (alias) aliases.set(alias, room.roomId);
    return room;
  }

  function resolve(roomIdOrAlias: string): Room | undefined {
    const roomId = roomIdOrAlias.startsWith('#') ? aliases.get(roomIdOrAlias) : roomIdOrAlias;
    return roomId ? rooms.get(roomId) : undefined;
  }

  /** Joins or explains why not: `null` on success. */
  function join(userId: string, room: Room | undefined): [number, string, string] | null {
    if (!room) return [404, 'M_NOT_FOUND', 'No known servers'];
    if (!room.members.has(userId) && room.joinRule === 'invite' && !room.invited.has(userId)) {
      return [403, 'M_FORBIDDEN', 'You are not invited to this room.'];
    }
    if (!room.members.has(userId)) {
      room.members.add(userId);
      room.invited.delete(userId);
      addEvent(room, userId, 'm.room.member', { membership: 'join' }, { state_key: userId });
    }
    return null;
  }

  function parseJsonObject(req: ReceivedRequest, res: ServerResponse): Record<string, unknown> | null {
    let parsed: unknown;
    try {
      parsed = req.body === '' ? {} : JSON.parse(req.body);
    } catch {
      matrixError(res, 400, 'M_NOT_JSON', 'Content not JSON.');
      return null;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      matrixError(res, 400, 'M_BAD_JSON', 'Content must be a JSON object.');
      return null;
    }
    return parsed as Record<string, unknown>;
  }

  function authenticate(req: ReceivedRequest, res: ServerResponse): MatrixUser | null {
    const header = String(req.headers.authorization ?? '');
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const token = fromHeader ?? new URL(req.url, 'http://x').searchParams.get('access_token') ?? undefined;
    if (!token) {
      matrixError(res, 401, 'M_MISSING_TOKEN', 'Missing access token.');
      return null;
    }
    const gone = revoked.get(token);
    const user = tokens.get(token);
    if (gone || !user) {
      matrixError(res, 401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', {
        soft_logout: gone?.softLogout ?? false,
      });
      return null;
    }
    return user;
  }

  function handleRegister(req: ReceivedRequest, res: ServerResponse) {
    const body = parseJsonObject(req, res);
    if (!body) return;
    const auth = body.auth as { type?: unknown } | undefined;
    if (auth?.type !== 'm.login.dummy') {
      return sendJson(res, 401, { session: opaque(), flows: [{ stages: ['m.login.dummy'] }], params: {} });
    }
    const localpart =
      typeof body.username === 'string' ? body.username.toLowerCase() : `user${opaque(4).toLowerCase()}`;
    if (!/^[a-z0-9._=\-/]+$/.test(localpart)) {
      return matrixError(res, 400, 'M_INVALID_USERNAME', "User ID can only contain characters a-z, 0-9, or '=_-./'");
    }
    if (users.has(`@${localpart}:${serverName}`))
      return matrixError(res, 400, 'M_USER_IN_USE', 'User ID already taken.');
    const user = register(localpart, typeof body.password === 'string' ? body.password : opaque());
    if (body.inhibit_login === true) return sendJson(res, 200, { user_id: user.userId, home_server: serverName });
    sendJson(res, 200, {
      user_id: user.userId,
      access_token: user.accessToken,
      device_id: user.deviceId,
      home_server: serverName,
    });
  }

  function handleLogin(req: ReceivedRequest, res: ServerResponse) {
    if (req.method === 'GET') return sendJson(res, 200, { flows: [{ type: 'm.login.password' }] });
    const body = parseJsonObject(req, res);
    if (!body) return;
    const identifier = body.identifier as { user?: unknown } | undefined;
    const name = String(identifier?.user ?? body.user ?? '');
    const userId = name.startsWith('@') ? name : `@${name}:${serverName}`;
    const known = users.get(userId);
    if (body.type !== 'm.login.password' || !known || known.password !== body.password) {
      return matrixError(res, 403, 'M_FORBIDDEN', 'Invalid username or password');
    }
    const user = newToken(userId);
    sendJson(res, 200, {
      user_id: user.userId,
      access_token: user.accessToken,
      device_id: user.deviceId,
      home_server: serverName,
    });
  }

  function handleSend(
    req: ReceivedRequest,
    res: ServerResponse,
    user: MatrixUser,
    roomId: string,
    type: string,
    txnId: string,
  ) {
    const key = [user.accessToken, roomId, type, txnId].join('\u0000');
    const previous = transactions.get(key);
    // A retransmission of the same transaction returns the original event.
    if (previous) return sendJson(res, 200, { event_id: previous });
    const content = parseJsonObject(req, res);
    if (!content) return;
    const room = rooms.get(roomId);
    if (!room?.members.has(user.userId)) {
      return matrixError(res, 403, 'M_FORBIDDEN', `User ${user.userId} not in room ${roomId} (None)`);
    }
    // Checked after the transaction lookup: a retransmission is answered from the cache, as Synapse does.
    const admission = admit([[limits?.perUser, user.userId]]);
    if (!admission.ok) {
      res.setHeader('retry-after', String(admission.retryAfterSeconds));
      return matrixError(res, 429, 'M_LIMIT_EXCEEDED', 'Too Many Requests', {
        retry_after_ms: admission.retryAfterMs,
      });
    }
    // Synapse refuses a relation to an event it does not know in the room (400 M_UNKNOWN).
    const relatesTo = content['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
    if (typeof relatesTo?.rel_type === 'string' && !room.events.some((ev) => ev.event_id === relatesTo.event_id)) {
      return matrixError(res, 400, 'M_UNKNOWN', "Can't send relation to unknown event");
    }
    const draft = {
      room_id: roomId,
      sender: user.userId,
      type,
      content,
      origin_server_ts: Date.now(),
      event_id: `$${opaque(32)}`,
    };
    if (Buffer.byteLength(JSON.stringify(draft)) + PDU_OVERHEAD_BYTES > MATRIX_MAX_EVENT_BYTES) {
      return matrixError(res, 413, 'M_TOO_LARGE', 'event too large');
    }
    const event = addEvent(room, user.userId, type, content, { unsigned: { transaction_id: txnId } });
    transactions.set(key, event.event_id);
    if (type === 'm.room.message') {
      messages.push({
        roomId,
        sender: user.userId,
        accessToken: user.accessToken,
        txnId,
        eventId: event.event_id,
        content,
      });
    }
    sendJson(res, 200, { event_id: event.event_id });
  }

  function handleMessages(req: ReceivedRequest, res: ServerResponse, user: MatrixUser, roomId: string) {
    const room = rooms.get(roomId);
    if (!room?.members.has(user.userId)) {
      return matrixError(
        res,
        403,
        'M_FORBIDDEN',
        `User ${user.userId} not in room ${roomId}, and room previews are disabled`,
      );
    }
    const params = new URL(req.url, 'http://x').searchParams;
    const backwards = (params.get('dir') ?? 'b') === 'b';
    const limit = Math.min(Math.max(Number(params.get('limit') ?? 10) || 10, 1), 1000);
    const ordered = backwards ? [...room.events].reverse() : room.events;
    const from = Number(/^t(\d+)$/.exec(params.get('from') ?? '')?.[1] ?? 0);
    const chunk = ordered.slice(from, from + limit);
    const end = from + chunk.length;
    sendJson(res, 200, { chunk, start: `t${from}`, ...(end < ordered.length ? { end: `t${end}` } : {}) });
  }

  async function route(req: ReceivedRequest, res: ServerResponse): Promise<void> {
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith(CLIENT)) return matrixError(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const parts = path.slice(CLIENT.length).split('/').slice(1).map(decodeURIComponent);
    const [version, ...rest] = parts;
    const m = req.method;
    if (version === 'versions' && rest.length === 0 && m === 'GET') {
      return sendJson(res, 200, {
        versions: ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11'],
        unstable_features: {},
      });
    }
    if (version !== 'v3' && version !== 'r0') return matrixError(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
    const [a, b, c, d, e] = rest;
    if (a === 'register' && rest.length === 1 && m === 'POST') return handleRegister(req, res);
    if (a === 'login' && rest.length === 1 && (m === 'POST' || m === 'GET')) return handleLogin(req, res);
    if (a === 'directory' && b === 'room' && c && rest.length === 3 && m === 'GET') {
      const roomId = aliases.get(c);
      if (!roomId) return matrixError(res, 404, 'M_NOT_FOUND', `Room alias ${c} not found`);
      return sendJson(res, 200, { room_id: roomId, servers: [serverName] });
    }

    const user = authenticate(req, res);
    if (!user) return;
    if (a === 'account' && b === 'whoami' && rest.length === 2 && m === 'GET') {
      return sendJson(res, 200, { user_id: user.userId, device_id: user.deviceId });
    }
    if (a === 'directory' && b === 'room' && c && rest.length === 3 && m === 'PUT') {
      const body = parseJsonObject(req, res);
      if (!body) return;
      if (aliases.has(c)) return matrixError(res, 409, 'M_UNKNOWN', `Room alias ${c} already exists`);
      if (typeof body.room_id !== 'string' || !rooms.has(body.room_id))
        return matrixError(res, 404, 'M_NOT_FOUND', 'Room not found');
      aliases.set(c, body.room_id);
      return sendJson(res, 200, {});
    }
    if (a === 'createRoom' && rest.length === 1 && m === 'POST') {
      const body = parseJsonObject(req, res);
      if (!body) return;
      const aliasName = typeof body.room_alias_name === 'string' ? body.room_alias_name : undefined;
      const alias = aliasName ? `#${aliasName}:${serverName}` : undefined;
      if (alias && aliases.has(alias)) return matrixError(res, 400, 'M_ROOM_IN_USE', 'Room alias already taken');
      const isPublic = body.preset === 'public_chat' || (body.preset === undefined && body.visibility === 'public');
      const invite = Array.isArray(body.invite) ? body.invite.filter((x): x is string => typeof x === 'string') : [];
      const room = makeRoom(user.userId, alias, isPublic, invite);
      return sendJson(res, 200, { room_id: room.roomId });
    }
    if (a === 'join' && b && rest.length === 2 && m === 'POST') {
      const room = resolve(b);
      const refused = join(user.userId, room);
      if (refused) return matrixError(res, ...refused);
      return sendJson(res, 200, { room_id: room?.roomId });
    }
    if (a === 'rooms' && b) {
      if (c === 'join' && rest.length === 3 && m === 'POST') {
        const refused = join(user.userId, rooms.get(b));
        if (refused) return matrixError(res, ...refused);
        return sendJson(res, 200, { room_id: b });
      }
      const room = rooms.get(b);
      if ((c === 'invite' || c === 'leave') && rest.length === 3 && m === 'POST') {
        if (!room?.members.has(user.userId))
          return matrixError(res, 403, 'M_FORBIDDEN', `User ${user.userId} not in room ${b}`);
        const body = parseJsonObject(req, res);
        if (!body) return;
        if (c === 'invite') {
          if (typeof body.user_id !== 'string') return matrixError(res, 400, 'M_MISSING_PARAM', 'Missing user_id');
          room.invited.add(body.user_id);
        } else {
          room.members.delete(user.userId);
          addEvent(room, user.userId, 'm.room.member', { membership: 'leave' }, { state_key: user.userId });
        }
        return sendJson(res, 200, {});
      }
      if (c === 'send' && d && e && rest.length === 5 && m === 'PUT') return handleSend(req, res, user, b, d, e);
      if (c === 'messages' && rest.length === 3 && m === 'GET') return handleMessages(req, res, user, b);
    }
    return matrixError(res, 404, 'M_UNRECOGNIZED', 'Unrecognized request');
  }

  const server = await startFakeServer(async (req, res) => {
    const scripted = script.take();
    if (scripted === 'hang') return;
    if (scripted) return writeScripted(res, scripted);
    await route(req, res);
  });

  function findEvent(eventId: string): MatrixEvent | undefined {
    for (const room of rooms.values()) {
      const found = room.events.find((event) => event.event_id === eventId);
      if (found) return found;
    }
    return undefined;
  }

  function replacesOf(eventId: string): MatrixEvent[] {
    const original = findEvent(eventId);
    if (!original) return [];
    return (rooms.get(original.room_id)?.events ?? []).filter((event) => {
      const relation = event.content['m.relates_to'] as { rel_type?: unknown; event_id?: unknown } | undefined;
      return relation?.rel_type === 'm.replace' && relation.event_id === eventId;
    });
  }

  function isReplacement(event: MatrixEvent): boolean {
    return (event.content['m.relates_to'] as { rel_type?: unknown } | undefined)?.rel_type === 'm.replace';
  }

  function currentContent(eventId: string): Record<string, unknown> | undefined {
    const original = findEvent(eventId);
    if (!original) return undefined;
    if (isReplacement(original)) return original.content;
    const valid = replacesOf(eventId).filter(
      (edit) =>
        edit.sender === original.sender &&
        edit.type === original.type &&
        typeof edit.content['m.new_content'] === 'object' &&
        edit.content['m.new_content'] !== null,
    );
    // The spec's order: greatest origin_server_ts, then the lexicographically greatest event id.
    const latest = valid
      .sort((x, y) => x.origin_server_ts - y.origin_server_ts || (x.event_id < y.event_id ? -1 : 1))
      .at(-1);
    return latest ? (latest.content['m.new_content'] as Record<string, unknown>) : original.content;
  }

  function tokenUser(accessToken: string): MatrixUser {
    const user = tokens.get(accessToken);
    if (!user) throw new Error('unknown access token');
    return user;
  }

  return {
    origin: server.origin,
    serverName,
    received: server.received,
    tooManyRequests: server.tooManyRequests,
    arrivals: server.arrivals,
    messages,
    registerUser: (localpart) => register(localpart),
    createRoom(accessToken, opts = {}) {
      const alias = opts.alias ? `#${opts.alias}:${serverName}` : undefined;
      return makeRoom(tokenUser(accessToken).userId, alias, opts.public ?? true).roomId;
    },
    joinRoom(accessToken, roomIdOrAlias) {
      const refused = join(tokenUser(accessToken).userId, resolve(roomIdOrAlias));
      if (refused) throw new Error(refused[2]);
    },
    kick(roomId, userId) {
      const room = rooms.get(roomId);
      if (!room?.members.delete(userId)) return;
      addEvent(room, room.creator, 'm.room.member', { membership: 'leave' }, { state_key: userId });
    },
    revokeToken(accessToken, opts = {}) {
      revoked.set(accessToken, { softLogout: opts.softLogout ?? false });
    },
    rateLimitNext(limit = {}, times = 1) {
      const retryAfterMs = limit.retryAfterMs ?? 2000;
      script.failNext(
        {
          status: 429,
          body: {
            errcode: 'M_LIMIT_EXCEEDED',
            error: 'Too Many Requests',
            ...(limit.bodyField === false ? {} : { retry_after_ms: retryAfterMs }),
          },
          headers: limit.header === false ? {} : { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
        },
        times,
      );
    },
    roomEvents: (roomId) => [...(rooms.get(roomId)?.events ?? [])],
    editsOf: replacesOf,
    currentContent,
    ...scriptControls(script),
    close: server.close,
  };
}
