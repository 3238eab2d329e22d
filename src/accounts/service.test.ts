import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { DIALECTS, useTestDatabase } from '../db/testing.ts';
import { LaurelError } from '../errors.ts';
import { runJobsUntilIdle } from '../jobs/worker.ts';
import { sendEmail } from '../mail/deliver.ts';
import {
  addEmail,
  changePassword,
  confirmEmail,
  confirmMerge,
  createOrPromoteAdmin,
  createUser,
  findUserByEmail,
  getUser,
  getUserByHandle,
  logIn,
  markEmailVerified,
  removeEmail,
  listEmails,
  makePrimaryEmail,
  requestLoginLink,
  requestMerge,
  requestPasswordReset,
  resetPassword,
  signUp,
  updateProfile,
  useLoginLink,
  verifiedEmailsOf,
} from './service.ts';
import { createSession, loadSession } from './sessions.ts';
import { makeUser } from './testing.ts';
import { createAppContext } from '../features.ts';

const handlers = { 'email.send': sendEmail };

/** The token in the last link sent to `to` through the dev mailbox. */
async function lastLink(db: import('../db/index.ts').Db, to: string, path: string): Promise<string> {
  await runJobsUntilIdle(createAppContext(db, testConfig()), { handlers });
  const mail = await db
    .selectFrom('emails')
    .select(['text'])
    .where('toAddress', '=', to)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const m = new RegExp(`${path}/([A-Za-z0-9_-]{43})`).exec(mail.text);
  if (!m) throw new Error(`no ${path} link in ${mail.text}`);
  return m[1]!;
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof LaurelError ? e.code : String(e);
  }
};

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  const t = useTestDatabase(dialect);
  const ctx = () => createAppContext(t.db, testConfig());

  it('makes the first account admin and no other, even when two sign up at once', async () => {
    const [a, b] = await Promise.all([
      createUser(t.db, { name: 'A', email: 'first-a@example.org', password: 'a long password 1' }),
      createUser(t.db, { name: 'B', email: 'first-b@example.org', password: 'a long password 2' }),
    ]);
    expect([a.isAdmin, b.isAdmin].filter(Boolean)).toHaveLength(1);
    const c = await createUser(t.db, { name: 'C', email: 'first-c@example.org' });
    expect(c.isAdmin).toBe(false);
    expect(c.hasPassword).toBe(false);
  });

  it('validates sign-up input and refuses a second account for one address', async () => {
    const err = await createUser(t.db, { name: '', email: 'nope', password: 'short' }).catch((e) => e);
    expect(err).toBeInstanceOf(LaurelError);
    expect(err.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name', 'password']);
    expect(
      await codeOf(createUser(t.db, { name: 'W', email: 'weak@example.org', password: '1234567890' })),
    ).toBe('INVALID');
    await createUser(t.db, { name: 'D', email: 'dup@example.org' });
    expect(await codeOf(createUser(t.db, { name: 'D2', email: ' DUP@example.org' }))).toBe('CONFLICT');
  });

  it('finds accounts by verified email only, case-insensitively', async () => {
    const u = await createUser(t.db, { name: 'V', email: 'Verify.Me@Example.org' });
    expect(await findUserByEmail(t.db, 'verify.me@example.org')).toBeNull();
    await markEmailVerified(t.db, u.id, 'VERIFY.me@example.org ');
    expect(await findUserByEmail(t.db, ' Verify.Me@EXAMPLE.org')).toEqual({ id: u.id, name: 'V' });
    await markEmailVerified(t.db, u.id, 'second@example.org');
    expect(await verifiedEmailsOf(t.db, u.id)).toEqual(['verify.me@example.org', 'second@example.org']);
    const other = await createUser(t.db, { name: 'O', email: 'other-v@example.org' });
    expect(await codeOf(markEmailVerified(t.db, other.id, 'second@example.org'))).toBe('CONFLICT');
    expect((await getUser(t.db, u.id))?.primaryEmail).toBe('verify.me@example.org');
    expect(await getUser(t.db, 'not-a-uuid')).toBeNull();
  });

  it('confirms an address with a link that works once', async () => {
    const user = await makeUser(t.db, { email: 'reg@example.org', verified: false });
    await addEmail(ctx(), user.id, 'reg2@example.org');
    const token = await lastLink(t.db, 'reg2@example.org', '/verify-email');
    expect(await confirmEmail(t.db, token)).toEqual({ userId: user.id, email: 'reg2@example.org' });
    expect(await confirmEmail(t.db, token)).toBeNull();
    expect(await findUserByEmail(t.db, 'reg2@example.org')).toMatchObject({ id: user.id });
  });

  it('signs up without telling whether the address has an account', async () => {
    const owner = await makeUser(t.db, { email: 'taken@example.org' });
    const input = (email: string) => ({ name: 'Newcomer', email, password: 'registering 123' });
    expect(await signUp(ctx(), input('fresh@example.org'), '10.5.0.1', '/wallet')).toBeNull();
    expect(await signUp(ctx(), input('TAKEN@example.org'), '10.5.0.1', '/wallet')).toBeNull();
    // The free address got a link that confirms it and logs the new account in.
    const fresh = await lastLink(t.db, 'fresh@example.org', '/login/link');
    const freshId = await useLoginLink(t.db, fresh);
    expect(freshId).not.toBeNull();
    expect(await findUserByEmail(t.db, 'fresh@example.org')).toMatchObject({ id: freshId, name: 'Newcomer' });
    // The taken one got a notice with a working reset link, and no second account.
    const reset = await lastLink(t.db, 'taken@example.org', '/reset');
    expect(await resetPassword(t.db, reset, 'my own new password')).toBe(owner.id);
    expect((await listEmails(t.db, owner.id)).map((e) => e.email)).toEqual(['taken@example.org']);
    expect(await codeOf(signUp(ctx(), input('not an address'), '10.5.0.1'))).toBe('INVALID');
  });

  it('refuses a password login to an account that never confirmed an address, and mails its link again', async () => {
    const u = await makeUser(t.db, { email: 'pending@example.org', verified: false });
    expect(await logIn(ctx(), 'pending@example.org', u.password, { ip: '10.6.0.1' })).toBeNull();
    const again = await lastLink(t.db, 'pending@example.org', '/login/link');
    expect(await useLoginLink(t.db, again)).toBe(u.id);
    expect((await logIn(ctx(), 'pending@example.org', u.password, { ip: '10.6.0.1' }))?.id).toBe(u.id);
  });

  it('logs in with the right password only, and throttles the source that keeps failing', async () => {
    const u = await makeUser(t.db, { email: 'login@example.org' });
    const from = (ip: string) => ({ ip });
    expect((await logIn(ctx(), 'LOGIN@example.org', u.password, from('10.0.0.1')))?.id).toBe(u.id);
    expect(await logIn(ctx(), 'login@example.org', 'wrong password', from('10.0.0.1'))).toBeNull();
    expect(await logIn(ctx(), 'unknown@example.org', 'whatever 123', from('10.0.0.1'))).toBeNull();
    for (let i = 0; i < 10; i++) await logIn(ctx(), 'login@example.org', 'wrong again', from('10.0.0.2'));
    // The guesser is refused even with the right password; the owner elsewhere is not.
    expect(await codeOf(logIn(ctx(), 'login@example.org', u.password, from('10.0.0.2')))).toBe(
      'RATE_LIMITED',
    );
    expect((await logIn(ctx(), 'login@example.org', u.password, from('10.0.0.3')))?.id).toBe(u.id);
  });

  it('resets a password with a single-use link that ends every session', async () => {
    const u = await makeUser(t.db, { email: 'reset@example.org' });
    const session = await createSession(t.db, u.id);
    await requestPasswordReset(ctx(), 'Reset@example.org', '10.1.0.1');
    await requestPasswordReset(ctx(), 'nobody@example.org', '10.1.0.1');
    expect(
      await t.db.selectFrom('emails').select('id').where('toAddress', '=', 'nobody@example.org').execute(),
    ).toEqual([]);
    const token = await lastLink(t.db, 'reset@example.org', '/reset');
    expect(await codeOf(resetPassword(t.db, token, 'short'))).toBe('INVALID');
    expect(await resetPassword(t.db, token, 'a brand new password')).toBe(u.id);
    expect(await resetPassword(t.db, token, 'another new password')).toBeNull();
    expect(await loadSession(t.db, session)).toBeNull();
    expect((await logIn(ctx(), 'reset@example.org', 'a brand new password', { ip: '10.1.0.2' }))?.id).toBe(
      u.id,
    );
  });

  it('logs in by an emailed link that works once and not after 15 minutes', async () => {
    const u = await makeUser(t.db, { email: 'link@example.org', verified: false });
    await requestLoginLink(ctx(), 'link@example.org', '10.2.0.1', '/wallet');
    const token = await lastLink(t.db, 'link@example.org', '/login/link');
    expect(await useLoginLink(t.db, token)).toBe(u.id);
    expect(await useLoginLink(t.db, token)).toBeNull();
    expect(await findUserByEmail(t.db, 'link@example.org')).toMatchObject({ id: u.id });
    await requestLoginLink(ctx(), 'link@example.org', '10.2.0.1');
    const late = await lastLink(t.db, 'link@example.org', '/login/link');
    await sql`UPDATE auth_tokens SET expires_at = now() - interval '1 second' WHERE kind = 'login_link'`.execute(
      t.db,
    );
    expect(await useLoginLink(t.db, late)).toBeNull();
  });

  it('edits the profile with a unique handle', async () => {
    const a = await makeUser(t.db);
    const b = await makeUser(t.db);
    await updateProfile(t.db, a.id, { name: 'Ann', handle: 'Ann-Lee', profilePublic: true });
    expect(await getUserByHandle(t.db, 'ann-lee')).toMatchObject({
      id: a.id,
      name: 'Ann',
      profilePublic: true,
    });
    expect(
      await codeOf(updateProfile(t.db, b.id, { name: 'B', handle: 'ann-lee', profilePublic: false })),
    ).toBe('INVALID');
    expect(await codeOf(updateProfile(t.db, b.id, { name: 'B', handle: '-bad', profilePublic: false }))).toBe(
      'INVALID',
    );
    expect(await codeOf(updateProfile(t.db, b.id, { name: 'B', handle: '', profilePublic: true }))).toBe(
      'INVALID',
    );
  });

  it('adds, confirms, promotes and removes addresses', async () => {
    const u = await makeUser(t.db, { email: 'emails@example.org' });
    await addEmail(ctx(), u.id, 'Extra@Example.org');
    expect(await codeOf(addEmail(ctx(), u.id, 'extra@example.org'))).toBe('INVALID');
    let emails = await listEmails(t.db, u.id);
    const extra = emails.find((e) => e.email === 'extra@example.org')!;
    expect(extra.verified).toBe(false);
    expect(await codeOf(makePrimaryEmail(t.db, u.id, extra.id))).toBe('INVALID');
    await confirmEmail(t.db, await lastLink(t.db, 'extra@example.org', '/verify-email'));
    await makePrimaryEmail(t.db, u.id, extra.id);
    emails = await listEmails(t.db, u.id);
    expect(emails.filter((e) => e.primary).map((e) => e.email)).toEqual(['extra@example.org']);
    expect(await codeOf(removeEmail(t.db, u.id, extra.id))).toBe('INVALID');
    const old = emails.find((e) => e.email === 'emails@example.org')!;
    const stranger = await makeUser(t.db);
    expect(await codeOf(removeEmail(t.db, stranger.id, old.id))).toBe('NOT_FOUND');
    await removeEmail(t.db, u.id, old.id);
    expect((await listEmails(t.db, u.id)).map((e) => e.email)).toEqual(['extra@example.org']);
  });

  it('changes a password only with the current one and ends other sessions', async () => {
    const u = await makeUser(t.db);
    const keep = await createSession(t.db, u.id);
    const other = await createSession(t.db, u.id);
    const keepId = (await loadSession(t.db, keep))!.sessionId;
    expect(
      await codeOf(changePassword(t.db, u.id, { current: 'wrong one!', next: 'new password 42' }, keepId)),
    ).toBe('INVALID');
    await changePassword(t.db, u.id, { current: u.password, next: 'new password 42' }, keepId);
    expect(await loadSession(t.db, keep)).not.toBeNull();
    expect(await loadSession(t.db, other)).toBeNull();
    // Guessing the current password is throttled like logging in.
    for (let i = 0; i < 10; i++)
      await codeOf(
        changePassword(t.db, u.id, { current: `guess ${i} wrong`, next: 'new password 43' }, keepId),
      );
    expect(
      await codeOf(
        changePassword(t.db, u.id, { current: 'new password 42', next: 'new password 43' }, keepId),
      ),
    ).toBe('RATE_LIMITED');
  });

  describe('every credential change ends mailed links and other sessions', () => {
    /** A user with a reset link, a login link and three sessions (one kept as "this browser"). */
    async function withOutstanding(email: string) {
      const u = await makeUser(t.db, { email });
      await requestPasswordReset(ctx(), email, '10.7.0.1');
      const reset = await lastLink(t.db, email, '/reset');
      await requestLoginLink(ctx(), email, '10.7.0.1');
      const link = await lastLink(t.db, email, '/login/link');
      const [mine, other] = [await createSession(t.db, u.id), await createSession(t.db, u.id)];
      const keepId = (await loadSession(t.db, mine))!.sessionId;
      return { u, reset, link, mine, other, keepId };
    }
    const expectRevoked = async (o: Awaited<ReturnType<typeof withOutstanding>>, kept: boolean) => {
      expect(await resetPassword(t.db, o.reset, 'a password from an old link')).toBeNull();
      expect(await useLoginLink(t.db, o.link)).toBeNull();
      expect(await loadSession(t.db, o.other)).toBeNull();
      expect((await loadSession(t.db, o.mine)) !== null).toBe(kept);
    };

    it('password change', async () => {
      const o = await withOutstanding('cred-change@example.org');
      await changePassword(t.db, o.u.id, { current: o.u.password, next: 'changed password 1' }, o.keepId);
      await expectRevoked(o, true);
    });

    it('password reset, which also ends the sibling reset links', async () => {
      const o = await withOutstanding('cred-reset@example.org');
      await requestPasswordReset(ctx(), 'cred-reset@example.org', '10.7.0.2');
      const sibling = await lastLink(t.db, 'cred-reset@example.org', '/reset');
      expect(await resetPassword(t.db, sibling, 'reset password 1')).toBe(o.u.id);
      await expectRevoked(o, false);
    });

    it('removing an address', async () => {
      const o = await withOutstanding('cred-remove@example.org');
      await markEmailVerified(t.db, o.u.id, 'cred-remove-2@example.org');
      const second = (await listEmails(t.db, o.u.id)).find((e) => e.email === 'cred-remove-2@example.org')!;
      await removeEmail(t.db, o.u.id, second.id, o.keepId);
      await expectRevoked(o, true);
    });

    it('an administrator setting the password from the command line', async () => {
      const o = await withOutstanding('cred-cli@example.org');
      await createOrPromoteAdmin(t.db, { email: 'cred-cli@example.org', password: 'cli password 123' });
      await expectRevoked(o, false);
    });
  });

  it('merges another account after a link sent to it, running the merge hooks', async () => {
    const me = await makeUser(t.db, { email: 'me@example.org' });
    const old = await makeUser(t.db, { email: 'old@example.org', admin: false });
    await addEmail(ctx(), old.id, 'old2@example.org');
    const stranger = await makeUser(t.db);
    const moved: [string, string][] = [];
    const hook = async (_trx: unknown, from: string, to: string) => void moved.push([from, to]);
    const merging = { db: t.db, hooks: { onAccountMerge: [hook] } };
    {
      await requestMerge(ctx(), me.id, 'OLD@example.org', '10.3.0.1');
      const token = await lastLink(t.db, 'old@example.org', '/account/merge');
      expect(await codeOf(confirmMerge(merging, token, stranger.id))).toBe('FORBIDDEN');
      expect(await confirmMerge(merging, token, me.id)).toEqual({ mergedUserId: old.id });
      expect(await confirmMerge(merging, token, me.id)).toBeNull();
      expect(moved).toEqual([[old.id, me.id]]);
      expect(await getUser(t.db, old.id)).toBeNull();
      const emails = await listEmails(t.db, me.id);
      expect(emails.map((e) => [e.email, e.primary, e.verified])).toEqual([
        ['me@example.org', true, true],
        ['old@example.org', false, true],
        ['old2@example.org', false, false],
      ]);
    }
  });

  it('creates or promotes a platform admin', async () => {
    const made = await createOrPromoteAdmin(t.db, {
      email: 'root@example.org',
      password: 'admin password 1',
    });
    expect(made.created).toBe(true);
    expect((await getUser(t.db, made.userId))?.isAdmin).toBe(true);
    const u = await makeUser(t.db, { email: 'promote@example.org', admin: false });
    const promoted = await createOrPromoteAdmin(t.db, {
      email: 'promote@example.org',
      password: 'admin password 2',
    });
    expect(promoted).toEqual({ userId: u.id, created: false });
    expect((await logIn(ctx(), 'promote@example.org', 'admin password 2', { ip: '10.4.0.1' }))?.isAdmin).toBe(
      true,
    );
  });
});
