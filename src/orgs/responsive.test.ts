/**
 * The issuer's pages on a phone (390 px wide, Chromium): nothing makes the page wider than the
 * screen. Wide tables scroll inside their own box; everything else wraps.
 */
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/harness.ts';
import { testConfig } from '../config.ts';
import { useTestDatabase } from '../db/testing.ts';
import { buildServer } from '../http/server.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { makeMember, makeOrg, makeTestUser } from './testing.ts';

describe('issuer pages on a phone', () => {
  const t = useTestDatabase('pglite');
  let app: FastifyInstance;
  let browser: Browser;
  let origin: string;
  const pages: string[] = [];
  let cookie = '';

  beforeAll(async () => {
    const config = testConfig();
    app = await buildServer({ db: t.db, config });
    origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const owner = await makeTestUser(t.db, 'Olivia Owner-With-A-Rather-Long-Name');
    await t.db.updateTable('users').set({ is_admin: true }).where('id', '=', owner.id).execute();
    const org = await makeOrg(t.db, {
      config,
      ownerUserId: owner.id,
      name: 'The Society of Remarkably Long Organization Names',
      // Fixed, so the widths measured do not change with random letters.
      slug: 'society-of-remarkably-long-organization-names',
    });
    await makeMember(t.db, org, 'issuer', 'Ivan Issuer');
    const template = await makeTemplate(t.db, org, { name: 'Advanced Certificate in Everything' });
    const { award } = await issueTestAward(
      { db: t.db, config },
      {
        org,
        template,
        recipientName: 'Recipient With A Long Name',
        recipientEmail: 'a.very.long.address.for.testing@example.org',
      },
    );
    cookie = owner.cookies.laurel_session!;
    const m = `/manage/${org.slug}`;
    pages.push(
      m,
      `${m}/templates`,
      `${m}/templates/new`,
      `${m}/templates/${template.id}`,
      `${m}/issue`,
      `${m}/bulk`,
      `${m}/awards`,
      `${m}/awards/${award.id}`,
      `${m}/api-keys`,
      `${m}/members`,
      `${m}/settings`,
      `${m}/keys`,
      `/orgs/${org.slug}`,
      `/orgs/${org.slug}/badges/${template.id}`,
      '/orgs',
      '/admin',
      '/admin/mail',
      '/account',
      '/api/docs',
    );
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('fits every page in 390 px', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
    await context.addCookies([{ name: 'laurel_session', value: cookie, url: origin }]);
    const page = await context.newPage();
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
});
