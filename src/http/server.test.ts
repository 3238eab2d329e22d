import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { buildServer } from './server.ts';

describe('server plumbing', () => {
  const t = useTestDatabase('pglite');

  it('answers an unknown API path with a JSON problem and an unknown page with HTML', async () => {
    const app = await buildServer({ db: t.db, config: testConfig() });
    const api = await app.inject({ url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const page = await app.inject({ url: '/nothing', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('<!doctype html>');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a form post without the CSRF token that the cookie signs', async () => {
    const app = await buildServer({ db: t.db, config: testConfig() });
    app.post('/echo', async (request) => ({ ok: true, body: request.body }));
    let token = '';
    app.get('/token', async (request) => {
      token = request.csrfToken;
      return {};
    });
    const first = await app.inject({ url: '/healthz' });
    const cookie = first.cookies.find((c) => c.name === 'laurel_csrf')!;
    expect(cookie.httpOnly).toBe(true);
    const without = await app.inject({
      method: 'POST',
      url: '/echo',
      cookies: { laurel_csrf: cookie.value },
      payload: { a: '1' },
      headers: { accept: 'application/json' },
    });
    expect(without.statusCode).toBe(403);
    // The token is only exposed to pages; take it from a request that renders one.
    await app.inject({ url: '/token', cookies: { laurel_csrf: cookie.value } });
    const withToken = await app.inject({
      method: 'POST',
      url: '/echo',
      cookies: { laurel_csrf: cookie.value },
      payload: `a=1&_csrf=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(withToken.statusCode).toBe(200);
    const forged = await app.inject({
      method: 'POST',
      url: '/echo',
      cookies: { laurel_csrf: 'A'.repeat(32) },
      payload: `a=1&_csrf=${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.statusCode).toBe(403);
  });

  it('serves the stylesheet', async () => {
    const app = await buildServer({ db: t.db, config: testConfig() });
    const css = await app.inject({ url: '/assets/app.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });
});
