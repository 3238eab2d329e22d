// The earner chooses at acceptance whether their badge's page shows their name (shown by default),
// can change it in the wallet, and the verification panel speaks to someone checking the badge.
import { describe, expect, it } from 'vitest';
import { makeUser, sessionFor } from '../accounts/testing.ts';
import { useTestApp } from '../http/testing.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { acceptAs, postForm } from './test-support.ts';

const HOSTILE = 'Ada <script>alert("x")</script>&"\' Lovelace';
const ESCAPED = 'Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;';
const HIDDEN = 'The earner keeps their name private; enter their email to check it.';

describe('the earner’s name on the public badge page', () => {
  const t = useTestApp('pglite');

  async function accepted(showName: boolean) {
    const user = await makeUser(t.db, { name: HOSTILE });
    const earner = await sessionFor(t.db, t.ctx.config, user.id);
    const issued = await issueTestAward(t.ctx, { recipientEmail: user.email, recipientName: HOSTILE });
    const claimPage = await t.app.inject({ url: `/claim/${issued.claimToken}`, cookies: earner.cookies });
    // Asked at acceptance, ticked by default; the name in the question is escaped.
    expect(claimPage.body).toMatch(/<input type="checkbox" name="showName" value="yes" checked/);
    expect(claimPage.body).toContain(`(${ESCAPED}`);
    expect(claimPage.body).not.toContain('<script>alert');
    const itemId = await acceptAs(t.app, earner, issued.claimToken, showName);
    await postForm(t.app, earner, `/wallet/${itemId}/visibility`, { visibility: 'public' });
    return { awardId: issued.award.id, itemId, earner, email: user.email };
  }

  it('shown: the page and the panel say “Issued to” the earner, escaped', async () => {
    const b = await accepted(true);
    const page = (await t.app.inject({ url: `/c/${b.awardId}` })).body;
    expect(page).toContain(`<strong>Recipient</strong>: Issued to ${ESCAPED}`);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('No recipient was given');
    expect((await t.app.inject({ url: `/c/${b.awardId}/embed` })).body).toContain(`to ${ESCAPED}`);
  });

  it('hidden: the panel says so and offers the email check; the wallet can show it later', async () => {
    const b = await accepted(false);
    const page = (await t.app.inject({ url: `/c/${b.awardId}` })).body;
    expect(page).toContain(HIDDEN);
    expect(page).not.toContain('Ada');
    expect(page).not.toContain('No recipient was given');
    expect(page).toContain('action="/verify"');
    expect(page).toContain(`name="text" value="${t.ctx.config.baseUrl}/c/${b.awardId}.json"`);
    expect(page).toContain('name="recipientEmail"');

    // The form goes to the public verifier, which compares the address with the credential.
    const visitor = await sessionFor(t.db, t.ctx.config);
    const visitorPage = (await t.app.inject({ url: `/c/${b.awardId}`, cookies: visitor.cookies })).body;
    expect(visitorPage).toContain(`name="_csrf" value="${visitor.csrf}"`);
    const check = (email: string) => {
      const boundary = '----laurelcheck';
      const field = (name: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      return t.app.inject({
        method: 'POST',
        url: '/verify',
        cookies: visitor.cookies,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `${field('_csrf', visitor.csrf)}${field('text', `${t.ctx.config.baseUrl}/c/${b.awardId}.json`)}${field('recipientEmail', email)}--${boundary}--\r\n`,
      });
    };
    expect((await check(b.email.toUpperCase())).body).toContain('Matches');
    expect((await check('someone.else@example.org')).body).toContain('Does not match');

    // Changed later in the wallet: the next request shows the name.
    const shown = await postForm(t.app, b.earner, `/wallet/${b.itemId}/recipient-name`, { show: 'yes' });
    expect(shown.statusCode).toBe(303);
    const after = (await t.app.inject({ url: `/c/${b.awardId}` })).body;
    expect(after).toContain(`Issued to ${ESCAPED}`);
    expect(after).not.toContain(HIDDEN);
  });

  it('accepting a waiting badge from the wallet asks the same question', async () => {
    for (const showName of [true, false]) {
      const user = await makeUser(t.db, { name: HOSTILE });
      const earner = await sessionFor(t.db, t.ctx.config, user.id);
      const issued = await issueTestAward(t.ctx, { recipientEmail: user.email, recipientName: HOSTILE });
      const wallet = (await t.app.inject({ url: '/wallet', cookies: earner.cookies })).body;
      expect(wallet).toMatch(/<input type="checkbox" name="showName" value="yes" checked/);
      expect(wallet).not.toContain('<script>alert');
      const res = await postForm(
        t.app,
        earner,
        `/wallet/pending/${issued.award.id}/accept`,
        showName ? { showName: 'yes' } : {},
      );
      expect(res.statusCode).toBe(303);
      const itemId = res.headers.location!.split('/')[2]!.split('?')[0]!;
      await postForm(t.app, earner, `/wallet/${itemId}/visibility`, { visibility: 'public' });
      const page = (await t.app.inject({ url: `/c/${issued.award.id}` })).body;
      expect(page.includes(`Issued to ${ESCAPED}`)).toBe(showName);
      expect(page.includes(HIDDEN)).toBe(!showName);
    }
  });
});
