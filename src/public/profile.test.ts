/**
 * The public profile lists the earner's public badges that still stand: a revoked badge is
 * never listed there (its own page still says it was revoked, for anyone holding the link).
 */
import { describe, expect, it } from 'vitest';
import { makeUser, sessionFor } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { revokeAward } from '../issuing/service.ts';
import { makeWalletBadge } from '../wallet/testing.ts';

describe('public profile', () => {
  const t = useTestApp('pglite');

  it('lists public badges, never revoked ones, to visitors and to the owner alike', async () => {
    const user = await makeUser(t.db, { email: 'profile-owner@example.org' });
    await t.db
      .updateTable('users')
      .set({ handle: 'profile-owner', profilePublic: true })
      .where('id', '=', user.id)
      .execute();
    const kept = await makeWalletBadge(t.ctx, user, { visibility: 'public' });
    const revoked = await makeWalletBadge(t.ctx, user, { visibility: 'public' });
    await revokeAward(t.ctx, revoked.award.id, 'Issued by mistake');
    const own = await sessionFor(t.db, t.ctx.config, user.id);
    for (const cookies of [{}, own.cookies]) {
      const page = await t.app.inject({ url: '/u/profile-owner', cookies });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`href="/c/${kept.award.id}"`);
      expect(page.body).not.toContain(revoked.award.id);
      expect(page.body).not.toContain('Revoked');
    }
  });
});
