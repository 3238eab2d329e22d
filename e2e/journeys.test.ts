/**
 * The three journeys of the design, in a real browser against the real platform: an issuer
 * admin designs and issues a badge, the earner claims, publishes and shares it, and a verifier
 * checks it before and after it is revoked. The steps build on each other, so they run in order
 * and share state; a failing step saves screenshots of every open page.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bakeImage, unbakeImage } from '@laurel/openbadges/bake';
import { buildOpenBadgeCredential } from '@laurel/openbadges/ob3';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  signDataIntegrity,
} from '@laurel/openbadges/proof';
import { createGuardedFetch, verify } from '@laurel/openbadges/verify';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openMail, startHarness } from './harness.ts';
import { tinyPng } from '../test/images.ts';

let h: Harness;
// Bounds for conditions that settle asynchronously (the worker, the preview debounce), not timings.
const POLL = { timeout: 20_000 };
const files = mkdtempSync(join(tmpdir(), 'laurel-e2e-files-'));

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
  rmSync(files, { recursive: true, force: true });
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    const shots = await h.screenshotAll(context.task.name);
    console.error(`Screenshots of the failed step "${context.task.name}":\n  ${shots.join('\n  ')}`);
  }
});

async function verdictOf(page: Page): Promise<string> {
  return ((await page.locator('[role="status"] h2').first().textContent()) ?? '').trim();
}

describe('the verifier page', () => {
  it('checks an uploaded baked badge without JavaScript and shows each step', async () => {
    const keys = generateEd25519KeyPair();
    const did = didKeyFromPublicKey(keys.publicKey);
    const credential = await signDataIntegrity(
      buildOpenBadgeCredential({
        issuer: { id: did, name: 'Outside Academy' },
        validFrom: '2024-03-01T00:00:00Z',
        subject: { email: { address: 'lin@example.org', salt: 's' } },
        achievement: {
          id: 'https://example.org/b/1',
          name: 'First Aid',
          description: 'Basic first aid.',
          criteria: 'Pass the course.',
        },
      }),
      { secretKey: keys.secretKey, verificationMethod: didKeyVerificationMethod(did) },
    );
    const png = join(files, 'outside.png');
    writeFileSync(png, bakeImage(tinyPng(), { kind: 'ob3-json', text: JSON.stringify(credential) }));

    const context = await h.browser.newContext({ baseURL: h.url, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto('/verify');
      await page.getByLabel('Badge file').setInputFiles(png);
      await page.getByLabel('Recipient email (optional)').fill('LIN@example.org');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL('**/verify');
      const main = (await page.locator('main').textContent()) ?? '';
      expect(await verdictOf(page), main).toBe('Valid');
      expect(main).toContain('First Aid');
      expect(main).toContain('Outside Academy');
      expect(main).toContain('Matches lin@example.org');
      expect(await page.locator('ol.checks li.pass').count()).toBeGreaterThanOrEqual(4);
      expect(await page.locator('main img[src^="data:image/png"]').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('explains what is wrong with a file that is not a badge', async () => {
    const { page } = await h.newPerson();
    const photo = join(files, 'photo.png');
    writeFileSync(photo, tinyPng());
    await page.goto('/verify');
    await page.getByLabel('Badge file').setInputFiles(photo);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect
      .poll(() => page.locator('[role="alert"]').textContent(), POLL)
      .toContain('no badge baked into it');
  });
});

// ---------------------------------------------------------------- the journeys

const admin = { name: 'Ines Issuer', email: 'ines@society.example', password: 'a long enough passphrase 1' };
const earner = { name: 'Eli Earner', email: 'eli@learner.example', password: 'another long passphrase 2' };
const second = { name: 'Sam Second', email: 'sam@learner.example', password: 'a third long passphrase 3' };
const org = { name: 'Society of Testers', slug: 'testers' };
const badgeName = 'Careful Tester';

const state: {
  adminPage?: Page;
  templateId?: string;
  claimUrl?: string;
  awardId?: string;
  pngPath?: string;
  earnerItem?: string;
} = {};

async function signUp(page: Page, who: { name: string; email: string; password: string }, path = '/signup') {
  await page.goto(path);
  const form = page.locator('form[action="/signup"]');
  await form.locator('[name="name"]').fill(who.name);
  const email = form.locator('[name="email"]');
  if ((await email.inputValue()) === '') await email.fill(who.email);
  await form.locator('[name="password"]').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForLoadState();
}

/**
 * Past the platform's first account, sign-up answers "check your email": the mailed link
 * confirms the address and logs in (then goes on to where sign-up started).
 */
