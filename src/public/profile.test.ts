/**
 * The public profile lists the earner's public badges that still stand: a revoked badge is
 * never listed there (its own page still says it was revoked, for anyone holding the link).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionFor } from '../accounts/testing.ts';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import type { AppContext } from '../http/context.ts';
import { buildServer } from '../http/server.ts';
import { revokeAward } from '../issuing/service.ts';
import { makeWalletBadge } from '../wallet/testing.ts';

describe('public profile', () => {
  const t = useTestDatabase('pglite');
  let app: FastifyInstance;
  let ctx: AppContext;

  beforeAll(async () => {
    ctx = { db: t.db, config: testConfig() };
    app = await buildServer(ctx);
  });
  afterAll(() => app.close());

  it('lists public badges, never revoked ones, to visitors and to the owner alike', async () => {
    const user = await makeUser(t.db, { email: 'profile-owner@example.org' });
    await t.db
      .updateTable('users')
      .set({ handle: 'profile-owner', profile_public: true })
      .where('id', '=', user.id)
      .execute();
    const kept = await makeWalletBadge(ctx, user, { visibility: 'public' });
    const revoked = await makeWalletBadge(ctx, user, { visibility: 'public' });
    await revokeAward(ctx, revoked.award.id, 'Issued by mistake');
    const own = await sessionFor(t.db, ctx.config, user.id);
    for (const cookies of [{}, own.cookies]) {
      const page = await app.inject({ url: '/u/profile-owner', cookies });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`href="/c/${kept.award.id}"`);
      expect(page.body).not.toContain(revoked.award.id);
      expect(page.body).not.toContain('Revoked');
    }
  });
});
