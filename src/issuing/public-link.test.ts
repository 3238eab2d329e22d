import { beforeAll, describe, expect, it } from 'vitest';
import { makeUser, sessionFor } from '../accounts/testing.ts';
import { testConfig } from '../config.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { type TestUser, makeMember, makeOrg } from '../orgs/testing.ts';
import type { Template } from '../templates/service.ts';
import { makeTemplate } from '../templates/testing.ts';
import { makeWalletBadge } from '../wallet/testing.ts';
import { rejectAward, revokeAward } from './service.ts';
import { issueTestAward } from './testing.ts';

describe('the issuer’s link to an award’s public page', () => {
  const t = useTestApp('pglite');
  const config = testConfig();
  let org: Org;
  let template: Template;
  let viewer: TestUser;
  beforeAll(async () => {
    org = await makeOrg(t.db, { config });
    template = await makeTemplate(t.ctx, org);
    viewer = await makeMember(t.db, org, 'viewer');
  });

  /** The award page's "Links" entry as the issuer sees it, and what the public page answers. */
  const look = async (awardId: string) => {
    const page = await t.app.inject({
      url: `/manage/${org.slug}/awards/${awardId}`,
      cookies: viewer.cookies,
    });
    expect(page.statusCode).toBe(200);
    const links = page.body.slice(page.body.indexOf('<dt>Links</dt>'), page.body.indexOf('</dl>'));
    const publicPage = await t.app.inject({ url: `/c/${awardId}` });
    return { links, linked: links.includes(`href="/c/${awardId}"`), opens: publicPage.statusCode === 200 };
  };

  it('links only when the page opens, and otherwise says why', async () => {
    const earner = await makeUser(t.db, { name: 'Earner' });

    const pending = await issueTestAward(t.ctx, { org, template });
    let seen = await look(pending.award.id);
    expect(seen).toMatchObject({ linked: false, opens: false });
    expect(seen.links).toContain('Not public yet: the earner has not accepted it.');
    expect(seen.links).not.toContain('/ob2/assertions/');

    const kept = await makeWalletBadge(t.ctx, earner, { org, template });
    seen = await look(kept.award.id);
    expect(seen).toMatchObject({ linked: false, opens: false });
    expect(seen.links).toContain('The earner keeps this badge private.');

    // As the earner does it, so every cache of the public page hears of it.
    const session = await sessionFor(t.db, config, earner.id);
    const made = await t.postForm(`/wallet/${kept.item.id}/visibility`, session, { visibility: 'public' });
    expect(made.statusCode).toBe(303);
    seen = await look(kept.award.id);
    expect(seen).toMatchObject({ linked: true, opens: true });
    expect(seen.links).toContain(`href="/ob2/assertions/${kept.award.id}"`);

    await revokeAward(t.ctx, kept.award.id, 'Issued in error');
    seen = await look(kept.award.id);
    expect(seen).toMatchObject({ linked: true, opens: true });
    expect(seen.links).toContain('It shows the badge as revoked.');

    const declined = await issueTestAward(t.ctx, { org, template });
    await rejectAward(t.ctx, declined.award.id);
    seen = await look(declined.award.id);
    expect(seen).toMatchObject({ linked: false, opens: false });
    expect(seen.links).toContain('Declined by the earner');

    const revokedFirst = await issueTestAward(t.ctx, { org, template });
    await revokeAward(t.ctx, revokedFirst.award.id, 'Wrong person');
    seen = await look(revokedFirst.award.id);
    expect(seen).toMatchObject({ linked: false, opens: false });
    expect(seen.links).toContain('Revoked before the earner accepted it');
  });
});
