/**
 * Browser tests drive the real platform: `startPlatform` on a fresh PGlite data directory with
 * the worker on, served on 127.0.0.1 at a port picked beforehand (so PUBLIC_URL, and with it
 * every URL and did:web in the credentials, is the address the browser uses), and Debian's
 * Chromium through playwright-core.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { type Running, startPlatform } from '../src/http/start.ts';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];

/** Chromium's path, or an error that says how to get it: browser tests never skip silently. */
export function findChromium(): string {
  let found = '';
  try {
    found = execFileSync('sh', ['-c', 'command -v chromium || true']).toString().trim();
  } catch {
    found = '';
  }
  if (found) return found;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  throw new Error(
    'Chromium is not installed, and the browser tests need it. Install it with `apt-get install -y chromium` ' +
      '(.ci/run does this), then run the tests again.',
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface Harness {
  /** http://127.0.0.1:<port>, the platform's PUBLIC_URL. */
  url: string;
  platform: Running;
  browser: Browser;
  /** Where failure screenshots go (a temp dir, not committed). */
  shotsDir: string;
  /** A fresh browser context (cookies, storage) for one person. */
  newPerson(): Promise<{ context: BrowserContext; page: Page }>;
  /** Saves a screenshot of every open page under `name`; used when a step fails. */
  screenshotAll(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const executablePath = findChromium();
  const dataDir = mkdtempSync(join(tmpdir(), 'laurel-e2e-'));
  const shotsDir = join(dataDir, 'screenshots');
  mkdirSync(shotsDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LAUREL_SECRET: randomBytes(32).toString('hex'),
  });
  const platform = await startPlatform(config);
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  } catch (e) {
    await platform.stop();
    throw e;
  }
  const contexts: BrowserContext[] = [];
  let shot = 0;
  return {
    url,
    platform,
    browser,
    shotsDir,
    async newPerson() {
      const context = await browser.newContext({ baseURL: url, acceptDownloads: true });
      contexts.push(context);
      // Steps fail fast with a screenshot rather than waiting out the test's own timeout.
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      return { context, page };
    },
    async screenshotAll(name) {
      const files: string[] = [];
      for (const context of contexts) {
        for (const page of context.pages()) {
          if (page.isClosed()) continue;
          const file = join(
            shotsDir,
            `${String(++shot).padStart(2, '0')}-${name.replace(/[^a-z0-9-]+/gi, '_')}.png`,
          );
          await page.screenshot({ path: file, fullPage: true }).catch(() => {});
          files.push(file);
        }
      }
      return files;
    },
    async stop() {
      await browser.close().catch(() => {});
      await platform.stop();
      // Screenshots of a failed run are kept (their paths are in the failure message).
      if (shot === 0) rmSync(dataDir, { recursive: true, force: true });
      else rmSync(join(dataDir, 'pglite'), { recursive: true, force: true });
    },
  };
}

/**
 * The newest message to `to` in the development mailbox (/admin/mail), read with a platform
 * admin's page. Mail goes out through the job queue, so the mailbox is reloaded until it arrives.
 */
export async function openMail(
  adminPage: Page,
  opts: { to: string; subject?: RegExp; attempts?: number },
): Promise<{ subject: string; links: string[]; text: string }> {
  const attempts = opts.attempts ?? 120;
  for (let i = 0; i < attempts; i++) {
    await adminPage.goto('/admin/mail');
    const rows = adminPage.locator('a[href^="/admin/mail/"]');
    const count = await rows.count();
    for (let r = 0; r < count; r++) {
      const row = rows.nth(r);
      const container = row.locator('xpath=ancestor::*[self::tr or self::li or self::article][1]');
      const text =
        ((await container.count()) ? await container.textContent() : await row.textContent()) ?? '';
      if (!text.toLowerCase().includes(opts.to.toLowerCase())) continue;
      if (opts.subject && !opts.subject.test(text)) continue;
      await row.click();
      await adminPage.waitForLoadState();
      const body = (await adminPage.locator('main').textContent()) ?? '';
      const subject = ((await adminPage.locator('main h1').first().textContent()) ?? '').trim();
      // The message body may be shown in a sandboxed iframe (srcdoc) or inline.
      const hrefs = new Set<string>();
      for (const frame of adminPage.frames()) {
        for (const href of await frame
          .locator('a[href]')
          .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href))) {
          hrefs.add(href);
        }
      }
      for (const m of body.matchAll(/https?:\/\/[^\s"'<>)]+/g)) hrefs.add(m[0]);
      return { subject, links: [...hrefs], text: body };
    }
    await adminPage.waitForTimeout(250);
  }
  throw new Error(
    `No email to ${opts.to}${opts.subject ? ` matching ${opts.subject}` : ''} arrived in /admin/mail.`,
  );
}

/**
 * One harness for a file of steps: started before the first, stopped after the last, and a
 * screenshot of every open page when a step fails. Read it through the returned getter.
 */
export function useHarness(): () => Harness {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(async (context) => {
    if (h && context.task.result?.state === 'fail') {
      const shots = await h.screenshotAll(context.task.name);
      console.error(`Screenshots of the failed step "${context.task.name}":\n  ${shots.join('\n  ')}`);
    }
  });
  return () => {
    if (!h) throw new Error('The harness starts before the first step.');
    return h;
  };
}

/**
 * As a signed-in platform user: creates the organization, then a badge template in it, and
 * publishes it. Returns the template's id (the journeys start from a published badge).
 */
export async function publishBadge(
  page: Page,
  org: { name: string; slug: string },
  badge: { name: string; description: string; criteria: string },
): Promise<string> {
  await page.goto('/orgs');
  await page.locator('form[action="/orgs"] [name="name"]').fill(org.name);
  await page.locator('form[action="/orgs"] [name="slug"]').fill(org.slug);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL(`**/manage/${org.slug}`);

  await page.goto(`/manage/${org.slug}/templates/new`);
  const form = page.locator('form[data-preview-url]');
  await form.locator('[name="name"]').fill(badge.name);
  await form.locator('[name="description"]').fill(badge.description);
  await form.locator('[name="criteriaNarrative"]').fill(badge.criteria);
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.waitForURL(/\/templates\/[0-9a-f-]{36}/);
  const templateId = /templates\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  page.once('dialog', (d) => d.accept());
  await page.getByRole('button', { name: 'Publish' }).click();
  await expect.poll(() => page.locator('main').textContent(), { timeout: 20_000 }).toContain('active');
  return templateId;
}
