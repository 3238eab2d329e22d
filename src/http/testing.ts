// Test-only: the whole platform on a throwaway database, built once per describe block, with
// factories for the people who use it (an account, a signed-in session with its CSRF token, a
// browser that keeps cookies).
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { FORM, formBody, makeUser, type TestSession, sessionFor, testBrowser } from '../accounts/testing.ts';
import { type Config, testConfig } from '../config.ts';
import type { Db } from '../db/index.ts';
import { type Dialect, useTestDatabase } from '../db/testing.ts';
import { createAppContext } from '../features.ts';
import type { AppContext } from './context.ts';
import { buildServer } from './server.ts';

export interface TestApp {
  readonly db: Db;
  readonly config: Config;
  readonly ctx: AppContext;
  readonly app: FastifyInstance;
  /** A new account (verified email, the test password). */
  user(input?: Parameters<typeof makeUser>[1]): ReturnType<typeof makeUser>;
  /** Cookies and CSRF token acting as `userId` (none: a visitor with a CSRF token). */
  session(userId?: string): Promise<TestSession>;
  /** A browser that keeps its cookies and the CSRF token of the last page it saw. */
  browser(ip?: string): ReturnType<typeof testBrowser>;
  /** A urlencoded form post as `session`, its CSRF token in the body. */
  postForm(
    url: string,
    session: TestSession,
    fields?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** A JSON API call as `session`, its CSRF token in the header. */
  sendJson(
    method: InjectOptions['method'],
    url: string,
    session: TestSession,
    payload: object,
  ): Promise<LightMyRequestResponse>;
  /** An API call authenticated by the API key `key`. */
  withKey(
    key: string,
    method: InjectOptions['method'],
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse>;
}

export function useTestApp(dialect: Dialect, options: { config?: Partial<Config> } = {}): TestApp {
  const t = useTestDatabase(dialect);
  let ctx: AppContext | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    ctx = createAppContext(t.db, testConfig(options.config));
    app = await buildServer(ctx);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.runtime.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('test app not ready (use it inside a test or hook)');
    return v;
  };
  return {
    get db() {
      return t.db;
    },
    get config() {
      return ready(ctx).config;
    },
    get ctx() {
      return ready(ctx);
    },
    get app() {
      return ready(app);
    },
    user: (input) => makeUser(t.db, input),
    session: (userId) => sessionFor(t.db, ready(ctx).config, userId),
    browser: (ip) => testBrowser(ready(app), ip),
    postForm: (url, session, fields = {}) =>
      ready(app).inject({
        method: 'POST',
        url,
        cookies: session.cookies,
        headers: FORM,
        payload: formBody(session, fields),
      }),
    sendJson: (method, url, session, payload) =>
      ready(app).inject({
        method,
        url,
        cookies: session.cookies,
        headers: { 'x-csrf-token': session.csrf },
        payload,
      }),
    withKey: (key, method, url, payload) =>
      ready(app).inject({ method, url, headers: { authorization: `Bearer ${key}` }, payload }),
  };
}

/** A multipart/form-data body as a browser sends it (text fields and files), for app.inject. */
export function multipart(
  parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[],
) {
  const boundary = `----laurel${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename
      ? `form-data; name="${p.name}"; filename="${p.filename}"`
      : `form-data; name="${p.name}"`;
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`,
      ),
    );
    chunks.push(Buffer.from(p.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
