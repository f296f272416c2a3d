import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

describe('/docs', () => {
  it.each(['/docs', '/docs/', '/docs/init.js', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css'])(
    '%s carries the portal’s page headers: a CSP of its own origin, framed only by itself',
    async (path) => {
      const res = await request(api.app).get(path).redirects(1);
      expect(res.status).toBe(200);
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    },
  );

  it('serves only our page: none of swagger-ui-dist’s stock pages and scripts', async () => {
    for (const file of [
      'index.html',
      'swagger-initializer.js',
      'oauth2-redirect.html',
      'oauth2-redirect.js',
      'index.css',
      'swagger-ui-es-bundle.js',
      'package.json',
      '',
    ]) {
      const res = await request(api.app).get(`/docs/assets/${file}`);
      expect(res.status, file).toBe(404);
      expect(res.text).not.toContain('petstore');
    }
  });

  it('renders /openapi.json, not the petstore', async () => {
    const init = await request(api.app).get('/docs/init.js');
    expect(init.text).toContain("url: '/openapi.json'");
    expect(init.text).not.toContain('petstore');
  });
});
