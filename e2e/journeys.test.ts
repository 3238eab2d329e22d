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
import { type Harness, startHarness } from './harness.ts';
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
