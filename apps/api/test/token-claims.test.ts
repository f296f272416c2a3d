import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from './support/channel-fixtures';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

interface TokenShape {
  /** `typ` in the claims and in the header (absent when undefined). */
  typ?: string;
  headerTyp?: string;
  iat: number;
  exp: number;
}

const now = () => Math.floor(Date.now() / 1000);

function sign({ typ, headerTyp, iat, exp }: TokenShape): Promise<string> {
  return new SignJWT({ ...(typ ? { typ } : {}), team_id: newTeamId(), role: 'owner', is_admin: true })
    .setProtectedHeader({ alg: 'HS256', ...(headerTyp ? { typ: headerTyp } : {}) })
    .setSubject(newUserId())
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(api.deps.jwtSecret));
}

const status = async (token: string) => (await request(api.app).get('/v1/channels').set(bearer(token))).status;

describe('iat in the future', () => {
  it('refuses a portal token "issued" ten years from now, whose exp − iat is one hour', async () => {
    const iat = now() + 10 * 365 * 86400;
    expect(await status(await sign({ typ: 'portal', headerTyp: 'portal', iat, exp: iat + 3600 }))).toBe(401);
  });

  it('refuses any token whose iat lies more than 60 s ahead, and takes one within the skew', async () => {
    expect(await status(await sign({ iat: now() + 120, exp: now() + 3600 }))).toBe(401);
    expect(await status(await sign({ iat: now() + 30, exp: now() + 3600 }))).toBe(200);
    expect(await status(await sign({ iat: now(), exp: now() + 3600 }))).toBe(200);
  });
});

describe('typ, compared without regard to case (RFC 7515)', () => {
  it.each([
    ['the claim', { typ: 'PORTAL' }],
    ['the header', { headerTyp: 'Portal' }],
  ])('"PORTAL" in %s is a portal token: a 30-day life is refused', async (_where, typ) => {
    expect(await status(await sign({ ...typ, iat: now(), exp: now() + 30 * 86400 }))).toBe(401);
  });

  it('an upper-case portal token within the hour is accepted as a portal token', async () => {
    expect(await status(await sign({ typ: 'Portal', iat: now(), exp: now() + 3600 }))).toBe(200);
  });

  it.each([
    ['the claim', { typ: 'Host' }],
    ['the claim', { typ: 'HOST' }],
    ['the header', { headerTyp: 'Host' }],
  ])('"%s" host token in any case is refused', async (_where, typ) => {
    expect(await status(await sign({ ...typ, iat: now(), exp: now() + 3600 }))).toBe(401);
  });
});
