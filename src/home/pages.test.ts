import { describe, expect, it } from 'vitest';
import { makeUser } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';

describe('the landing page and the new account’s next steps', () => {
  const t = useTestApp('pglite');
  const get = async (url: string, userId?: string) =>
    t.app.inject({ url, cookies: (await t.session(userId)).cookies });

  it('tells visitors the ways Laurel issues, and promises no LMS', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('LMS');
    for (const way of ['designer', 'one at a time', 'CSV', 'JSON API', 'API key'])
      expect(res.body).toContain(way);
  });

  it('points a new account to what comes next, escaping what it shows', async () => {
    const user = await makeUser(t.db, { name: '<img src=x onerror=alert(1)>', verified: false });
    const res = await get('/account?notice=welcome', user.id);
    expect(res.statusCode).toBe(200);
    const panel = res.body.slice(
      res.body.indexOf('id="h-next"'),
      res.body.indexOf('</section>', res.body.indexOf('id="h-next"')),
    );
    expect(panel).toContain('Next steps');
    expect(panel).toContain('href="/orgs"');
    expect(panel).toContain('Create an organization');
    expect(panel).toContain('href="/wallet"');
    expect(panel).toContain('claim link');
    expect(panel).toContain(`Follow the link we sent to <strong>${user.email}</strong>`);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');

    // Confirmed: no reminder; an account older than two weeks: no panel at all.
    const confirmed = await makeUser(t.db);
    expect((await get('/account', confirmed.id)).body).not.toContain('Confirm your address');
    await t.db
      .updateTable('users')
      .set({ createdAt: new Date(Date.now() - 15 * 24 * 3600_000) })
      .where('id', '=', confirmed.id)
      .execute();
    expect((await get('/account', confirmed.id)).body).not.toContain('id="h-next"');
  });
});
