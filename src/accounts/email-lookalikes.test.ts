/**
 * Addresses that look identical are one address: every look-alike spelling of an account's
 * address signs up into the same "check your email" page (and no second account), logs in
 * and asks for links as that account; what cannot be put in canonical form is refused with a
 * field error.
 */
import { sql } from 'kysely';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestApp } from '../http/testing.ts';
import { newestMailLinks } from './testing.ts';

const OWNER = 'rene@xn--caf-dma.example';

const LOOK_ALIKES: [string, string][] = [
  ['zero-width space', 'ren\u200Be@café.example'],
  ['zero-width joiner and non-joiner', 're\u200Dn\u200Ce@café.example'],
  ['word joiner and BOM', '\uFEFFrene\u2060@café.example'],
  ['soft hyphen', 're\u00ADne@café.example'],
  ['trailing dot', 'rene@café.example.'],
  ['fullwidth letters', 'ｒｅｎｅ＠ｃａｆé．ｅｘａｍｐｌｅ'],
  ['decomposed accent', 'rene@cafe\u0301.example'],
  ['IDN', 'RENE@CAFÉ.EXAMPLE'],
  ['punycode', OWNER],
];

describe('look-alike email addresses', () => {
  const t = useTestApp('pglite');
  let owner: Awaited<ReturnType<typeof t.user>>;
  beforeAll(async () => {
    await t.user({ email: 'first-admin@example.org' });
    owner = await t.user({ email: 'Rene@Café.example', name: 'René' });
  });
  beforeEach(async () => {
    await sql`DELETE FROM rate_limits`.execute(t.db);
  });

  it('stores the account address in canonical form', async () => {
    const rows = await t.db.selectFrom('userEmails').select('email').where('userId', '=', owner.id).execute();
    expect(rows.map((r) => r.email)).toEqual([OWNER]);
  });

  const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '');

  it.each(LOOK_ALIKES)('%s: signs up into the same page and no second account', async (_, spelling) => {
    const signUp = async (email: string) => {
      const b = t.browser('198.51.100.40');
      await b.get('/signup');
      return b.post('/signup', { name: 'Someone', email, password: 'a new password 77' });
    };
    const taken = await signUp(spelling);
    const free = await signUp('someone-new@example.org');
    expect(taken.statusCode).toBe(200);
    expect(free.statusCode).toBe(200);
    expect(strip(taken.body).replace(/<strong>[^<]*<\/strong>/, '')).toBe(
      strip(free.body).replace(/<strong>[^<]*<\/strong>/, ''),
    );
    const accounts = await t.db
      .selectFrom('userEmails')
      .select('userId')
      .where('email', '=', OWNER)
      .execute();
    expect(accounts).toEqual([{ userId: owner.id }]);
  });

  it.each(LOOK_ALIKES)('%s: logs in and gets a reset link as the one account', async (_, spelling) => {
    const b = t.browser('198.51.100.41');
    await b.get('/login');
    expect((await b.post('/login', { email: spelling, password: owner.password })).statusCode).toBe(303);
    await b.get('/forgot');
    expect((await b.post('/forgot', { email: spelling })).statusCode).toBe(200);
    const links = await newestMailLinks(t.db, t.config, OWNER);
    expect(links.some((l) => l.startsWith('/reset/'))).toBe(true);
  });

  it.each([
    ['a control character', 'rene\u0007@café.example', 'control or unusual characters'],
    ['an invalid punycode domain', 'rene@xn--zz.example', 'not a valid domain name'],
    ['a numeric host', 'rene@0x7f.1', 'not a valid domain name'],
    ['a space inside', 'ren e@example.org', 'control or unusual characters'],
    ['two dots in a row', 'ren..e@example.org', 'like name@example.org'],
  ])('refuses %s with a field error', async (_, email, message) => {
    const b = t.browser('198.51.100.42');
    await b.get('/signup');
    const res = await b.post('/signup', { name: 'Someone', email, password: 'a new password 77' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(message);
  });
});
