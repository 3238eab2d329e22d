/**
 * A claim code in a real browser against the real platform: an issuer publishes a badge and
 * creates a shared event code; a newcomer opens /redeem, types the code, signs up on the way,
 * confirms the address from the mail in the development mailbox, comes back to /redeem with the
 * code filled in, redeems it and finds the badge in the wallet. The steps build on each other.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openMail, publishBadge, useHarness } from './harness.ts';

const harness = useHarness();
const POLL = { timeout: 20_000 };

const issuer = { name: 'Cora Codes', email: 'cora@events.example', password: 'a long enough passphrase 7' };
const newcomer = {
  name: 'Nia Newcomer',
  email: 'nia@learner.example',
  password: 'another long passphrase 8',
};
const org = { name: 'Events Guild', slug: 'events-guild' };
const badgeName = 'Launch Day Attendee';
const typedCode = 'launch day 2027';

const state: { issuerPage?: Page; templateId?: string } = {};

async function fillSignUp(page: Page, who: { name: string; email: string; password: string }) {
  const form = page.locator('form[action="/signup"]');
  await form.locator('[name="name"]').fill(who.name);
  await form.locator('[name="email"]').fill(who.email);
  await form.locator('[name="password"]').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForLoadState();
}

describe('redeeming a claim code after signing up', () => {
  it('an issuer publishes a badge and creates a shared event code', async () => {
    const { page } = await harness().newPerson();
    state.issuerPage = page;
    // The platform's first account is its administrator and is logged in at once.
    await page.goto('/signup');
    await fillSignUp(page, issuer);
    state.templateId = await publishBadge(page, org, {
      name: badgeName,
      description: 'Was there when it launched.',
      criteria: 'Attend the launch day.',
    });

    // From the template's page to its claim codes.
    await page.getByRole('link', { name: 'Claim codes', exact: true }).last().click();
    await page.waitForURL(`**/templates/${state.templateId}/claim-codes`);
    await page.getByLabel('Name').first().fill('Launch day');
    await page.locator('#f-code').fill(typedCode);
    await page.getByLabel('Limit of uses').fill('100');
    await page.getByRole('button', { name: 'Create shared code' }).click();
    await page.waitForURL(/\/claim-codes\/[0-9a-f-]{36}\?created=1/);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('LAUN-CHDA-Y202-7');
    expect(main).toContain('0 of 100');
  });

  it('a newcomer types the code, signs up on the way and comes back with the code kept', async () => {
    const { page } = await harness().newPerson();
    await page.goto('/redeem');
    await page.getByLabel('Claim code').fill(typedCode);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.locator('main h1').textContent(), POLL)
      .toContain('Log in to redeem your code');
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL(/\/signup\?next=/);
    await fillSignUp(page, newcomer);
    await expect.poll(() => page.locator('main h1').textContent(), POLL).toContain('Check your email');

    // The mailed link confirms the address and logs in, then goes on to /redeem.
    const mail = await openMail(state.issuerPage!, { to: newcomer.email, subject: /Finish creating/ });
    const link = mail.links.find((l) => l.startsWith(`${harness().url}/login/link/`));
    expect(link, `a sign-up link among ${mail.links.join(', ')}`).toBeTruthy();
    await page.goto(link!);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/redeem?code=*');
    expect(await page.getByLabel('Claim code').inputValue()).toBe(typedCode);

    await page.getByRole('button', { name: 'Redeem' }).click();
    await page.waitForURL(/\/wallet\/[0-9a-f-]{36}\?accepted=1/);
    await expect.poll(() => page.locator('main').textContent(), POLL).toContain(badgeName);

    await page.goto('/wallet');
    await expect.poll(() => page.locator('main').textContent(), POLL).toContain(badgeName);

    // The same code a second time: the badge is already there.
    await page.goto('/redeem');
    await page.getByLabel('Claim code').fill('LAUN-CHDA-Y202-7');
    await page.getByRole('button', { name: 'Redeem' }).click();
    await expect
      .poll(() => page.locator('main').textContent(), POLL)
      .toContain('You already have this badge');
  });

  it('the issuer sees who redeemed the code', async () => {
    const page = state.issuerPage!;
    await page.goto(`/manage/${org.slug}/claim-codes`);
    await page.getByRole('link', { name: 'Launch day', exact: true }).click();
    await page.waitForLoadState();
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('1 of 100');
    expect(main).toContain(newcomer.name);
    expect(main).toContain(newcomer.email);
  });
});
