/**
 * Nobody can lock an owner out of their account: guessers are slowed per source and per
 * account, but the right password from the owner's browser, or a freshly mailed link, still
 * gets in.
 */
import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../http/testing.ts';
import { DEVICE_COOKIE, issueDeviceCookie } from './device-cookie.ts';
import { LIMITS } from './rate-limit.ts';
import { newestMailLinks } from './testing.ts';

describe('account lockout', () => {
  const t = useTestApp('pglite');
  beforeAll(async () => {
    // The first account of a platform is special (its administrator); these are ordinary ones.
    await t.user({ email: 'platform-admin@example.org' });
  });
  beforeEach(async () => {
    await sql`DELETE FROM rate_limits`.execute(t.db);
  });

  const logIn = async (ip: string, email: string, password: string, cookies: Record<string, string> = {}) => {
    const b = t.browser(ip);
    Object.assign(b.jar, cookies);
    await b.get('/login');
    return b.post('/login', { email, password });
  };

  it('lets the owner in after ten wrong passwords from an attacker', async () => {
    const owner = await t.user({ email: 'one-attacker@example.org' });
    for (let i = 0; i < 12; i++) await logIn('203.0.113.1', owner.email, `wrong guess ${i}`);
    expect((await logIn('203.0.113.1', owner.email, owner.password)).statusCode).toBe(429);
    expect((await logIn('198.51.100.1', owner.email, owner.password)).statusCode).toBe(303);
  });

  it('lets the owner in with their device cookie while a botnet has locked the account for everyone else', async () => {
    const owner = await t.user({ email: 'botnet-target@example.org' });
    const home = t.browser('198.51.100.2');
    await home.get('/login');
    expect((await home.post('/login', { email: owner.email, password: owner.password })).statusCode).toBe(
      303,
    );
    const device = home.jar[DEVICE_COOKIE]!;
    expect(device).toBeTruthy();
    await home.post('/logout');
    await sql`DELETE FROM rate_limits`.execute(t.db);

    // Many sources, each under its own limit, together over the account's.
    const perSource = LIMITS.loginFailuresPerAccountSource.limit;
    const sources = Math.ceil(LIMITS.loginFailuresPerAccount.limit / perSource) + 1;
    for (let s = 0; s < sources; s++) {
      for (let i = 0; i < perSource; i++) {
        const res = await logIn(`203.0.113.${100 + s}`, owner.email, `botnet guess ${s}-${i}`);
        expect([422, 429]).toContain(res.statusCode);
      }
    }
    // A browser the account has never used is refused, even with the right password...
    const fresh = await logIn('192.0.2.50', owner.email, owner.password);
    expect(fresh.statusCode).toBe(429);
    expect(fresh.body).toContain('log in with a link by email');
    // ...as is one with a forged or another account's device cookie...
    const stranger = await t.user();
    for (const cookie of [
      `${owner.id}.AAAAAAAAAAAAAAAAAAAAAA.${'A'.repeat(43)}`,
      issueDeviceCookie(t.config.secret, stranger.id),
    ])
      expect(
        (await logIn('192.0.2.51', owner.email, owner.password, { [DEVICE_COOKIE]: cookie })).statusCode,
      ).toBe(429);
    // ...but the owner's own browser gets in, from wherever it is now.
    const back = await logIn('192.0.2.52', owner.email, owner.password, { [DEVICE_COOKIE]: device });
    expect(back.statusCode).toBe(303);
    // The device cookie itself earns only a few guesses before it stops exempting.
    for (let i = 0; i < LIMITS.loginFailuresPerDevice.limit; i++)
      await logIn(`192.0.2.${60 + i}`, owner.email, `stolen cookie ${i}`, { [DEVICE_COOKIE]: device });
    expect(
      (await logIn('192.0.2.99', owner.email, owner.password, { [DEVICE_COOKIE]: device })).statusCode,
    ).toBe(429);
  });

  it('throttles a source spraying passwords over many accounts, and not the owner', async () => {
    const owner = await t.user({ email: 'spray-owner@example.org' });
    const sprayer = t.browser('2001:db8:5:7::1');
    await sprayer.get('/login');
    for (let i = 0; i < LIMITS.loginFailuresPerSource.limit; i++) {
      const res = await sprayer.post('/login', { email: `victim${i}@example.org`, password: 'Summer2026!!' });
      expect(res.statusCode).toBe(422);
    }
    // The next guess from anywhere in that /64 is refused, whatever the account.
    const next = t.browser('2001:db8:5:7:ffff::2');
    await next.get('/login');
    const refused = await next.post('/login', { email: owner.email, password: 'Summer2026!!' });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many failed attempts');
    expect((await logIn('2001:db8:5:8::1', owner.email, owner.password)).statusCode).toBe(303);
  });

  it('answers the same for an address without an account, down to the lockout', async () => {
    const owner = await t.user({ email: 'exists@example.org' });
    const codes = async (email: string, ip: string) => {
      const out: number[] = [];
      for (let i = 0; i < 11; i++) out.push((await logIn(ip, email, `nope ${i}`)).statusCode);
      return out;
    };
    expect(await codes('does-not-exist@example.org', '203.0.113.20')).toEqual(
      await codes(owner.email, '203.0.113.21'),
    );
  });

  it('lets the owner reset the password while an attacker floods the reset form', async () => {
    const owner = await t.user({ email: 'flooded@example.org' });
    const mails = async () =>
      (await t.db.selectFrom('emails').select('id').where('toAddress', '=', owner.email).execute()).length;
    const before = await mails();
    const answers = new Set<number>();
    for (let s = 0; s < 5; s++) {
      const attacker = t.browser(`203.0.113.${30 + s}`);
      await attacker.get('/forgot');
      for (let i = 0; i < 10; i++)
        answers.add((await attacker.post('/forgot', { email: owner.email })).statusCode);
    }
    expect([...answers]).toEqual([200]);
    // The inbox got a handful of mails, not fifty.
    expect((await mails()) - before).toBe(LIMITS.mailPerAddress.limit);

    // Refused requests are not counted, so the flood cannot keep the budget spent.
    const counted = await sql<{ n: number }>`
      SELECT coalesce(sum(hits), 0)::int AS n FROM rate_limits WHERE key LIKE 'access-address:%'`.execute(
      t.db,
    );
    expect(counted.rows[0]!.n).toBe(LIMITS.mailPerAddress.limit);
    const me = t.browser('198.51.100.3');
    await me.get('/forgot');
    const asked = await me.post('/forgot', { email: owner.email });
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('Check your email');
    // The newest link in the inbox works.
    const link = (await newestMailLinks(t.db, t.config, owner.email)).find((l) => l.startsWith('/reset/'))!;
    expect((await me.get(link)).statusCode).toBe(200);
    const done = await me.post(link, { password: 'my fresh password 1' });
    expect(done.statusCode).toBe(303);
    expect((await me.get('/account')).statusCode).toBe(200);

    // Twenty minutes later (the counters moved back in time) a request sends a new link again.
    await sql`UPDATE rate_limits SET window_start = window_start - interval '20 minutes'`.execute(t.db);
    const beforeLater = await mails();
    await me.get('/forgot');
    await me.post('/forgot', { email: owner.email });
    expect((await mails()) - beforeLater).toBe(1);
  });
});
