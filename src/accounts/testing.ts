/**
 * Factories for tests of every feature: an account, and the cookies + CSRF token that make
 * `app.inject` requests act as that account.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { CSRF_COOKIE } from '../http/csrf.ts';
import { runJobsUntilIdle } from '../jobs/worker.ts';
import { sendEmail } from '../mail/deliver.ts';
import { type User, createUser } from './service.ts';
import { SESSION_COOKIE, createSession } from './sessions.ts';
import { createAppContext } from '../features.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeUser(
  db: Db,
  input: { name?: string; email?: string; password?: string; admin?: boolean; verified?: boolean } = {},
): Promise<User & { email: string; password: string }> {
  const email = input.email ?? `user-${randomBytes(5).toString('hex')}@example.org`;
  const password = input.password ?? TEST_PASSWORD;
  const user = await createUser(db, {
    name: input.name ?? 'Test User',
    email,
    password,
    emailVerified: input.verified ?? true,
  });
  if (input.admin !== undefined)
    await db.updateTable('users').set({ isAdmin: input.admin }).where('id', '=', user.id).execute();
  return { ...user, isAdmin: input.admin ?? user.isAdmin, email: email.trim().toLowerCase(), password };
}

export interface TestSession {
  /** Pass as `cookies` to app.inject. */
  cookies: Record<string, string>;
  /** Put in a form's `_csrf` field or the `x-csrf-token` header. */
  csrf: string;
}

/** A signed-in session for `userId` (no user: just a CSRF cookie and token, as for a visitor). */
export async function sessionFor(db: Db, config: Config, userId?: string): Promise<TestSession> {
  const csrfValue = randomBytes(24).toString('base64url');
  const csrf = createHmac('sha256', config.secret).update(`csrf:${csrfValue}`).digest('base64url');
  const cookies: Record<string, string> = { [CSRF_COOKIE]: csrfValue };
  if (userId) cookies[SESSION_COOKIE] = await createSession(db, userId);
  return { cookies, csrf };
}

/** A urlencoded form body with the CSRF field, for `app.inject({ payload, headers: FORM })`. */
export function formBody(session: TestSession, fields: Record<string, string>): string {
  return new URLSearchParams({ _csrf: session.csrf, ...fields }).toString();
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/**
 * A browser for page tests: keeps its cookies and the CSRF token of the last page it saw, and
 * sends every request from one IP address.
 */
export function testBrowser(app: FastifyInstance, ip = '127.0.0.1') {
  const jar: Record<string, string> = {};
  let csrf = '';
  const remember = (res: LightMyRequestResponse) => {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (!c.value || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) delete jar[c.name];
      else jar[c.name] = c.value;
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) csrf = m[1]!;
    return res;
  };
  return {
    jar,
    get: async (url: string) =>
      remember(
        await app.inject({ url, remoteAddress: ip, cookies: { ...jar }, headers: { accept: 'text/html' } }),
      ),
    post: async (url: string, fields: Record<string, string> = {}, opts: { csrf?: boolean } = {}) =>
      remember(
        await app.inject({
          method: 'POST',
          url,
          remoteAddress: ip,
          cookies: { ...jar },
          headers: { ...FORM, accept: 'text/html' },
          payload: new URLSearchParams(opts.csrf === false ? fields : { _csrf: csrf, ...fields }).toString(),
        }),
      ),
  };
}

export type TestBrowser = ReturnType<typeof testBrowser>;

/** The links of the newest email to `to`, as paths (queued mail is delivered first). */
export async function newestMailLinks(db: Db, config: Config, to: string): Promise<string[]> {
  await runJobsUntilIdle(createAppContext(db, config), { handlers: { 'email.send': sendEmail } });
  const mail = await db
    .selectFrom('emails')
    .select('text')
    .where('toAddress', '=', to)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return [...(mail?.text ?? '').matchAll(/https?:\/\/\S+/g)].map((m) => m[0].replace(config.baseUrl, ''));
}

/** Follows the sign-up link mailed to `to` in `browser` (page, then its button): now logged in. */
export async function finishSignup(browser: TestBrowser, db: Db, config: Config, to: string) {
  const link = (await newestMailLinks(db, config, to)).find((l) => l.startsWith('/login/link/'));
  if (!link) throw new Error(`no sign-up link mailed to ${to}`);
  await browser.get(link);
  const next = new URL(link, 'http://x').searchParams.get('next');
  return browser.post(link.split('?')[0]!, next ? { next } : {});
}
