import { beforeAll, describe, expect, it } from 'vitest';
import { type TestUser, csrfPair, makeMember, makeOrg } from '../orgs/testing.ts';
import { useTestApp } from './testing.ts';

/** Inputs that used to reach PostgreSQL or a response header and come back as 500s. */
describe('malformed input is the client’s 400, never a 500', () => {
  const t = useTestApp('pglite');
  const csrf = csrfPair();
  let user: TestUser;
  let slug: string;

  beforeAll(async () => {
    const org = await makeOrg(t.db, { config: t.config });
    // An admin of the org: the upload's access is decided before its body, NUL bytes after.
    user = await makeMember(t.db, org, 'admin', 'Nul Tester');
    slug = org.slug;
  });

  const json = { accept: 'application/json' };

  it('refuses a NUL byte in a form field', async () => {
    for (const [url, payload] of [
      ['/signup', `name=N&email=a%00@x.test&password=correct-horse-battery&_csrf=${csrf.token}`],
      ['/login', `email=a%00@x.test&password=whatever&_csrf=${csrf.token}`],
      ['/forgot', `email=a%00@x.test&_csrf=${csrf.token}`],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        cookies: { laurel_csrf: csrf.cookie },
        headers: { ...json, 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    const page = await t.app.inject({
      method: 'POST',
      url: '/login',
      cookies: { laurel_csrf: csrf.cookie },
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=a%00@x.test&password=x&_csrf=${csrf.token}`,
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('<!doctype html>');
  });

  it('refuses a NUL byte in a path or query, and a broken percent escape', async () => {
    for (const url of [
      '/orgs/%00',
      `/orgs/${'%00'}/badges/x`,
      '/u/a%00b',
      '/c/%00',
      `/manage/${'%00'}`,
      '/login?next=%00',
      '/verify?x=%00',
      '/orgs/%E0%A4%A',
      '/orgs/%zz',
    ]) {
      const res = await t.app.inject({ url, headers: json, cookies: user.cookies });
      expect(res.statusCode, url).toBe(400);
    }
  });

  it('refuses a NUL byte in JSON strings and keys, at any depth', async () => {
    const deep: Record<string, unknown> = { credential: { a: [{ b: 'x\u0000y' }] } };
    for (const payload of [
      { credential: 'a\u0000' },
      deep,
      { credential: { 'k\u0000': 1 } },
      { url: 'https://example.test/\u0000' },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/verify', headers: json, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me/profile',
      cookies: { ...user.cookies, laurel_csrf: csrf.cookie },
      headers: { ...json, 'x-csrf-token': csrf.token },
      payload: { name: 'Nul\u0000Name' },
    });
    expect(patch.statusCode).toBe(400);
    // A 10,000-deep body is walked without recursion: a 400 for its NUL, not a stack overflow.
    const nested = `${'{"a":'.repeat(10_000)}"end\\u0000"${'}'.repeat(10_000)}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/verify',
      headers: { ...json, 'content-type': 'application/json' },
      payload: `{"credential":${nested}}`,
    });
    expect(res.statusCode).toBe(400);
  });

  it('refuses a NUL byte in a multipart field', async () => {
    const b = 'NulBoundary';
    const res = await t.app.inject({
      method: 'POST',
      url: `/manage/${slug}/settings?_csrf=${csrf.token}`,
      cookies: { ...user.cookies, laurel_csrf: csrf.cookie },
      headers: { ...json, 'content-type': `multipart/form-data; boundary=${b}` },
      payload: `--${b}\r\nContent-Disposition: form-data; name="name"\r\n\r\nA\u0000B\r\n--${b}--\r\n`,
    });
    expect(res.statusCode).toBe(400);
  });

  it('sends a signed-in visitor on to a non-ASCII next address, percent-encoded', async () => {
    for (const path of ['/signup', '/login']) {
      const res = await t.app.inject({
        url: `${path}?next=${encodeURIComponent('/u/zoë/ā b')}`,
        cookies: user.cookies,
      });
      expect(res.statusCode, path).toBe(303);
      expect(res.headers.location).toBe('/u/zo%C3%AB/%C4%81%20b');
    }
    const lone = await t.app.inject({ url: '/login?next=%2F%ED%A0%80', cookies: user.cookies });
    expect(lone.statusCode).toBeLessThan(500);
  });
});
