import { constantTimeEqual } from '@wrenn/crypto';
import { parseId } from '@wrenn/events';
import type { Request } from 'express';
import { errors as joseErrors, jwtVerify } from 'jose';
import { AppError } from './app-error';

export type Role = 'owner' | 'admin' | 'member';

/** Who is calling, from a verified user JWT. */
export interface AuthContext {
  userId: string;
  teamId: string;
  /** The team id's UUID, for queries. */
  teamUuid: string;
  role: Role;
  email: string;
  name: string;
  isAdmin: boolean;
  /** `portal` for a portal session token, `user` for a platform token. */
  tokenType: 'user' | 'portal';
}

/** Longest lifetime a portal token may claim (its `exp` minus `iat`). */
const PORTAL_TOKEN_MAX_LIFETIME_S = 3600;

/**
 * How far in the future an `iat` may lie (clock skew between the issuer and
 * us). A token "issued" later than that was not issued by a sane issuer, and
 * would stretch the portal token's `exp − iat` limit to any length.
 */
const MAX_IAT_SKEW_S = 60;

/** `typ` is case-insensitive (RFC 7515 4.1.9): `"PORTAL"` is a portal token, `"Host"` a host token. */
function tokenType(value: unknown): string | null {
  return typeof value === 'string' ? value.toLowerCase() : null;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function bearer(req: Request): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

const unauthorized = (message: string) => new AppError('unauthorized', message);

/**
 * Verifies a platform user JWT (HS256 only). API keys, host tokens, other
 * algorithms, expired or malformed tokens are all 401.
 */
export function createUserAuthenticator(secret: string) {
  const key = new TextEncoder().encode(secret);
  return async function authenticate(req: Request): Promise<AuthContext> {
    if (req.headers['x-api-key'] !== undefined) throw unauthorized('API keys are not accepted here; use a user token');
    const token = bearer(req);
    if (!token) throw unauthorized('missing bearer token');
    if (!JWT_SHAPE.test(token)) throw unauthorized('bearer token is not a JWT');
    let payload: Record<string, unknown>;
    let headerType: unknown;
    try {
      const verified = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      payload = verified.payload;
      headerType = verified.protectedHeader.typ;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw unauthorized('token expired');
      throw unauthorized('invalid token');
    }
    const types = [tokenType(payload.typ), tokenType(headerType)];
    if (types.includes('host')) throw unauthorized('host tokens are not accepted here');
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + MAX_IAT_SKEW_S) {
      throw unauthorized('token issued in the future');
    }
    // A portal token is a user token of one team with a short life; a longer one was not issued here.
    const isPortal = types.includes('portal');
    if (isPortal) {
      const { iat, exp } = payload;
      if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > PORTAL_TOKEN_MAX_LIFETIME_S) {
        throw unauthorized('portal token lifetime exceeds one hour');
      }
    }
    const teamUuid = parseId('team', payload.team_id);
    const role = payload.role;
    if (!parseId('user', payload.sub) || !teamUuid) throw unauthorized('token lacks a user or team');
    if (role !== 'owner' && role !== 'admin' && role !== 'member') throw unauthorized('token has an unknown role');
    return {
      userId: payload.sub as string,
      teamId: payload.team_id as string,
      teamUuid,
      role,
      email: typeof payload.email === 'string' ? payload.email : '',
      name: typeof payload.name === 'string' ? payload.name : '',
      isAdmin: isPortal ? false : payload.is_admin === true,
      tokenType: isPortal ? 'portal' : 'user',
    };
  };
}

/** Checks `Authorization: Bearer $WRENN_INTERNAL_TOKEN` in constant time. */
export function createInternalAuthenticator(internalToken: string) {
  return function authenticate(req: Request): void {
    const token = bearer(req);
    if (!token || !constantTimeEqual(token, internalToken)) throw unauthorized('invalid internal token');
  };
}
