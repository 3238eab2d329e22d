import { describe, expect, it } from 'vitest';
import { addEmail, markEmailVerified } from '../accounts/service.ts';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { acceptInvitation, createInvitation, findInvitation, listPendingInvitations } from './invitations.ts';
import { getOrgRole } from './members.ts';
import { CSRF_COOKIE } from '../http/csrf.ts';
import { csrfPair, makeMember, makeOrg, makeTestUser } from './testing.ts';
import { createAppContext } from '../features.ts';

const config = testConfig();

describe.each(DIALECTS)('invitations on %s', (dialect) => {
  const t = useTestDatabase(dialect);

  it('stores only a hash, emails the link, works once, and never demotes', async () => {
    const org = await makeOrg(t.db, { name: 'Choir' });
    const admin = await makeMember(t.db, org, 'admin', 'Ann Admin');
    const { token, invitation } = await createInvitation(t.db, config, {
      org,
      email: ' Singer@Example.ORG ',
      role: 'issuer',
      invitedBy: { id: admin.id, name: 'Ann Admin' },
    });
    expect(invitation.email).toBe('singer@example.org');
    const row = await t.db
      .selectFrom('orgInvitations')
      .select('tokenHash')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(row.tokenHash).not.toContain(token);
    const mail = await t.db
      .selectFrom('emails')
      .select(['text', 'html'])
      .where('toAddress', '=', 'singer@example.org')
      .executeTakeFirstOrThrow();
    expect(mail.text).toContain(`${config.baseUrl}/invitations/${token}`);
    expect(mail.text).toContain('Ann Admin invited you to join Choir');
    expect((await listPendingInvitations(t.db, org.id)).map((i) => i.id)).toEqual([invitation.id]);

    const joiner = await makeTestUser(t.db, 'Joiner');
    await markEmailVerified(t.db, joiner.id, 'singer@example.org');
    expect((await findInvitation(t.db, token))?.usable).toBe(true);
    await acceptInvitation(t.db, token, joiner.id);
    expect(await getOrgRole(t.db, org.id, joiner.id)).toBe('issuer');
    expect((await findInvitation(t.db, token))?.usable).toBe(false);
    await expect(acceptInvitation(t.db, token, admin.id)).rejects.toMatchObject({ code: 'GONE' });
    expect(await listPendingInvitations(t.db, org.id)).toEqual([]);

    // An admin accepting a viewer invitation stays admin.
    const second = await createInvitation(t.db, config, {
      org,
      email: 'x@example.org',
      role: 'viewer',
      invitedBy: { id: admin.id, name: 'Ann' },
    });
    await markEmailVerified(t.db, admin.id, 'x@example.org');
    await acceptInvitation(t.db, second.token, admin.id);
    expect(await getOrgRole(t.db, org.id, admin.id)).toBe('admin');
  });

  it('refuses an expired link and a bad email', async () => {
    const org = await makeOrg(t.db);
    const admin = await makeMember(t.db, org, 'admin');
    const { token, invitation } = await createInvitation(t.db, config, {
      org,
      email: 'late@example.org',
      role: 'viewer',
      invitedBy: { id: admin.id, name: 'A' },
    });
    await t.db
      .updateTable('orgInvitations')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('id', '=', invitation.id)
      .execute();
    expect((await findInvitation(t.db, token))?.usable).toBe(false);
    const user = await makeTestUser(t.db);
    await expect(acceptInvitation(t.db, token, user.id)).rejects.toMatchObject({ code: 'GONE' });
    await expect(
      createInvitation(t.db, config, {
        org,
        email: 'not an email',
        role: 'viewer',
        invitedBy: { id: admin.id, name: 'A' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID', fields: [{ field: 'email' }] });
    expect(await findInvitation(t.db, 'short')).toBeNull();
  });

  it('is accepted only by an account with the invited address confirmed', async () => {
    const org = await makeOrg(t.db);
    const admin = await makeMember(t.db, org, 'admin');
    // Sent to a look-alike form of the address: stored, and compared, in canonical form.
    const { token } = await createInvitation(t.db, config, {
      org,
      email: 'ｉｎｖｉｔｅｅ@Example.org.',
      role: 'issuer',
      invitedBy: { id: admin.id, name: 'A' },
    });
    const stranger = await makeTestUser(t.db, 'Stranger');
    await expect(acceptInvitation(t.db, token, stranger.id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('invitee@example.org'),
    });
    await addEmail(createAppContext(t.db, config), stranger.id, 'invitee@example.org');
    await expect(acceptInvitation(t.db, token, stranger.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await getOrgRole(t.db, org.id, stranger.id)).toBeNull();
    expect((await findInvitation(t.db, token))?.usable).toBe(true);

    const invitee = await makeTestUser(t.db, 'Invitee');
    await markEmailVerified(t.db, invitee.id, 'invitee@EXAMPLE.org');
    await acceptInvitation(t.db, token, invitee.id);
    expect(await getOrgRole(t.db, org.id, invitee.id)).toBe('issuer');
  });
});

describe('the invitation page', () => {
  const t = useTestApp('pglite');

  it('explains which address the invitation is for, and changes nothing for another account', async () => {
    const org = await makeOrg(t.db, { name: 'Guild' });
    const admin = await makeMember(t.db, org, 'admin');
    const { token } = await createInvitation(t.db, t.config, {
      org,
      email: 'guest@example.org',
      role: 'viewer',
      invitedBy: { id: admin.id, name: 'A' },
    });
    const other = await makeTestUser(t.db, 'Other Person');
    const csrf = csrfPair(t.config);
    const cookies = { ...other.cookies, [CSRF_COOKIE]: csrf.cookie };
    const page = await t.app.inject({ url: `/invitations/${token}`, cookies });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This invitation was sent to <strong>guest@example.org</strong>');
    expect(page.body).toContain('does not have it');
    expect(page.body).not.toContain('Join as');
    const post = await t.app.inject({
      method: 'POST',
      url: `/invitations/${token}`,
      cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: `_csrf=${encodeURIComponent(csrf.token)}`,
    });
    expect(post.statusCode).toBe(403);
    expect(post.body).toContain('guest@example.org');
    expect(await getOrgRole(t.db, org.id, other.id)).toBeNull();

    await markEmailVerified(t.db, other.id, 'guest@example.org');
    const mine = await t.app.inject({ url: `/invitations/${token}`, cookies });
    expect(mine.body).toContain('Join as Other Person');
  });
});
