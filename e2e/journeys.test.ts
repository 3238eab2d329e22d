/**
 * The three journeys of the design, in a real browser against the real platform: an issuer
 * admin designs and issues a badge, the earner claims, publishes and shares it, and a verifier
 * checks it before and after it is revoked. The steps build on each other, so they run in order
 * and share state; a failing step saves screenshots of every open page.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, openMail, startHarness } from './harness.ts';
import { tinyPng } from './images.ts';

let h: Harness;
const files = mkdtempSync(join(tmpdir(), 'laurel-e2e-files-'));

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
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
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toContain('no badge baked into it');
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
    await expect.poll(() => page.locator('main h1').first().textContent()).toMatch(/admin/i);
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
    await expect.poll(() => preview.getAttribute('src')).not.toBe(before);
    expect(await preview.getAttribute('src')).toContain('Careful');
    await expect
      .poll(() => preview.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}/);
    state.templateId = /templates\/([0-9a-f-]{36})/.exec(page.url())![1];
    await confirmAndClick(page, page.getByRole('button', { name: 'Publish' }));
    await expect.poll(() => page.locator('main').textContent()).toContain('active');
  });

  it('issues the badge to an email and finds the award email in the dev mailbox', async () => {
    const page = state.adminPage!;
    state.awardId = await issue(page, earner);
    const mail = await openMail(page, { to: earner.email });
    expect(mail.subject).toContain(badgeName);
    state.claimUrl = mail.links.find((l) => l.startsWith(`${h.url}/claim/`));
    expect(state.claimUrl, `claim link among ${mail.links.join(', ')}`).toBeTruthy();
  });
});
