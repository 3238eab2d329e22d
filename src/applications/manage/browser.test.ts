/**
 * The organization side in Chromium: an administrator builds a form with the builder's buttons
 * (add, fill, move up, save), opens the badge to anyone, and the public page offers "Apply for
 * this badge" with a QR code that loads; every earning page fits a phone (390 px).
 */
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../../e2e/harness.ts';
import { useTestApp } from '../../http/testing.ts';
import type { Org } from '../../orgs/service.ts';
import { type TestUser, makeMember, makeOrg } from '../../orgs/testing.ts';
import type { Template } from '../../templates/service.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { inviteToApply } from './invitations.ts';
import { latestForm } from './forms.ts';

/** The page's width and the screen's; `globalThis.document` keeps the DOM types out of this Node project. */
const widths = (page: Page) =>
  page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return [root.scrollWidth, root.clientWidth] as const;
  });

describe('the earning pages in Chromium', () => {
  const t = useTestApp('pglite');
  let browser: Browser;
  let origin: string;
  let org: Org;
  let admin: TestUser;
  let template: Template;

  beforeAll(async () => {
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    org = await makeOrg(t.db, {
      config: t.config,
      name: 'The Society of Remarkably Long Organization Names',
      slug: 'society-of-remarkably-long-organization-names',
    });
    admin = await makeMember(t.db, org, 'admin', 'Ada Admin');
    template = await makeTemplate(t.ctx, org, { name: 'Advanced Certificate in Everything' });
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (width = 1200): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies([{ name: 'laurel_session', value: admin.cookies.laurel_session!, url: origin }]);
    return context.newPage();
  };
  const base = () => `${origin}/manage/${org.slug}/templates/${template.id}/earning`;

  it('builds a form with the buttons, opens the badge, and the public page offers to apply', async () => {
    const page = await open();
    await page.goto(`${base()}/form`);
    await page.fill('[name="instructions"]', 'Send the certificate of the course you took.');
    await page.fill('[name="q.0.label"]', 'Which course?');
    await page.getByRole('button', { name: 'Add a question' }).click();
    await page.fill('[name="q.1.label"]', 'Your certificate');
    await page.selectOption('[name="q.1.kind"]', 'file');
    await page.locator('summary', { hasText: 'File upload' }).nth(1).click();
    await page.check('[name="q.1.accept.pdf"]');
    await page.locator('button[value="up:1"]').click();
    expect(await page.inputValue('[name="q.0.label"]')).toBe('Your certificate');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.textContent('.alert')).toContain('Saved as version 1.');
    const form = await latestForm(t.db, template.id);
    expect(form?.questions.map((q) => [q.label, q.kind, q.accept ?? null])).toEqual([
      ['Your certificate', 'file', ['application/pdf']],
      ['Which course?', 'short_text', null],
    ]);

    await page.goto(base());
    await page.check('input[name="mode"][value="public"]');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/saved=1/);
    expect(await page.textContent('main, body')).toContain('Open to applications from anyone with the link');

    await page.goto(`${origin}/orgs/${org.slug}/badges/${template.id}`);
    const apply = page.getByRole('link', { name: 'Apply for this badge' });
    expect(await apply.getAttribute('href')).toBe(`${t.config.baseUrl}/apply/${template.id}`);
    const qrLoaded = await page
      .locator('img[src$="/apply-qr.svg"]')
      .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0);
    expect(qrLoaded).toBe(true);
    await page.context().close();
  });

  it('fits every earning page on a phone', async () => {
    await inviteToApply(t.db, t.config, {
      org,
      template,
      emails: ['a.very.long.address.for.testing.invitations@example.org'],
      invitedBy: { id: admin.id, name: 'Ada Admin' },
      send: false,
    });
    const page = await open(390);
    const tooWide: string[] = [];
    for (const path of ['', '/form', '/form/preview', '/invitations']) {
      const res = await page.goto(base() + path);
      expect(res?.status(), path).toBe(200);
      const [scroll, client] = await widths(page);
      if (scroll > client) tooWide.push(`${path || '/'} ${scroll}`);
    }
    // The links just made are shown in a table of their own.
    await page.goto(`${base()}/invitations`);
    await page.fill('[name="emails"]', 'another.rather.long.address@example.org');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.waitForSelector('input[readonly]');
    const [width] = await widths(page);
    if (width > 390) tooWide.push(`/invitations (links) ${width}`);
    await page.context().close();
    expect(tooWide).toEqual([]);
  });
});
