/**
 * The issuer's pages on a phone (390 px wide, Chromium): nothing makes the page wider than the
 * screen. The lists people act on (awards, analytics, mailbox, API keys, bulk rows) stack each
 * row into a card with its column names; other wide tables scroll inside their own box.
 */
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/harness.ts';
import { createApiKey } from '../apikeys/service.ts';
import { acceptClaim } from '../claims/service.ts';
import { useTestApp } from '../http/testing.ts';
import { createBatch } from '../issuing/bulk/service.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { makeMember, makeOrg, makeTestUser } from './testing.ts';

describe('issuer pages on a phone', () => {
  const t = useTestApp('pglite');
  let browser: Browser;
  let origin: string;
  const pages: string[] = [];
  /** Pages whose tables must stack on a phone rather than scroll sideways. */
  const stacked: string[] = [];
  let badgePage = '';
  let cookie = '';

  beforeAll(async () => {
    const { config, ctx } = t;
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const owner = await makeTestUser(t.db, 'Olivia Owner-With-A-Rather-Long-Name');
    await t.db.updateTable('users').set({ isAdmin: true }).where('id', '=', owner.id).execute();
    const org = await makeOrg(t.db, {
      config,
      ownerUserId: owner.id,
      name: 'The Society of Remarkably Long Organization Names',
      // Fixed, so the widths measured do not change with random letters.
      slug: 'society-of-remarkably-long-organization-names',
    });
    await makeMember(t.db, org, 'issuer', 'Ivan Issuer');
    const template = await makeTemplate(t.ctx, org, { name: 'Advanced Certificate in Everything' });
    const { award } = await issueTestAward(ctx, {
      org,
      template,
      recipientName: 'Recipient With A Long Name',
      recipientEmail: 'a.very.long.address.for.testing@example.org',
    });
    cookie = owner.cookies.laurel_session!;
    // The owner's own badge, accepted: its page (with the verification panel) opens for them.
    const own = await issueTestAward(ctx, {
      org,
      template,
      recipientName: 'Olivia Owner',
      recipientEmail: owner.email,
    });
    await acceptClaim(ctx, own.claimToken, owner.id);
    badgePage = `/c/${own.award.id}`;
    await createApiKey(t.db, {
      orgId: org.id,
      name: 'Learning platform integration',
      scopes: ['awards:issue'],
    });
    const batchId = await createBatch(ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'a-rather-long-file-name-for-recipients.csv',
      data: Buffer.from(
        'name,email,evidence_url,narrative\n' +
          'Recipient With A Long Name,a.very.long.address.for.testing@example.org,https://example.org/evidence/a-long-path,Did a great deal of work\n' +
          'Broken Row,not-an-address,,\n',
      ),
      createdBy: owner.id,
    });
    const m = `/manage/${org.slug}`;
    stacked.push(
      `${m}/awards`,
      `${m}/analytics`,
      `${m}/api-keys`,
      `${m}/bulk`,
      `${m}/bulk/${batchId}`,
      '/admin/mail',
    );
    pages.push(
      m,
      `${m}/templates`,
      `${m}/templates/new`,
      `${m}/templates/${template.id}`,
      `${m}/issue`,
      `${m}/awards/${award.id}`,
      `${m}/members`,
      `${m}/settings`,
      `${m}/keys`,
      `/orgs/${org.slug}`,
      `/orgs/${org.slug}/badges/${template.id}`,
      '/orgs',
      '/admin',
      '/account',
      '/api/docs',
      // The lists that stack, and the owner's badge page.
      ...stacked,
      badgePage,
    );
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const phone = async (): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    await context.addCookies([{ name: 'laurel_session', value: cookie, url: origin }]);
    return context.newPage();
  };

  it('fits every page in 390 px', async () => {
    const page = await phone();
    const context = page.context();
    const tooWide: string[] = [];
    for (const path of pages) {
      const res = await page.goto(origin + path);
      expect(res?.status(), path).toBe(200);
      // Runs in the page; `globalThis.document` keeps the DOM types out of this Node project.
      const [scroll, client] = await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: { documentElement: { scrollWidth: number; clientWidth: number } };
          }
        ).document.documentElement;
        return [root.scrollWidth, root.clientWidth];
      });
      if (scroll > client)
        tooWide.push(path.replace(/\/(manage|orgs)\/[^/]+/, '/$1/:slug').replace(/[0-9a-f-]{36}/, ':id'));
    }
    await context.close();
    expect(tooWide).toEqual([]);
  });

  it('stacks the rows of the lists into cards: every cell on screen, under its column name', async () => {
    const page = await phone();
    for (const path of stacked) {
      await page.goto(origin + path);
      const cells = await page.locator('tbody td, tbody th').evaluateAll((els) =>
        els.map((el) => {
          const box = el.getBoundingClientRect();
          return {
            left: Math.floor(box.left),
            right: Math.ceil(box.right),
            label: el.getAttribute('data-label'),
            text: (el.textContent ?? '').trim(),
          };
        }),
      );
      expect(cells.length, path).toBeGreaterThan(0);
      for (const cell of cells) {
        expect([path, cell.left >= 0 && cell.right <= 390], cell.text).toEqual([path, true]);
        if (cell.text) expect([path, cell.text, cell.label]).not.toContain(null);
      }
    }
    await page.context().close();
  });

  it('shows the whole of an email in the mailbox: the preview grows to its content', async () => {
    const mail = await t.db.selectFrom('emails').select('id').orderBy('createdAt').executeTakeFirstOrThrow();
    const page = await phone();
    await page.goto(`${origin}/admin/mail/${mail.id}`);
    const frame = page.locator('iframe.mailbox-body');
    await expect
      .poll(() =>
        frame.evaluate((el) => {
          const iframe = el as unknown as {
            clientHeight: number;
            contentDocument: { documentElement: { scrollHeight: number } } | null;
          };
          const content = iframe.contentDocument?.documentElement.scrollHeight ?? Infinity;
          return content > 200 && iframe.clientHeight >= content;
        }),
      )
      .toBe(true);
    await page.context().close();
  });

  it('puts the verification steps of a badge page behind a disclosure, under a summary', async () => {
    const page = await phone();
    await page.goto(origin + badgePage);
    const summary = page.locator('details.checks-details > summary');
    // "All 9 checks passed", or "8 of 9 checks passed (1 not checked)".
    expect(await summary.textContent()).toMatch(/^(All \d+|\d+ of \d+) checks passed/);
    expect(await page.locator('.checks li').first().isVisible()).toBe(false);
    // The recipient stays in view: it is what a reader of someone's badge checks first.
    expect(await page.getByText('Recipient', { exact: true }).isVisible()).toBe(true);
    await summary.click();
    expect(await page.locator('.checks li').first().isVisible()).toBe(true);
    await page.context().close();
  });
});
