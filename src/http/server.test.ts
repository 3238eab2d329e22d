import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { openPostgres } from '../db/index.ts';
import { useTestDatabase } from '../db/testing.ts';
import { freePort } from '../../test/ports.ts';
import { makeTestUser } from '../orgs/testing.ts';
import { redactTokens } from './request-log.ts';
import { buildServer } from './server.ts';
import { createAppContext } from '../features.ts';

describe('server plumbing', () => {
  const t = useTestDatabase('pglite');

  it('answers an unknown API path with a JSON problem and an unknown page with HTML', async () => {
    const app = await buildServer(createAppContext(t.db, testConfig()));
    const api = await app.inject({ url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const page = await app.inject({ url: '/nothing', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('<!doctype html>');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // JSON is never rendered as a document: it carries nosniff, and none of the document rules.
    expect(api.headers['x-content-type-options']).toBe('nosniff');
    expect(api.headers['content-security-policy']).toBeUndefined();
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers /livez without the database, and /healthz only with it', async () => {
    // A PostgreSQL server that is not there: every connection is refused.
    const away = await openPostgres(`postgres://laurel@127.0.0.1:${await freePort()}/laurel`);
    const app = await buildServer(createAppContext(away.db, testConfig()));
    try {
      const live = await app.inject({ url: '/livez' });
      expect([live.statusCode, live.json()]).toEqual([200, { ok: true }]);
      const ready = await app.inject({ url: '/healthz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toEqual({ ok: false, database: 'down' });
      expect(ready.headers['retry-after']).toBe('5');
    } finally {
      await app.close();
      await away.close();
    }
  });

  it('refuses a form post without the CSRF token that the cookie signs', async () => {
    const app = await buildServer(createAppContext(t.db, testConfig()));
    app.post('/echo', { config: { access: 'public' } }, async (request) => ({
      ok: true,
      body: request.body,
    }));
    let token = '';
    app.get('/token', { config: { access: 'public' } }, async (request) => {
      token = request.csrfToken;
      return {};
    });
    // Routes that render no form set no cookie; the first page that asks for a token sets it.
    const health = await app.inject({ url: '/healthz' });
    expect(health.cookies).toEqual([]);
    const first = await app.inject({ url: '/token' });
    const cookie = first.cookies.find((c) => c.name === 'laurel_csrf')!;
    expect(cookie.httpOnly).toBe(true);
    const issued = token;
    const without = await app.inject({
      method: 'POST',
      url: '/echo',
      cookies: { laurel_csrf: cookie.value },
      payload: { a: '1' },
      headers: { accept: 'application/json' },
    });
    expect(without.statusCode).toBe(403);
    // A visitor who sends the cookie keeps it: the same token, no new cookie.
    const again = await app.inject({ url: '/token', cookies: { laurel_csrf: cookie.value } });
    expect(again.cookies).toEqual([]);
    expect(token).toBe(issued);
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
    const app = await buildServer(createAppContext(t.db, testConfig()));
    const css = await app.inject({ url: '/assets/app.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
  });

  it('asks browsers to keep to https when the public address is https', async () => {
    const https = await buildServer(
      createAppContext(t.db, testConfig({ baseUrl: 'https://badges.example.org' })),
    );
    for (const url of ['/', '/healthz', '/nothing', '/assets/app.css']) {
      const res = await https.inject({ url });
      expect(res.headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
    }
    const http = await buildServer(createAppContext(t.db, testConfig()));
    expect((await http.inject({ url: '/' })).headers['strict-transport-security']).toBeUndefined();
  });

  it('keeps every answer to a signed-in request out of caches, unless the route chose its own policy', async () => {
    const app = await buildServer(createAppContext(t.db, testConfig()));
    const user = await makeTestUser(t.db, 'Cache Tester');
    for (const url of ['/account', '/wallet', '/', '/api/v1/me/badges', '/nothing']) {
      const res = await app.inject({ url, cookies: user.cookies });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['cache-control'], url).toMatch(/(^|\W)no-store/);
    }
    const css = await app.inject({ url: '/assets/app.css', cookies: user.cookies });
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    const anonymous = await app.inject({ url: '/' });
    expect(anonymous.headers['cache-control'] ?? '').not.toContain('no-store');
  });

  it('does not look up the session of a request to a route that answers everyone alike', async () => {
    const app = await buildServer(createAppContext(t.db, testConfig()));
    const user = await makeTestUser(t.db, 'Health Checker');
    // A signed-in answer is marked private; these were answered without knowing who asked.
    for (const url of ['/livez', '/healthz', '/favicon.ico', '/api/openapi.json']) {
      const res = await app.inject({ url, cookies: user.cookies });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'] ?? '', url).not.toContain('no-store');
    }
    expect((await app.inject({ url: '/verify', cookies: user.cookies })).headers['cache-control']).toContain(
      'no-store',
    );
  });

  it('keeps secrets in URLs out of the log', () => {
    expect(redactTokens('/reset/abc123?next=/x')).toBe('/reset/:token?next=/x');
    expect(redactTokens('/manage/o/templates/new?_csrf=s3cr3t&x=1')).toBe(
      '/manage/o/templates/new?_csrf=:token&x=1',
    );
    expect(redactTokens('/redeem?code=SPRING-2027')).toBe('/redeem?code=:token');
    expect(redactTokens('/apply/t1?invitation=abc&x=1')).toBe('/apply/t1?invitation=:token&x=1');
    expect(redactTokens('/reviewers/abc123')).toBe('/reviewers/:token');
  });
});
