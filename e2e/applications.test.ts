/**
 * Earning a badge by application, in a real browser against the real platform: an administrator
 * publishes a badge (its form is saved through the organization side's factory); an earner
 * applies with a file made public evidence; the administrator invites an external reviewer and
 * returns the application for revision; the earner revises and submits again; the external
 * reviewer accepts the invitation and approves; the badge is in the earner's wallet and, once
 * made public, its public page shows the evidence with the file's link. The steps build on each other.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_PASSWORD, makeUser } from '../src/accounts/testing.ts';
import { makeApplicationForm } from '../src/applications/testing.ts';
import { openMail, publishBadge, useHarness } from './harness.ts';

const harness = useHarness();
const POLL = { timeout: 20_000 };

const admin = { name: 'Ada Admin', email: 'ada@society.example', password: 'a long enough passphrase 9' };
const earner = { name: 'Eli Earner', email: 'eli@learner.example' };
const reviewer = { name: 'Rhea Reviewer', email: 'rhea@assessors.example' };
const org = { name: 'First Aid Society', slug: 'first-aid-society' };
const badgeName = 'Certified First Aider';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

const state: { adminPage?: Page; earnerPage?: Page; templateId?: string; applicationId?: string } = {};
const text = (page: Page) => page.locator('main').textContent();

async function logIn(page: Page, email: string, next = '/') {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.locator('form[action="/login"] [name="email"]').fill(email);
  await page.locator('form[action="/login"] [name="password"]').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

describe('earning a badge by application', () => {
  it('an administrator publishes a badge that is open to applications', async () => {
    const { page } = await harness().newPerson();
    state.adminPage = page;
    // The platform's first account is its administrator and is logged in at once.
    await page.goto('/signup');
    const signup = page.locator('form[action="/signup"]');
    await signup.locator('[name="name"]').fill(admin.name);
    await signup.locator('[name="email"]').fill(admin.email);
    await signup.locator('[name="password"]').fill(admin.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForLoadState();
    state.templateId = await publishBadge(page, org, {
      name: badgeName,
      description: 'Can give first aid.',
      criteria: 'Completed a recognised first-aid course.',
    });

    // The form (its builder has its own browser test): open to anyone, one approval.
    const db = harness().platform.handle.db;
    const { orgId } = await db
      .selectFrom('badgeTemplates')
      .select('orgId')
      .where('id', '=', state.templateId!)
      .executeTakeFirstOrThrow();
    await makeApplicationForm(db, { id: state.templateId!, orgId });
    await makeUser(db, earner);
    await makeUser(db, reviewer);
  });

  it('an earner applies with a certificate made public evidence', async () => {
    const { page } = await harness().newPerson();
    state.earnerPage = page;
    await logIn(page, earner.email);
    await page.goto(`/apply/${state.templateId}`);
    await page.locator('[name="a_course"]').fill('First aid at work');
    await page.locator('[name="a_summary"]').fill('Recovery position, CPR and bandaging.');
    await page.locator('[name="a_honest"]').check();
    await page.locator('input[type="file"][name="f_certificate"]').setInputFiles({
      name: 'certificate.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForLoadState();
    await expect.poll(() => text(page), POLL).toContain('certificate.pdf');
    await page.goto(`/apply/${state.templateId}`);
    await page.locator('[name="publicFile"]').check();
    await page.getByRole('button', { name: 'Submit application' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}\?submitted=1/);
    state.applicationId = /applications\/([0-9a-f-]{36})/.exec(page.url())![1];
  });

  it('the administrator invites an external reviewer and returns the application for revision', async () => {
    const page = state.adminPage!;
    await page.goto(`/manage/${org.slug}/reviews`);
    await page.getByRole('link', { name: 'External reviewers' }).click();
    await page.getByLabel('Badge').selectOption(state.templateId!);
    await page.getByLabel('Email').fill(reviewer.email);
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await page.waitForURL(/reviewers\?invited=1/);

    await page.goto(`/manage/${org.slug}/reviews`);
    await page.getByRole('link', { name: earner.name }).click();
    await page.waitForURL(`**/reviews/${state.applicationId}`);
    expect(await text(page)).toContain('First aid at work');
    await page.locator('textarea[name="message"]').fill('Please say which year you took the course.');
    await page.getByRole('button', { name: 'Return for revision' }).click();
    await page.waitForURL(/\?done=return/);
    expect(await text(page)).toContain('Returned for revision');
  });

  it('the earner reads what to change, revises and submits again', async () => {
    const page = state.earnerPage!;
    await page.goto(`/applications/${state.applicationId}`);
    await expect.poll(() => text(page), POLL).toContain('Please say which year you took the course.');
    await page.getByRole('link', { name: 'Revise and submit again' }).click();
    await page.locator('[name="a_course"]').fill('First aid at work (2026)');
    await page.getByRole('button', { name: 'Submit again' }).click();
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}\?submitted=1/);
  });

  it('the external reviewer accepts the invitation and approves', async () => {
    const mail = await openMail(state.adminPage!, { to: reviewer.email, subject: /Review applications/ });
    const link = mail.links.find((l) => l.startsWith(`${harness().url}/reviewers/`));
    expect(link, `an invitation link among ${mail.links.join(', ')}`).toBeTruthy();
    const { page } = await harness().newPerson();
    await logIn(page, reviewer.email, new URL(link!).pathname);
    await page.getByRole('button', { name: /Accept as/ }).click();
    await page.waitForURL(/\/reviews\?accepted=1/);
    await page.getByRole('link', { name: earner.name }).click();
    await page.waitForURL(`**/reviews/${state.applicationId}`);
    const main = (await text(page)) ?? '';
    expect(main).toContain('First aid at work (2026)');
    expect(main).toContain('Please say which year you took the course.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\?done=approved/);
    expect(await text(page)).toContain('the badge was issued');
  });

  it('the badge is in the earner’s wallet, and its public page shows the evidence', async () => {
    const page = state.earnerPage!;
    await page.goto('/wallet');
    await expect.poll(() => text(page), POLL).toContain(badgeName);
    const { awardId } = await harness()
      .platform.handle.db.selectFrom('applications')
      .select('awardId')
      .where('id', '=', state.applicationId!)
      .executeTakeFirstOrThrow();
    await page.getByRole('link', { name: badgeName }).first().click();
    await page.getByRole('button', { name: 'Make public' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('button', { name: 'Make private' }).count()).toBe(1);

    const { page: visitor } = await harness().newPerson();
    const res = await visitor.goto(`/c/${awardId}`);
    expect(res?.status()).toBe(200);
    const evidence = visitor.locator('section', { has: visitor.getByRole('heading', { name: 'Evidence' }) });
    const shown = (await evidence.textContent()) ?? '';
    expect(shown).toContain('Which course did you complete?');
    expect(shown).toContain('First aid at work (2026)');
    expect(shown).toContain('certificate.pdf');
    const href = await evidence.locator('a[href*="/evidence/"]').first().getAttribute('href');
    const file = await visitor.request.get(href!);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(Buffer.from(await file.body()).equals(PDF)).toBe(true);
  });
});
