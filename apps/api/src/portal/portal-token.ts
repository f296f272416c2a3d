import { SignJWT } from 'jose';
import type { Role } from '../http/auth';

/** A portal session lasts one hour; the page asks the platform for a new link after that. */
export const PORTAL_TOKEN_TTL_S = 3600;

export interface PortalTokenClaims {
  teamId: string;
  userId: string;
  role: Role;
  /** The user's display name: the `name` claim, which audit entries show as their actor. */
  userName?: string | undefined;
}

/**
 * Signs a portal JWT: HS256 with the user-token key, `"typ":"portal"` in the
 * header and the claims, `sub`/`team_id`/`role` like a platform token, and a
 * one-hour lifetime. The user authenticator accepts it for that team only, as
 * it does any user token.
 */
export async function signPortalToken(
  secret: string,
  claims: PortalTokenClaims,
  now: Date = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + PORTAL_TOKEN_TTL_S;
  const name = claims.userName === undefined ? {} : { name: claims.userName };
  const token = await new SignJWT({ typ: 'portal', team_id: claims.teamId, role: claims.role, ...name })
    .setProtectedHeader({ alg: 'HS256', typ: 'portal' })
    .setSubject(claims.userId)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}
