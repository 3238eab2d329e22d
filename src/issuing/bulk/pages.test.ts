import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../../e2e/harness.ts';
import { testConfig } from '../../config.ts';
import { useTestApp } from '../../http/testing.ts';
import type { Org } from '../../orgs/service.ts';
import { type TestUser, makeMember, makeOrg } from '../../orgs/testing.ts';
import type { Template } from '../../templates/service.ts';
import { makeTemplate } from '../../templates/testing.ts';
import { readRecipientsCsv } from './csv.ts';
import { confirmBatch, createBatch } from './service.ts';

const config = testConfig();

describe('bulk issue pages', () => {
  const t = useTestApp('pglite');
  let org: Org;
  let template: Template;
  let issuer: TestUser;
  let browser: Browser | undefined;

  beforeAll(async () => {
    org = await makeOrg(t.db, { config });
    template = await makeTemplate(t.ctx, org);
    issuer = await makeMember(t.db, org, 'issuer');
  });
  afterAll(async () => {
    await browser?.close();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url, cookies: issuer.cookies });
  const batchOf = (csv: string) =>
    createBatch(t.ctx, {
      orgId: org.id,
      templateId: template.id,
      filename: 'r.csv',
      data: Buffer.from(csv),
      createdBy: issuer.id,
    });

  it('puts every count of rows and badges in the right number', async () => {
    const one = await batchOf('name,email\nAnn,ann@example.org\nBob,not-mail\n');
    const preview = (await get(`/manage/${org.slug}/bulk/${one}`)).body;
    expect(preview).toContain('1 of 2 rows is ready to issue; 1 row has errors');
    expect(preview).toContain('Issue 1 badge<');
    expect(preview).not.toMatch(/\b1 rows\b|\b1 badges\b/);

    const many = await batchOf('name,email\nAnn,ann@example.org\nBea,bea@example.org\nX,x\nY,y\n');
    const page = (await get(`/manage/${org.slug}/bulk/${many}`)).body;
    expect(page).toContain('2 of 4 rows are ready to issue; 2 rows have errors');
    expect(page).toContain('Issue 2 badges<');
  });

  it('offers a sample CSV, linked from the upload form, that the importer reads without errors', async () => {
    const upload = await get(`/manage/${org.slug}/bulk`);
    expect(upload.body).toContain(`href="/manage/${org.slug}/bulk/sample.csv"`);
    const res = await get(`/manage/${org.slug}/bulk/sample.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="/);
    const rows = readRecipientsCsv(res.rawPayload);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.flatMap((r) => r.errors)).toEqual([]);
    // Every optional column is shown in use at least once.
    expect(rows.some((r) => r.narrative && r.evidenceUrl && r.expiresOn && r.issuedOn)).toBe(true);
  });

  it('updates the tallies with the live headline, without reloading the page', async () => {
    const id = await batchOf('name,email\nAnn,ann@example.org\nBea,bea@example.org\nCy,cy@example.org\n');
    await confirmBatch(t.ctx, org.id, id);
    const origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    await context.addCookies([
      { name: 'laurel_session', value: issuer.cookies.laurel_session!, url: origin },
    ]);
    const page = await context.newPage();
    await page.goto(`${origin}/manage/${org.slug}/bulk/${id}`);
    const tally = (name: string) => page.locator(`[data-tally="${name}"]`);
    await expect.poll(() => tally('issued').textContent()).toBe('Issued: 0');
    // A marker that a reload would wipe: the numbers must change in place.
    await page.evaluate(() => Object.assign(globalThis, { stillHere: true }));
    await t.db
      .updateTable('bulkBatches')
      .set({ status: 'running', issued: 2, skipped: 1 })
      .where('id', '=', id)
      .execute();
    await expect.poll(() => tally('issued').textContent(), { timeout: 5000 }).toBe('Issued: 2');
    expect(await tally('skipped').textContent()).toBe('Skipped as duplicates: 1');
    expect(await page.evaluate(() => (globalThis as { stillHere?: boolean }).stillHere)).toBe(true);
    await context.close();
  });
});
