import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { acceptInvitation, createInvitation, findInvitation, listPendingInvitations } from './invitations.ts';
import { getOrgRole } from './service.ts';
import { makeMember, makeOrg, makeTestUser } from './testing.ts';

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
      .selectFrom('org_invitations')
      .select('token_hash')
      .where('id', '=', invitation.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    const mail = await t.db
      .selectFrom('emails')
      .select(['text', 'html'])
      .where('to_address', '=', 'singer@example.org')
      .executeTakeFirstOrThrow();
    expect(mail.text).toContain(`${config.baseUrl}/invitations/${token}`);
    expect(mail.text).toContain('Ann Admin invited you to join Choir');
    expect((await listPendingInvitations(t.db, org.id)).map((i) => i.id)).toEqual([invitation.id]);

    const joiner = await makeTestUser(t.db, 'Joiner');
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
      .updateTable('org_invitations')
      .set({ expires_at: new Date(Date.now() - 1000) })
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
});
