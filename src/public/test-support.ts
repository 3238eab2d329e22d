// An earner's public badge, accepted and shared through the real routes, and every public view
// of it: what the freshness and visibility tests fetch.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { FORM, type TestSession, formBody, makeUser, sessionFor } from '../accounts/testing.ts';
import type { AppContext } from '../http/context.ts';
import { type TestAward, issueTestAward } from '../issuing/testing.ts';

export interface SharedBadge extends TestAward {
  awardId: string;
  itemId: string;
  userId: string;
  handle: string;
  earner: TestSession;
}

export async function postForm(
  app: FastifyInstance,
  s: TestSession,
  url: string,
  fields: Record<string, string>,
) {
  return app.inject({ method: 'POST', url, cookies: s.cookies, headers: FORM, payload: formBody(s, fields) });
}

/** Accepts the award's link as `earner` (name shown unless told otherwise). */
export async function acceptAs(
  app: FastifyInstance,
  earner: TestSession,
  claimToken: string,
  showName = true,
) {
  const res = await postForm(app, earner, `/claim/${claimToken}/accept`, showName ? { showName: 'yes' } : {});
  expect(res.statusCode).toBe(303);
  return res.headers.location!.split('/')[2]!.split('?')[0]!;
}

/** A badge issued, accepted and made public by a new earner with a public profile. */
export async function shareBadge(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { name?: string; accept?: boolean; visibility?: 'public' | 'private' } = {},
): Promise<SharedBadge> {
  const user = await makeUser(ctx.db, { name: opts.name ?? 'Ada Lovelace' });
  const handle = `earner-${user.id.slice(0, 8)}`;
  await ctx.db.updateTable('users').set({ handle, profilePublic: true }).where('id', '=', user.id).execute();
  const earner = await sessionFor(ctx.db, ctx.config, user.id);
  const issued = await issueTestAward(ctx, {
    recipientEmail: user.email,
    recipientName: opts.name ?? 'Ada Lovelace',
  });
  let itemId = '';
  if (opts.accept !== false) {
    itemId = await acceptAs(app, earner, issued.claimToken);
    const shown = await postForm(app, earner, `/wallet/${itemId}/visibility`, {
      visibility: opts.visibility ?? 'public',
    });
    expect(shown.statusCode).toBe(303);
  }
  return { ...issued, awardId: issued.award.id, itemId, userId: user.id, handle, earner };
}

/** Every public representation of an award issued here. */
export const publicViews = (awardId: string) => [
  `/c/${awardId}`,
  `/c/${awardId}.json`,
  `/c/${awardId}.jwt`,
  `/c/${awardId}/image.png`,
  `/c/${awardId}/image.svg`,
  `/c/${awardId}/image.png?ob=2`,
  `/c/${awardId}/image.svg?ob=2`,
  `/c/${awardId}/preview.png`,
  `/c/${awardId}/embed`,
  `/c/${awardId}/qr.svg`,
  `/c/${awardId}/share/x`,
  `/ob2/assertions/${awardId}`,
];
