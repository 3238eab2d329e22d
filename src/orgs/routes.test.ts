import { resolveDidWeb } from '@laurel/openbadges/proof';
import { beforeAll, describe, expect, it } from 'vitest';
import { LaurelError } from '../errors.ts';
import { statusOf, toProblem } from '../http/problem.ts';
import { useTestApp } from '../http/testing.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { multipart } from '../http/testing.ts';
import { LAST_OWNER } from './policy.ts';
import type { Org } from './service.ts';
import { getSigningKey } from './keys.ts';
import {
  RANK,
  type TestUser,
  WHO,
  type Who,
  csrfPair,
  makeMember,
  makeOrg,
  makeTestUser,
} from './testing.ts';

describe('organization routes', () => {
  const t = useTestApp('pglite');
  let org: Org;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
  const csrf = csrfPair();

  const as = (who: Who, extra: Record<string, string> = {}) => ({
    ...(who === 'anonymous' ? {} : users[who].cookies),
    laurel_csrf: csrf.cookie,
    ...extra,
  });
  const form = (fields: Record<string, string>) =>
    new URLSearchParams({ _csrf: csrf.token, ...fields }).toString();
  /** A settings form with a logo file, as a browser sends it. */
  const postLogo = (who: Who, name: string, logo: { filename: string; type: string; data: string }) => {
    const { payload, contentType } = multipart([
      { name: '_csrf', value: csrf.token },
      { name: 'name', value: name },
      { name: 'logo', value: logo.data, filename: logo.filename, type: logo.type },
    ]);
    return t.app.inject({
      method: 'POST',
      url: '/manage/guild/settings',
      cookies: as(who),
      payload,
      headers: { 'content-type': contentType },
    });
  };
  const post = (who: Who, url: string, fields: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      cookies: as(who),
      payload: form(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  beforeAll(async () => {
    users.owner = await makeTestUser(t.db, 'Olive Owner');
    org = await makeOrg(t.db, { slug: 'guild', name: 'The <b>Guild</b>', ownerUserId: users.owner.id });
    users.admin = await makeMember(t.db, org, 'admin');
    users.issuer = await makeMember(t.db, org, 'issuer');
    users.viewer = await makeMember(t.db, org, 'viewer');
    users.reviewer = await makeMember(t.db, org, 'reviewer');
    const other = await makeOrg(t.db, { slug: 'other-org' });
    users.outsider = await makeMember(t.db, other, 'owner');
  });

  const GETS: [string, Who][] = [
    ['/manage/guild', 'viewer'],
    ['/manage/guild/settings', 'admin'],
    ['/manage/guild/members', 'admin'],
    ['/manage/guild/keys', 'admin'],
    ['/api/v1/orgs/guild', 'viewer'],
  ];

  it.each(GETS)('GET %s needs %s', async (url, needed) => {
    for (const who of WHO) {
      const res = await t.app.inject({ url, cookies: as(who) });
      const allowed = who !== 'outsider' && who !== 'anonymous' && RANK[who] >= RANK[needed];
      const expected = allowed
        ? 200
        : who === 'anonymous'
          ? url.startsWith('/api/')
            ? 401
            : 303
          : who === 'outsider'
            ? 404
            : 403;
      expect([who, res.statusCode]).toEqual([who, expected]);
    }
  });

  it('renders hostile names escaped and the public page with Open Graph tags', async () => {
    const res = await t.app.inject({ url: '/orgs/guild' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('The &lt;b&gt;Guild&lt;/b&gt;');
    expect(res.body).not.toContain('<b>Guild</b>');
    expect(res.body).toContain('property="og:title"');
    // No logo yet: no empty image column beside the name.
    expect(res.body).not.toContain('badge-hero');
    const dash = await t.app.inject({ url: '/manage/guild', cookies: as('viewer') });
    expect(dash.body).not.toContain('<b>Guild</b>');
    expect(dash.body).toContain('noindex');
  });

  it('refuses every dashboard form post to anyone below the needed role', async () => {
    const target = users.viewer.id;
    const posts: [string, Who][] = [
      ['/manage/guild/settings', 'admin'],
      ['/manage/guild/members/invite', 'admin'],
      [`/manage/guild/members/${target}/role`, 'admin'],
      [`/manage/guild/members/${target}/remove`, 'admin'],
      ['/manage/guild/invitations/00000000-0000-4000-8000-000000000000/revoke', 'admin'],
      ['/manage/guild/keys/rotate', 'admin'],
      ['/manage/guild/delete', 'owner'],
    ];
    for (const [url, needed] of posts) {
      for (const who of WHO) {
        if (who !== 'anonymous' && who !== 'outsider' && RANK[who] >= RANK[needed]) continue;
        const res = await post(who, url, {
          name: 'Changed',
          email: 'a@b.test',
          role: 'viewer',
          confirm: 'guild',
        });
        const expected = who === 'anonymous' ? 303 : who === 'outsider' ? 404 : 403;
        expect([url, who, res.statusCode]).toEqual([url, who, expected]);
        if (who === 'anonymous') expect(res.headers.location).toMatch(/^\/login\?next=/);
      }
    }
    expect((await t.app.inject({ url: '/orgs/guild' })).statusCode).toBe(200);
  });

  it('serves did.json that resolves through resolveDidWeb, the Profile and the OB2 Issuer', async () => {
    const key = await getSigningKey(t.db, t.config, org.id);
    const fetchJson = async (url: string) => {
      const u = new URL(url);
      const res = await t.app.inject({ url: u.pathname });
      expect(res.statusCode).toBe(200);
      return res.json();
    };
    const doc = await resolveDidWeb(key.issuerId, fetchJson);
    expect(doc.assertionMethod).toContain(key.verificationMethod);
    const profile = (await t.app.inject({ url: '/orgs/guild/profile.json' })).json();
    expect(profile).toMatchObject({ id: key.issuerId, type: ['Profile'], name: 'The <b>Guild</b>' });
    const issuer = (await t.app.inject({ url: '/orgs/guild/issuer.json' })).json();
    expect(issuer).toMatchObject({
      id: 'http://localhost:3000/orgs/guild/issuer.json',
      type: 'Issuer',
      verification: { allowedOrigins: ['localhost:3000'] },
      revocationList: 'http://localhost:3000/orgs/guild/ob2/revocations.json',
    });
    expect((await t.app.inject({ url: '/orgs/nope/did.json' })).statusCode).toBe(404);
  });

  it('rotation (admin only) keeps the old key in did.json', async () => {
    const before = await getSigningKey(t.db, t.config, org.id);
    expect((await post('issuer', '/manage/guild/keys/rotate')).statusCode).toBe(403);
    expect((await post('outsider', '/manage/guild/keys/rotate')).statusCode).toBe(404);
    const res = await post('admin', '/manage/guild/keys/rotate');
    expect(res.statusCode).toBe(303);
    const after = await getSigningKey(t.db, t.config, org.id);
    expect(after.verificationMethod).not.toBe(before.verificationMethod);
    const doc = (await t.app.inject({ url: '/orgs/guild/did.json' })).json();
    expect(doc.assertionMethod).toEqual(
      expect.arrayContaining([before.verificationMethod, after.verificationMethod]),
    );
  });

  it('counts issued badges on the overview and serves an uploaded SVG logo cleaned, with a strict CSP', async () => {
    await issueTestAward(t.ctx, { org });
    const dash = await t.app.inject({ url: '/manage/guild', cookies: as('viewer') });
    // The count and its label are separate lines, never run together ("1badges issued").
    expect(dash.body).toMatch(
      /<div class="stat">1<\/div><div class="muted"><a href="\/manage\/guild\/awards">badges issued<\/a>/,
    );
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><circle cx="5" cy="5" r="4"/></svg>';
    const res = await postLogo('admin', 'The <b>Guild</b>', {
      filename: 'logo.svg',
      type: 'image/svg+xml',
      data: svg,
    });
    expect(res.statusCode).toBe(303);
    const logo = await t.app.inject({ url: '/orgs/guild/logo' });
    expect(logo.headers['content-type']).toBe('image/svg+xml');
    expect(logo.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(logo.body).toContain('<circle');
    expect(logo.body).not.toMatch(/onload|<script/);
    expect((await t.app.inject({ url: '/orgs/guild/profile.json' })).json().image).toEqual({
      id: 'http://localhost:3000/orgs/guild/logo',
      type: 'Image',
    });
  });

  it('creates an organization from the form, refusing a reserved slug with the values kept', async () => {
    const bad = await post('viewer', '/orgs', { name: 'Mine <i>', slug: 'admin' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('reserved');
    expect(bad.body).toContain('value="Mine &lt;i&gt;"');
    const ok = await post('viewer', '/orgs', { name: 'Mine', slug: 'mine-org' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/manage/mine-org');
    expect((await t.app.inject({ url: '/manage/mine-org', cookies: as('viewer') })).statusCode).toBe(200);
    expect((await post('anonymous', '/orgs', { name: 'X', slug: 'anon-org' })).statusCode).toBe(303);
    expect((await t.app.inject({ url: '/orgs/anon-org' })).statusCode).toBe(404);
  });

  it('saves settings (admin) and refuses a PNG with wrong bytes without changing anything', async () => {
    expect((await post('issuer', '/manage/guild/settings', { name: 'Hacked' })).statusCode).toBe(403);
    const ok = await post('admin', '/manage/guild/settings', {
      name: 'The <b>Guild</b>',
      website: 'https://guild.test',
      contactEmail: 'Badges@Guild.test',
      linkedinOrgId: '4242',
      reminderDays: '5, 20',
    });
    expect(ok.statusCode).toBe(303);
    const page = (await t.app.inject({ url: '/orgs/guild' })).body;
    expect(page).toContain('href="https://guild.test"');
    expect(page).toContain('<a href="mailto:badges@guild.test">badges@guild.test</a>');
    const res = await postLogo('admin', 'Changed', {
      filename: 'logo.png',
      type: 'image/png',
      data: 'not a png at all',
    });
    expect(res.statusCode).toBe(415);
    const api = (await t.app.inject({ url: '/api/v1/orgs/guild', cookies: as('viewer') })).json();
    expect(api).toMatchObject({ name: 'The <b>Guild</b>', linkedinOrgId: '4242', reminderDays: [5, 20] });
  });

  it('invites by email; the link adds the holder of the invited address, once', async () => {
    const res = await post('admin', '/manage/guild/members/invite', {
      email: 'New.Person@Example.test',
      role: 'issuer',
    });
    expect(res.statusCode).toBe(303);
    expect(
      (await post('admin', '/manage/guild/members/invite', { email: 'x@example.test', role: 'owner' }))
        .statusCode,
    ).toBe(403);
    const mail = await t.db
      .selectFrom('emails')
      .select(['text', 'subject'])
      .where('toAddress', '=', 'new.person@example.test')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toContain('Guild');
    const text = mail.text;
    const token = /invitations\/([A-Za-z0-9_-]{40,})/.exec(text)?.[1];
    expect(token, 'the invitation email carries the link').toBeTruthy();
    const page = await t.app.inject({ url: `/invitations/${token}` });
    expect(page.statusCode).toBe(200);
    const acceptAs = (cookies: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: `/invitations/${token}`,
        cookies: { ...cookies, laurel_csrf: csrf.cookie },
        payload: form({}),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    // Someone else who got hold of the link cannot use it.
    expect((await acceptAs(users.outsider.cookies)).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/manage/guild', cookies: users.outsider.cookies })).statusCode).toBe(
      404,
    );
    const joiner = await makeTestUser(t.db, 'Joiner');
    await t.db
      .insertInto('userEmails')
      .values({
        userId: joiner.id,
        email: 'new.person@example.test',
        verifiedAt: new Date(),
        isPrimary: false,
      })
      .execute();
    expect((await acceptAs(joiner.cookies)).statusCode).toBe(303);
    expect((await t.app.inject({ url: '/manage/guild', cookies: joiner.cookies })).statusCode).toBe(200);
    expect((await acceptAs(joiner.cookies)).statusCode).toBe(410);
  });

  it('answers a taken address and the last owner leaving with CONFLICT, 409, as the API does', async () => {
    const conflict = statusOf('CONFLICT');
    expect(conflict).toBe(409);
    const taken = await post('viewer', '/orgs', { name: 'Copy', slug: 'guild' });
    expect(taken.statusCode).toBe(conflict);
    expect(taken.body).toContain('already used by another organization');
    expect(taken.body).toContain('value="Copy"');
    const leave = await post('owner', `/manage/guild/members/${users.owner.id}/remove`);
    expect(leave.statusCode).toBe(conflict);
    expect(leave.body).toContain('at least one owner');
    // The API's problem for the same code carries the same status (one table, no per-page mapping).
    expect(toProblem(new LaurelError('CONFLICT', LAST_OWNER)).status).toBe(leave.statusCode);
    expect(toProblem(new LaurelError('CONFLICT', 'That address is taken.')).status).toBe(taken.statusCode);
  });

  it('protects the last owner and lets only the owner delete', async () => {
    const page = (await t.app.inject({ url: '/manage/guild/members', cookies: as('owner') })).body;
    expect(page).not.toContain(`/members/${users.owner.id}/remove`);
    expect(page).not.toContain(`/members/${users.owner.id}/role`);
    expect(page).toContain('the only owner');
    expect(page).toContain(`/members/${users.viewer.id}/remove`);
    const demote = await post('owner', `/manage/guild/members/${users.owner.id}/role`, { role: 'admin' });
    expect(demote.statusCode).toBe(409);
    expect((await post('admin', `/manage/guild/members/${users.owner.id}/remove`)).statusCode).toBe(403);
    expect((await post('admin', '/manage/guild/delete', { confirm: 'guild' })).statusCode).toBe(403);
    expect((await post('owner', '/manage/guild/delete', { confirm: 'wrong' })).statusCode).toBe(422);
    expect((await post('owner', '/manage/guild/delete', { confirm: 'guild' })).statusCode).toBe(303);
    expect((await t.app.inject({ url: '/orgs/guild' })).statusCode).toBe(404);
  });
});