async function finishSignUp(page: Page, email: string) {
  await expect.poll(() => page.locator('main h1').textContent(), POLL).toContain('Check your email');
  const mail = await openMail(state.adminPage!, { to: email, subject: /Finish creating/ });
  const link = mail.links.find((l) => l.startsWith(`${h.url}/login/link/`));
  expect(link, `a sign-up link among ${mail.links.join(', ')}`).toBeTruthy();
  await page.goto(link!);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState();
}

/** Submits a form whose button asks for confirmation (data-confirm), accepting the dialog. */
async function confirmAndClick(page: Page, button: ReturnType<Page['getByRole']>) {
  page.once('dialog', (d) => d.accept());
  await button.click();
  await page.waitForLoadState();
}

async function issue(page: Page, recipient: { name: string; email: string }): Promise<string> {
  await page.goto(`/manage/${org.slug}/issue`);
  await page.locator('main select[name="templateId"]').selectOption({ label: badgeName });
  await page.locator('main [name="recipientName"]').fill(recipient.name);
  await page.locator('main [name="recipientEmail"]').fill(recipient.email);
  await page.getByRole('button', { name: 'Issue and email the recipient' }).click();
  await page.waitForURL(/\/manage\/testers\/awards\/[0-9a-f-]{36}/);
  return /awards\/([0-9a-f-]{36})/.exec(page.url())![1];
}

describe('journey 1: an issuer designs a badge and issues it', () => {
  it('signs up as the first account, which is the platform admin', async () => {
    const { page } = await h.newPerson();
    state.adminPage = page;
    await signUp(page, admin);
    await page.goto('/admin');
    expect(page.url()).toContain('/admin');
    await expect.poll(() => page.locator('main h1').first().textContent(), POLL).toMatch(/admin/i);
  });

  it('creates an organization', async () => {
    const page = state.adminPage!;
    await page.goto('/orgs');
    await page.locator('form[action="/orgs"] [name="name"]').fill(org.name);
    await page.locator('form[action="/orgs"] [name="slug"]').fill(org.slug);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForLoadState();
    expect(page.url()).toContain(`/manage/${org.slug}`);
  });

  it('designs a template with the live preview and publishes it', async () => {
    const page = state.adminPage!;
    await page.goto(`/manage/${org.slug}/templates/new`);
    const form = page.locator('form[data-preview-url]');
    await form.locator('[name="name"]').fill(badgeName);
    await form.locator('[name="description"]').fill('Tests carefully and writes it down.');
    await form.locator('[name="criteriaNarrative"]').fill('Review three test plans.');
    const preview = page.locator('#badge-preview');
    const before = await preview.getAttribute('src');
    await form.locator('[name="designTitle"]').fill('Careful');
    await expect.poll(() => preview.getAttribute('src'), POLL).not.toBe(before);
    expect(await preview.getAttribute('src')).toContain('Careful');
    await expect
      .poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), POLL)
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}/);
    state.templateId = /templates\/([0-9a-f-]{36})/.exec(page.url())![1];
    await confirmAndClick(page, page.getByRole('button', { name: 'Publish' }));
    await expect.poll(() => page.locator('main').textContent(), POLL).toContain('active');
  });

  it('issues the badge to an email and finds the award email in the dev mailbox', async () => {
    const page = state.adminPage!;
    state.awardId = await issue(page, earner);
    const mail = await openMail(page, { to: earner.email });
    expect(mail.subject).toContain(badgeName);
    state.claimUrl = mail.links.find((l) => l.startsWith(`${h.url}/claim/`));
    expect(state.claimUrl, `claim link among ${mail.links.join(', ')}`).toBeTruthy();
  });

  it('issues in bulk from a CSV: a preview that names the bad row, then progress to the end', async () => {
    const page = state.adminPage!;
    await page.goto(`/manage/${org.slug}/bulk`);
    await page.locator('main select[name="templateId"]').selectOption({ label: badgeName });
    const csv = [
      'name,email,narrative',
      'Bulk One,bulk1@learner.example,"First, with a comma"',
      'Bulk Two,bulk2@learner.example,',
      'Not An Address,not-an-email,',
      'Bulk Three,bulk3@learner.example,',
    ].join('\r\n');
    await page
      .locator('main input[type="file"][name="file"]')
      .setInputFiles({ name: 'cohort.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.waitForLoadState();
    const preview = (await page.locator('main').textContent()) ?? '';
    expect(preview).toContain('Nothing has been issued yet.');
    expect(preview).toContain('3 of 4 rows are ready to issue');
    expect(preview).toContain('not-an-email');
    await page.getByRole('button', { name: 'Issue 3 badges' }).click();
    // app.js polls the progress and reloads the page once when the batch is done.
    await expect
      .poll(() => page.locator('main').textContent(), { ...POLL, timeout: 60_000 })
      .toContain('Finished: 3 issued');
    // A finished batch no longer polls (it once reloaded itself for ever).
    expect(await page.locator('main [data-poll]').count()).toBe(0);
    const mail = await openMail(page, { to: 'bulk3@learner.example' });
    expect(mail.subject).toContain(badgeName);
  });
});

