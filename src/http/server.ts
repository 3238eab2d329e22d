import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import { Type } from 'typebox';
import { schemaKeywords } from './schemas.ts';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { SESSION_COOKIE, loadSession } from '../accounts/sessions.ts';
import { resolveApiKey } from '../apikeys/access.ts';
import { databaseIsUp } from '../db/health.ts';
import { type DeclaredRoute, registerAccess } from './access.ts';
import type { AppContext } from './context.ts';
import { registerCsrf, sendMintedCsrfCookie } from './csrf.ts';
import { features } from '../features.ts';
import { registerUploads } from './multipart.ts';
import { registerNulGuard } from './nul-guard.ts';
import { type LogSink, readableLog } from './log-format.ts';
import { OneLinePerRequest, redactTokens, requestLogger, stdoutLog } from './request-log.ts';
import { handleError } from './problem.ts';
import { sharedRequestStore } from '../limits/request-store.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The page may be shown in a frame on other sites (the embeddable badge card). */
    frameable?: boolean;
    /**
     * The answer is the same whoever asks (health, assets, public documents): the request's
     * session cookie or API key is not looked up.
     */
    anonymous?: boolean;
  }
}

/** Assembles the platform: shared plumbing first, then every feature in its own scope. */
export async function buildServer(
  ctx: AppContext,
  opts: {
    logger?: boolean;
    /** Readable lines (default: when stdout is a terminal) or JSON, to stdout unless `to` is given. */
    log?: { readable?: boolean; to?: LogSink };
    /** Filled with every route and its declared access (the authorization matrix reads it). */
    declaredAccess?: DeclaredRoute[];
  } = {},
): Promise<FastifyInstance> {
  const readable = opts.log?.readable ?? process.stdout.isTTY === true;
  const sink = readable ? readableLog(opts.log?.to ?? process.stdout) : (opts.log?.to ?? stdoutLog());
  const app = Fastify({
    logController: new OneLinePerRequest(),
    ...(opts.logger ? { childLoggerFactory: requestLogger } : {}),
    logger: opts.logger
      ? {
          level: 'info',
          stream: sink,
          redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
          // Emailed links carry single-use secrets in the path: they never reach the log.
          serializers: {
            req: (req: { method: string; url: string; ip?: string }) => ({
              method: req.method,
              url: redactTokens(req.url),
              remoteAddress: req.ip,
            }),
          },
        }
      : false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: ctx.config.trustProxy,
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: true },
      // `x-message`: what a form shows beside a field whose value breaks the schema (http/forms.ts).
      plugins: [schemaKeywords],
    },
  });

  app.decorateRequest('user', null);
  app.decorateRequest('apiKey', null);
  app.decorateReply('html', function (page: { toString(): string }, status = 200) {
    return this.status(status)
      .type('text/html; charset=utf-8')
      .send('<!doctype html>' + page.toString());
  });

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 2 * 1024 * 1024 });
  // Limits come from each upload route's config (src/http/multipart.ts).
  await app.register(multipart);
  // Counted in the database, so a route's limit holds across every process (src/limits).
  await app.register(rateLimit, { global: false, store: sharedRequestStore(ctx.db) });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Laurel API',
        version: '1',
        description:
          'Issue, revoke and list Open Badges 3.0 credentials, manage badge templates and verify credentials. ' +
          'Authenticate with an organization API key: `Authorization: Bearer <key>`.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    handleError(
      Object.assign(new Error('not found'), {
        statusCode: 404,
        code: 'NOT_FOUND',
        message: 'There is nothing at this address.',
      }),
      request,
      reply,
    ),
  );
  // Callback-style hooks with a synchronous way through: a request with nothing for a hook to do
  // (no key, no session cookie, no upload, a public route) costs no promise and no extra tick.
  app.addHook('onRequest', (request, _reply, done) => {
    const token = request.cookies[SESSION_COOKIE];
    if (!token && request.headers.authorization === undefined) return done();
    if (request.routeOptions.config?.anonymous) return done();
    identify(ctx, request, token).then(() => done(), done);
  });
  registerCsrf(app, ctx.config.secret);
  registerUploads(app);
  registerNulGuard(app);
  registerAccess(app, ctx, opts.declaredAccess);
  if (ctx.config.checkResponses) (await import('./response-check.ts')).registerResponseCheck(app);
  const secureCookies = ctx.config.secureCookies;
  const hsts = ctx.config.baseUrl.startsWith('https://');
  const csp = (frameAncestors: string) =>
    `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors ${frameAncestors}`;
  const CSP = csp("'none'");
  const CSP_FRAMEABLE = csp('*');
  app.addHook('onSend', (request, reply, payload, done) => {
    sendMintedCsrfCookie(request, reply, secureCookies);
    if (hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    // What an authenticated caller sees is theirs alone: no shared or back-button cache keeps it.
    if ((request.user || request.apiKey) && !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    reply.header('x-content-type-options', 'nosniff');
    // The rest governs documents a browser renders (pages, SVG); JSON, tokens, PNG, styles and
    // scripts are never rendered as documents under nosniff, and the bytes go on every answer.
    if (NOT_A_DOCUMENT.test(String(reply.getHeader('content-type') ?? ''))) return done(null, payload);
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    const frameable = request.routeOptions.config?.frameable === true;
    if (!reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', frameable ? CSP_FRAMEABLE : CSP);
    if (!frameable) reply.header('x-frame-options', 'DENY');
    done(null, payload);
  });

  registerAssets(app);
  // A pair for load balancers and supervisors: /livez says the process answers (restart it when it
  // does not); /healthz says it can serve (take it out of rotation while its database is away).
  const Health = Type.Object({ ok: Type.Boolean(), database: Type.Optional(Type.String()) });
  app.get(
    '/livez',
    {
      schema: { hide: true, response: { 200: Health } },
      config: { access: 'public', csrf: false, anonymous: true },
    },
    async () => ({ ok: true }),
  );
  app.get(
    '/healthz',
    {
      schema: { hide: true, response: { 200: Health, 503: Health } },
      config: { access: 'public', csrf: false, anonymous: true },
    },
    async (_request, reply) =>
      (await databaseIsUp(ctx.db))
        ? { ok: true, database: 'up' }
        : reply.status(503).header('retry-after', '5').send({ ok: false, database: 'down' }),
  );
  app.get(
    '/api/openapi.json',
    { schema: { hide: true }, config: { access: 'public', anonymous: true } },
    async () => app.swagger(),
  );

  for (const feature of features) {
    const { routes } = feature;
    if (routes)
      await app.register(async (scope) => routes(scope.withTypeProvider<TypeBoxTypeProvider>(), ctx));
  }
  return app;
}

/** Answers that no browser renders as a document (so they need no CSP or frame rules). */
const NOT_A_DOCUMENT = /^(application\/([a-z.+-]*json|jwt)|image\/png|text\/css|text\/javascript|font\/)/;

/** Who the request speaks for: a live API key alone (a cookie beside it is ignored), else its session. */
async function identify(ctx: AppContext, request: FastifyRequest, sessionToken: string | undefined) {
  request.apiKey = await resolveApiKey(ctx, request);
  if (!request.apiKey && sessionToken) request.user = await loadSession(ctx.db, sessionToken);
}

const ASSETS = fileURLToPath(new URL('../ui/assets/', import.meta.url));
const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ttf: 'font/ttf',
  woff2: 'font/woff2',
};

/** The few static files, read once at start and served with a short cache. */
function registerAssets(app: FastifyInstance) {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(ASSETS)) files.set(name, readFileSync(join(ASSETS, name)));
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/assets/:name',
    {
      schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 100 }) }) },
      config: { access: 'public', anonymous: true },
    },
    async (request, reply) => {
      const body = files.get(request.params.name);
      if (!body) return reply.callNotFound();
      const ext = request.params.name.split('.').pop() ?? '';
      return reply
        .type(TYPES[ext] ?? 'application/octet-stream')
        .header('cache-control', 'public, max-age=3600')
        .send(body);
    },
  );
  // Browsers ask for /favicon.ico on pages that name no icon (and some do regardless).
  app.get(
    '/favicon.ico',
    { schema: { hide: true }, config: { access: 'public', anonymous: true } },
    async (_request, reply) =>
      reply.type(TYPES.svg!).header('cache-control', 'public, max-age=86400').send(files.get('favicon.svg')),
  );
}
