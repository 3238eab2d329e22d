import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../http/testing.ts';
import { runJobsUntilIdle } from '../jobs/worker.ts';
import { sendEmail } from '../mail/deliver.ts';
import { makeTestUser } from '../orgs/testing.ts';
import { type TestBrowser, finishSignup } from './testing.ts';

const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');

describe('account pages', () => {
  const t = useTestApp('pglite');
  const deliver = () => runJobsUntilIdle(t.ctx, { handlers: { 'email.send': sendEmail } });

  /** Opens the newest email to `to` in the dev mailbox, as an admin would, and returns its links. */
  async function mailboxLinks(admin: TestBrowser, to: string): Promise<string[]> {
    await deliver();
    const list = await admin.get('/admin/mail');
    expect(list.statusCode).toBe(200);
    const row = await t.db
      .selectFrom('emails')
      .select('id')
      .where('toAddress', '=', to)
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(list.body).toContain(`/admin/mail/${row.id}`);
    const page = await admin.get(`/admin/mail/${row.id}`);
    expect(page.statusCode).toBe(200);
    // The email is shown in a sandbox that runs none of its scripts and submits none of its forms;
    // same origin only, so the page can size the frame to the email.
    expect(page.body).toMatch(/<iframe[^>]*sandbox="allow-same-origin"/);
    expect(page.body).not.toMatch(/allow-scripts|allow-forms/);
    const section = page.body.slice(page.body.indexOf('id="h-links"'), page.body.indexOf('id="h-html"'));
    return [...section.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  }

  const path = (url: string) => url.replace(t.config.baseUrl, '');

  it('runs sign-up, confirmation, logout, login, reset and login-link flows', async () => {
    const admin = t.browser();
    await admin.get('/signup');
    const first = await admin.post('/signup', {
      name: 'Ada Admin',
      email: 'ada@example.org',
      password: 'first account pw',
    });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/account?notice=welcome');
    expect((await admin.get('/admin')).statusCode).toBe(200);

    const b = t.browser();
    await b.get('/signup?email=Bob@Example.org&next=/claim/abc');
    const kept = await b.post('/signup', {
      name: 'Bob',
      email: 'Bob@Example.org',
      password: 'tiny-pw',
      next: '/claim/abc',
    });
    expect(kept.statusCode).toBe(422);
    expect(kept.body).toContain('value="Bob@Example.org"');
    expect(kept.body).toContain('value="/claim/abc"');
    expect(kept.body).not.toContain('tiny-pw');
    const made = await b.post('/signup', {
      name: 'Bob',
      email: 'Bob@Example.org',
      password: 'bob password 1',
      next: '/claim/abc',
    });
    // Past the first account, sign-up logs nobody in: the emailed link finishes it.
    expect(made.statusCode).toBe(200);
    expect(made.body).toContain('Check your email');
    expect(b.jar.laurel_session).toBeUndefined();
    const [finish] = (await mailboxLinks(admin, 'bob@example.org')).filter((l) => l.includes('/login/link/'));
    expect(finish).toContain('next=%2Fclaim%2Fabc');
    expect((await b.get(path(finish!))).statusCode).toBe(200);
    const finished = await b.post(path(finish!).split('?')[0]!, { next: '/claim/abc' });
    expect(finished.statusCode).toBe(303);
    expect(finished.headers.location).toBe('/claim/abc');
    expect((await b.get('/account')).body).toContain('bob@example.org');
    expect((await b.get('/admin')).statusCode).toBe(403);
    expect((await b.get('/admin/mail')).statusCode).toBe(403);

    // The same address again: the very same page, and the owner is told how to get in.
    const dup = t.browser();
    await dup.get('/signup');
    const again = await dup.post('/signup', {
      name: 'Bob',
      email: 'Bob@Example.org',
      password: 'bob password 1',
      next: '/claim/abc',
    });
    expect(again.statusCode).toBe(200);
    expect(strip(again.body)).toBe(strip(made.body));
    expect(again.cookies.map((c) => c.name)).toEqual(made.cookies.map((c) => c.name));
    expect((await mailboxLinks(admin, 'bob@example.org')).some((l) => l.includes('/reset/'))).toBe(true);
    expect(await t.db.selectFrom('users').select('id').where('name', '=', 'Bob').execute()).toHaveLength(1);

    const [verify] = (await mailboxLinks(admin, 'ada@example.org')).filter((l) =>
      l.includes('/verify-email/'),
    );
    expect(verify).toBeTruthy();
    const confirmed = await admin.get(path(verify!));
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('ada@example.org is confirmed');
    expect((await admin.get(path(verify!))).statusCode).toBe(410);

    await b.get('/account');
    const out = await b.post('/logout');
    expect(out.statusCode).toBe(303);
    expect(b.jar.laurel_session).toBeUndefined();
    expect((await b.get('/account')).headers.location).toBe('/login?next=%2Faccount');

    await b.get('/login');
    const wrong = await b.post('/login', { email: 'bob@example.org', password: 'not the password' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toContain('value="bob@example.org"');
    const ok = await b.post('/login', {
      email: 'BOB@example.org',
      password: 'bob password 1',
      next: '//evil.example/x',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/');
    expect((await b.get('/account')).body).toContain('bob@example.org');

    // Reset: the answer is the same for a known and an unknown address.
    const c = t.browser();
    await c.get('/forgot');
    const known = await c.post('/forgot', { email: 'bob@example.org' });
    await c.get('/forgot');
    const unknown = await c.post('/forgot', { email: 'nobody@example.org' });
    expect(known.statusCode).toBe(200);
    expect(strip(unknown.body)).toBe(strip(known.body));
    const [reset] = (await mailboxLinks(admin, 'bob@example.org')).filter((l) => l.includes('/reset/'));
    expect((await c.get(path(reset!))).statusCode).toBe(200);
    const weak = await c.post(path(reset!), { password: 'tiny' });
    expect(weak.statusCode).toBe(422);
    const changed = await c.post(path(reset!), { password: 'bob new password' });
    expect(changed.statusCode).toBe(303);
    expect(changed.headers.location).toBe('/account?notice=password-reset');
    expect((await b.get('/account')).statusCode).toBe(303); // the old session ended
    expect((await c.get(path(reset!))).statusCode).toBe(410);

    // Login link: the GET only shows a button; the POST logs in, once. (Bob has had his three
    // emails of this window; the next window starts.)
    await sql`DELETE FROM rate_limits`.execute(t.db);
    const d = t.browser();
    await d.get('/login/link?next=/wallet');
    await d.post('/login/link', { email: 'bob@example.org', next: '/wallet' });
    const [link] = (await mailboxLinks(admin, 'bob@example.org')).filter((l) => l.includes('/login/link/'));
    expect(link).toContain('next=%2Fwallet');
    const shown = await d.get(path(link!));
    expect(shown.statusCode).toBe(200);
    expect(d.jar.laurel_session).toBeUndefined();
    const used = await d.post(path(link!).split('?')[0]!, { next: '/wallet' });
    expect(used.statusCode).toBe(303);
    expect(used.headers.location).toBe('/wallet');
    expect((await d.get('/account')).statusCode).toBe(200);
    expect((await d.get(path(link!))).statusCode).toBe(410);
  });

  it('refuses a form without its CSRF token', async () => {
    const x = t.browser();
    await x.get('/login');
    const res = await x.post(
      '/login',
      { email: 'ada@example.org', password: 'first account pw' },
      { csrf: false },
    );
    expect(res.statusCode).toBe(403);
    expect(x.jar.laurel_session).toBeUndefined();
  });

  it('throttles a source that keeps guessing, not the owner with the right password', async () => {
    await sql`DELETE FROM rate_limits`.execute(t.db);
    const guesser = t.browser('203.0.113.9');
    await guesser.get('/login');
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push(
        (await guesser.post('/login', { email: 'ada@example.org', password: `guess ${i}` })).statusCode,
      );
    expect(codes).toEqual([...Array(10).fill(422), 429]);
    const locked = await guesser.post('/login', { email: 'ada@example.org', password: 'first account pw' });
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many failed attempts');
    expect(guesser.jar.laurel_session).toBeUndefined();
    const owner = t.browser('198.51.100.20');
    await owner.get('/login');
    expect(
      (await owner.post('/login', { email: 'ada@example.org', password: 'first account pw' })).statusCode,
    ).toBe(303);
    await sql`DELETE FROM rate_limits`.execute(t.db);
  });

  it('limits reset and login-link mail per address without saying so, and per source with a 429', async () => {
    await sql`DELETE FROM rate_limits`.execute(t.db);
    const x = t.browser('203.0.113.10');
    const { email } = await makeTestUser(t.db, 'Rita Reset');
    const count = async () =>
      Number(
        (
          await t.db
            .selectFrom('emails')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('toAddress', '=', email)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const pages: string[] = [];
    for (const page of ['/forgot', '/forgot', '/login/link', '/forgot', '/login/link']) {
      await x.get(page);
      const res = await x.post(page, { email: ` ${email.toUpperCase()} ` });
      expect(res.statusCode).toBe(200);
      pages.push(strip(res.body));
    }
    // Three emails at most in a window; the fourth and fifth answers look just like the first.
    expect((await count()) - before).toBe(3);
    expect(pages[3]).toBe(pages[0]);
    expect(pages[4]).toBe(pages[2]);
    // 3 + 17 = 20 reset requests from this source: the 21st is refused.
    for (let i = 0; i < 17; i++)
      expect((await x.post('/forgot', { email: `other${i}@example.org` })).statusCode).toBe(200);
    expect((await x.post('/forgot', { email: 'one.more@example.org' })).statusCode).toBe(429);
    await sql`DELETE FROM rate_limits`.execute(t.db);
  });

  it('keeps the admin pages to platform admins', async () => {
    const anon = t.browser();
    const res = await anon.get('/admin');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?next=%2Fadmin');
    expect((await anon.get('/admin/mail')).statusCode).toBe(303);
  });

  it('escapes hostile names on every page that shows them', async () => {
    const evil = '<script>alert(1)</script>"\'&';
    const x = t.browser();
    await x.get('/signup');
    const res = await x.post('/signup', {
      name: evil,
      email: 'evil@example.org',
      password: 'evil password 1',
    });
    expect(res.statusCode).toBe(200);
    expect((await finishSignup(x, t.db, t.config, 'evil@example.org')).statusCode).toBe(303);
    for (const url of ['/account', '/']) {
      const page = await x.get(url);
      expect(page.body).not.toContain('<script>alert(1)</script>');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    }
    const admin = t.browser();
    await admin.get('/login');
    await admin.post('/login', { email: 'ada@example.org', password: 'first account pw' });
    await deliver();
    const row = await t.db
      .selectFrom('emails')
      .select('id')
      .where('toAddress', '=', 'evil@example.org')
      .executeTakeFirstOrThrow();
    const mail = await admin.get(`/admin/mail/${row.id}`);
    expect(mail.statusCode).toBe(200);
    // Inside srcdoc the email's own escaped name is escaped once more; no live tag anywhere.
    expect(mail.body).not.toContain('<script>alert(1)');
    const profile = await x.post('/account/profile', {
      name: 'Eve',
      handle: 'Bad Handle!',
      bio: evil,
      profilePublic: 'on',
    });
    expect(profile.statusCode).toBe(422);
    expect(profile.body).toContain('value="Bad Handle!"');
    expect(profile.body).not.toContain('<script>alert(1)');
  });

  it('edits the profile and manages addresses from the account page', async () => {
    const x = t.browser();
    await x.get('/login');
    await x.post('/login', { email: 'evil@example.org', password: 'evil password 1' });
    await x.get('/account');
    const saved = await x.post('/account/profile', {
      name: 'Eve Smith',
      handle: 'eve-smith',
      bio: '',
      profilePublic: 'on',
    });
    expect(saved.statusCode).toBe(303);
    const page = await x.get('/account?notice=profile');
    expect(page.body).toContain('Your profile is saved.');
    expect(page.body).toContain('href="/u/eve-smith"');
    const added = await x.post('/account/emails', { email: 'eve.work@example.org' });
    expect(added.statusCode).toBe(303);
    const dup = await x.post('/account/emails', { email: 'ada@example.org' });
    expect(dup.statusCode).toBe(422);
    expect(dup.body).toContain('belongs to another account');
    const wrongPw = await x.post('/account/password', {
      current: 'nope nope nope',
      next: 'another password 9',
    });
    expect(wrongPw.statusCode).toBe(422);
    const pw = await x.post('/account/password', { current: 'evil password 1', next: 'another password 9' });
    expect(pw.statusCode).toBe(303);
  });

  it('merges another account through the emailed link, after a confirmation page', async () => {
    const me = t.browser();
    await me.get('/signup');
    await me.post('/signup', { name: 'Main Me', email: 'main.me@example.org', password: 'main me password' });
    await finishSignup(me, t.db, t.config, 'main.me@example.org');
    const other = t.browser();
    await other.get('/signup');
    await other.post('/signup', { name: 'Old Me', email: 'old.me@example.org', password: 'old me password' });
    await finishSignup(other, t.db, t.config, 'old.me@example.org');
    await me.get('/account');
    const sent = await me.post('/account/merge', { email: 'old.me@example.org' });
    expect(sent.headers.location).toBe('/account?notice=merge-sent');
    const admin = t.browser();
    await admin.get('/login');
    await admin.post('/login', { email: 'ada@example.org', password: 'first account pw' });
    const [link] = (await mailboxLinks(admin, 'old.me@example.org')).filter((l) =>
      l.includes('/account/merge/'),
    );
    // Opened by the other account itself: not the one the link was made for.
    expect((await other.get(path(link!))).statusCode).toBe(403);
    const preview = await me.get(path(link!));
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('old.me@example.org');
    const done = await me.post(path(link!));
    expect(done.headers.location).toBe('/account?notice=merged');
    const account = await me.get('/account?notice=merged');
    expect(account.body).toContain('old.me@example.org');
    expect((await other.get('/account')).statusCode).toBe(303); // the merged account and its sessions are gone
  });
});

describe('account pages behind https', () => {
  const t = useTestApp('pglite', { config: { secureCookies: true, baseUrl: 'https://badges.example.org' } });

  it('sets the session cookie httpOnly, SameSite=Lax, and Secure', async () => {
    const user = await t.user();
    const x = t.browser();
    await x.get('/login?next=%22%3E%3Cscript%3E');
    const res = await x.post('/login', { email: user.email, password: user.password });
    const cookie = res.cookies.find((c) => c.name === 'laurel_session') as {
      httpOnly?: boolean;
      secure?: boolean;
      sameSite?: string;
    };
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
  });
});