describe('journey 2: the earner claims, publishes and shares the badge', () => {
  let earnerPage: Page;
  let publicUrl: string;

  it('follows the claim link, signs up with that email and accepts', async () => {
    expect(state.claimUrl, 'journey 1 found the claim link').toBeTruthy();
    ({ page: earnerPage } = await h.newPerson());
    await earnerPage.goto(state.claimUrl!);
    // Anonymous: the claim page offers to sign up (or log in) and comes back here.
    const signUpLink = earnerPage.getByRole('link', { name: `Sign up with ${earner.email}` });
    const href = (await signUpLink.getAttribute('href')) ?? '';
    expect(href, 'the claim page sends the earner to sign up with the address and back').toContain(
      `email=${encodeURIComponent(earner.email)}`,
    );
    await signUpLink.click();
    await earnerPage.waitForURL(/\/signup\?/);
    expect(
      await earnerPage.locator('form[action="/signup"] [name="email"]').inputValue(),
      `the address is filled in at ${earnerPage.url()}`,
    ).toBe(earner.email);
    await signUp(earnerPage, earner, earnerPage.url());
    await finishSignUp(earnerPage, earner.email);
    await earnerPage.waitForURL(/\/claim\//);
    await earnerPage.getByRole('button', { name: 'Accept into my wallet' }).click();
    await earnerPage.waitForURL(/\/wallet\/[^/?]+\?accepted=1/);
    state.earnerItem = new URL(earnerPage.url()).pathname;
    await earnerPage.goto('/wallet');
    expect(await earnerPage.locator('main').textContent()).toContain(badgeName);
  });

  it('makes the badge public; an anonymous visitor sees it with Open Graph tags', async () => {
    await earnerPage.goto(state.earnerItem!);
    await earnerPage.getByRole('button', { name: 'Make public' }).click();
    await earnerPage.waitForLoadState();
    expect(await earnerPage.getByRole('button', { name: 'Make private' }).count()).toBe(1);
    publicUrl = `${h.url}/c/${state.awardId}`;

    const { page: visitor } = await h.newPerson();
    const res = await visitor.goto(publicUrl);
    expect(res?.status()).toBe(200);
    const meta = async (sel: string) => visitor.locator(`head meta[${sel}]`).first().getAttribute('content');
    expect(await meta('property="og:title"')).toContain(badgeName);
    const ogImage = (await meta('property="og:image"'))!;
    expect(ogImage.startsWith(`${h.url}/`), `og:image ${ogImage} is absolute`).toBe(true);
    expect(await meta('name="twitter:card"')).toMatch(/summary/);
    const image = await visitor.request.get(ogImage);
    expect(image.status()).toBe(200);
    expect(image.headers()['content-type']).toContain('image/png');

    // The baked PNG downloads, unbakes and verifies with the library alone.
    const [download] = await Promise.all([
      visitor.waitForEvent('download'),
      visitor.locator(`a[href="/c/${state.awardId}/image.png"]`).first().click(),
    ]);
    state.pngPath = join(files, 'earned.png');
    await download.saveAs(state.pngPath);
    const bytes = new Uint8Array(readFileSync(state.pngPath));
    const unbaked = unbakeImage(bytes);
    expect(JSON.parse(unbaked.text).id).toBe(`urn:uuid:${state.awardId}`);
    const report = await verify(bytes, {
      fetch: createGuardedFetch({ allowPrivateNetwork: true }),
      recipient: { email: earner.email },
    });
    expect(report.verdict, JSON.stringify(report.steps)).toBe('valid');
  });

  it('refuses the PNG as an import into another account, and accepts one issued to that account', async () => {
    const { page: samPage } = await h.newPerson();
    await signUp(samPage, second);
    // Imports are matched against confirmed addresses: the sign-up link confirms Sam's.
    await finishSignUp(samPage, second.email);
    await samPage.goto('/wallet/import');
    await samPage.locator('main input[type="file"]').first().setInputFiles(state.pngPath!);
    await samPage.getByRole('button', { name: 'Verify and import' }).click();
    await samPage.waitForLoadState();
    await expect
      .poll(() => samPage.locator('[role="alert"]').first().textContent(), POLL)
      .toMatch(/issued to an email address that is not one of your confirmed addresses/);

    // A badge issued to Sam, baked into a PNG from the credential the issuer shows, imports.
    const adminPage = state.adminPage!;
    const samAward = await issue(adminPage, second);
    const credentialText = (await adminPage.locator('#credential-json').textContent())!.trim();
    expect(JSON.parse(credentialText).id).toBe(`urn:uuid:${samAward}`);
    const samPng = join(files, 'sam.png');
    writeFileSync(samPng, bakeImage(tinyPng(), { kind: 'ob3-json', text: credentialText }));
    await samPage.goto('/wallet/import');
    await samPage.locator('main input[type="file"]').first().setInputFiles(samPng);
    await samPage.getByRole('button', { name: 'Verify and import' }).click();
    await samPage.waitForLoadState();
    const afterImport = `${samPage.url()}: ${await samPage.locator('main').textContent()}`;
    await samPage.goto('/wallet');
    expect(await samPage.locator('main').textContent(), afterImport).toContain(badgeName);
  });

  it('declines another badge after confirming; it leaves the wallet and shows declined to the issuer', async () => {
    const adminPage = state.adminPage!;
    const otherId = await issue(adminPage, earner);
    const mail = await openMail(adminPage, { to: earner.email, subject: new RegExp(badgeName) });
    const claimUrl = mail.links.find((l) => l.startsWith(`${h.url}/claim/`) && l !== state.claimUrl);
    expect(claimUrl, `a new claim link among ${mail.links.join(', ')}`).toBeTruthy();
    await earnerPage.goto(claimUrl!);
    await earnerPage.getByRole('button', { name: 'Accept into my wallet' }).click();
    await earnerPage.waitForURL(/\/wallet\/[^/?]+\?accepted=1/);
    const otherItem = new URL(earnerPage.url()).pathname;
    expect(otherItem).not.toBe(state.earnerItem);
    expect(await earnerPage.locator(`main a[href="/c/${otherId}"]`).count()).toBeGreaterThan(0);
    await earnerPage.goto('/wallet');
    expect(await earnerPage.locator(`main a[href="${otherItem}"]`).count()).toBe(1);

    // The button asks for confirmation; dismissing it changes nothing.
    await earnerPage.goto(otherItem);
    earnerPage.once('dialog', (d) => d.dismiss());
    await earnerPage.getByRole('button', { name: 'Decline for good' }).click();
    await earnerPage.goto('/wallet');
    expect(await earnerPage.locator(`main a[href="${otherItem}"]`).count()).toBe(1);

    await earnerPage.goto(otherItem);
    await confirmAndClick(earnerPage, earnerPage.getByRole('button', { name: 'Decline for good' }));
    await earnerPage.goto('/wallet');
    expect(await earnerPage.locator(`main a[href="${otherItem}"]`).count()).toBe(0);
    expect(await earnerPage.locator(`main a[href="${state.earnerItem}"]`).count()).toBe(1);

    await adminPage.goto(`/manage/${org.slug}/awards/${otherId}`);
    expect(await adminPage.locator('main').textContent()).toContain('Declined');
    await adminPage.goto(`/manage/${org.slug}/awards`);
    expect(await adminPage.locator('main').textContent()).toContain('Declined');
  });
});

describe('journey 3: a verifier checks the badge, before and after it is revoked', () => {
  async function verifyUpload(page: Page) {
    await page.goto('/verify');
    await page.locator('main input[name="file"]').setInputFiles(state.pngPath!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForLoadState();
  }

  it('shows the downloaded PNG as valid, then revoked with the reason', async () => {
    expect(state.pngPath, 'journey 2 downloaded the baked PNG').toBeTruthy();
    const { page } = await h.newPerson();
    await verifyUpload(page);
    expect(await verdictOf(page), (await page.locator('main').textContent()) ?? '').toBe('Valid');
    expect(await page.locator('main').textContent()).toContain(org.name);

    // The public page's address works too: its JSON-LD alternate link leads to the credential.
    await page.goto('/verify');
    await page.locator('main textarea[name="text"]').fill(`${h.url}/c/${state.awardId}`);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForLoadState();
    expect(await verdictOf(page), (await page.locator('main').textContent()) ?? '').toBe('Valid');

    const adminPage = state.adminPage!;
    await adminPage.goto(`/manage/${org.slug}/awards/${state.awardId}`);
    await adminPage.locator('textarea[name="reason"]').fill('Awarded for the wrong course');
    await adminPage.locator('input[name="confirm"]').check();
    await confirmAndClick(adminPage, adminPage.getByRole('button', { name: 'Revoke this badge' }));
    expect(await adminPage.locator('main').textContent()).toContain('Awarded for the wrong course');

    await verifyUpload(page);
    expect(await verdictOf(page)).toBe('Not valid: revoked');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Awarded for the wrong course');
  });
});
