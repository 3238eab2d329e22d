/**
 * The template editor's form: alignments are added one at a time (a submit that re-renders
 * without JavaScript, a cloned block with it), the type list reads alphabetically, and the
 * upload field shows only when an upload is chosen.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/harness.ts';
import { useTestApp } from '../http/testing.ts';
import type { Org } from '../orgs/service.ts';
import { type TestUser, csrfPair, makeMember, makeOrg } from '../orgs/testing.ts';
import { listTemplates } from './service.ts';
import { multipart } from '../http/testing.ts';

describe('template editor form', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let admin: TestUser;
  let browser: Browser | undefined;
  const csrf = csrfPair();

  beforeAll(async () => {
    org = await makeOrg(t.db, { config: t.config });
    admin = await makeMember(t.db, org, 'admin');
  });
  afterAll(async () => {
    await browser?.close();
  });

  const newUrl = () => `/manage/${org.slug}/templates/new`;
  /** The form outside the <template> that JavaScript clones from. */
  const formOf = (html: string) => html.replace(/<template[\s\S]*?<\/template>/g, '');

  it('offers one empty alignment and an "add another" submit, which re-renders with one more and saves nothing', async () => {
    const page = formOf((await t.app.inject({ url: newUrl(), cookies: admin.cookies })).body);
    expect(page).toContain('name="alignments.0.targetName"');
    expect(page).not.toContain('name="alignments.1.targetName"');
    expect(page).toMatch(/<button[^>]*name="intent"[^>]*value="add-alignment"/);

    const { payload, contentType } = multipart(
      Object.entries({
        _csrf: csrf.token,
        name: '',
        'alignments.0.targetName': 'Framework <A>',
        alignmentRows: '1',
        intent: 'add-alignment',
      }).map(([name, value]) => ({ name, value })),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: newUrl(),
      cookies: { ...admin.cookies, laurel_csrf: csrf.cookie },
      headers: { 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(200);
    const again = formOf(res.body);
    expect(again).toContain('value="Framework &lt;A&gt;"');
    expect(again).toContain('name="alignments.1.targetName"');
    expect(again).not.toContain('name="alignments.2.targetName"');
    // Nothing was validated or saved: the user is still filling the form in.
    expect(again).not.toContain('class="field has-error"');
    expect(await listTemplates(t.db, org.id)).toEqual([]);
  });

  it('lists the achievement types in alphabetical order of their labels', async () => {
    const page = (await t.app.inject({ url: newUrl(), cookies: admin.cookies })).body;
    const select = /<select id="f-achievementType"[\s\S]*?<\/select>/.exec(page)![0];
    const labels = [...select.matchAll(/<option[^>]*>([^<]*)<\/option>/g)].map((m) => m[1]!);
    expect(labels.length).toBeGreaterThan(10);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, 'en')));
  });

  it('in Chromium: adds alignment blocks in place, saves them, and shows the upload field only for an upload', async () => {
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    await context.addCookies([{ name: 'laurel_session', value: admin.cookies.laurel_session!, url: origin }]);
    const page = await context.newPage();
    await page.goto(origin + newUrl());

    const upload = page.locator('#f-image');
    await page.getByLabel('Design it here').check();
    expect(await upload.isVisible()).toBe(false);
    await page.getByLabel('Upload a PNG or SVG').check();
    expect(await upload.isVisible()).toBe(true);
    await page.getByLabel('Design it here').check();

    await page.locator('#f-name').fill('Aligned in the browser');
    await page.locator('#f-description').fill('A description.');
    await page.locator('#f-criteriaNarrative').fill('Do it.');
    await page.locator('[name="alignments.0.targetName"]').fill('First framework');
    await page.locator('[name="alignments.0.targetUrl"]').fill('https://framework.example/1');
    const add = page.getByRole('button', { name: 'Add another alignment' });
    await add.click();
    await add.click();
    expect(page.url()).toBe(origin + newUrl());
    expect(await page.locator('fieldset.alignment').count()).toBe(3);
    // One visible save button: the form's hidden default one is for Enter only.
    expect(await page.getByRole('button', { name: 'Create template' }).count()).toBe(1);
    await page.locator('[name="alignments.2.targetName"]').fill('Third framework');
    await page.locator('[name="alignments.2.targetUrl"]').fill('https://framework.example/3');
    // Enter in a text field saves (the hidden default button), never "add another".
    await page.locator('[name="alignments.2.targetUrl"]').press('Enter');
    await page.waitForURL(/saved=1/);
    const [created] = await listTemplates(t.db, org.id);
    expect(created?.alignments.map((a) => a.targetName)).toEqual(['First framework', 'Third framework']);
    await context.close();
  });
});
