// The public verifier: a form at /verify (works without JavaScript) and POST /api/v1/verify.
// Anyone may use them; both are rate-limited per IP because a verification can fetch URLs.
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { type Static, Type } from 'typebox';
import { OpenBadgesError } from '@laurel/openbadges/errors';
import { unreadableStep } from '@laurel/openbadges/verify';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { isUploadedFile } from '../http/multipart.ts';
import { handleError } from '../http/problem.ts';
import { pageContext } from '../http/auth.ts';
import {
  EMPTY_SENTENCE,
  MAX_VERIFY_BYTES,
  TOO_LARGE_SENTENCE,
  type VerifyRequestInput,
  cleanRecipientEmail,
  decodeBase64Image,
  inputFromBytes,
  inputFromText,
  imagePreview,
  tooLarge,
} from './input.ts';
import { VerifyPage, VerifyResultPage } from './pages.tsx';
import { type VerificationReport, verifyOnPlatform } from './platform-verify.ts';

const RATE_LIMIT = { max: 30, timeWindow: '1 minute' };
// Base64 of a 5 MB image in a JSON body, with room for the other fields.
const API_BODY_LIMIT = Math.ceil((MAX_VERIFY_BYTES * 4) / 3) + 64 * 1024;
const RAW_TYPES = ['image/png', 'image/svg+xml', 'application/jwt'];

const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { description: 'RFC 9457 problem details.' },
);

const VerifyBody = Type.Object({
  credential: Type.Optional(
    Type.Union(
      [Type.Object({}, { additionalProperties: true }), Type.String({ maxLength: API_BODY_LIMIT })],
      {
        description: 'An OB 3.0 credential or OB 2.0 assertion, as an object or as JSON text.',
      },
    ),
  ),
  url: Type.Optional(
    Type.String({
      maxLength: 2000,
      description: 'The address of a hosted badge (e.g. an OB 2.0 assertion).',
    }),
  ),
  jwt: Type.Optional(
    Type.String({ maxLength: API_BODY_LIMIT, description: 'A VC-JWT or an OB 2.0 signed assertion (JWS).' }),
  ),
  imageBase64: Type.Optional(
    Type.String({
      maxLength: API_BODY_LIMIT,
      description: 'A baked PNG or SVG badge, base64-encoded (5 MB at most).',
    }),
  ),
  recipientEmail: Type.Optional(
    Type.String({
      maxLength: 254,
      description: 'Checked against the credential’s hashed recipient; never stored.',
    }),
  ),
  followRefresh: Type.Optional(
    Type.Boolean({
      description:
        'When the credential names a refresh service and its issuer signed it, fetch the copy the service returns and check that instead.',
    }),
  ),
});
type VerifyBody = Static<typeof VerifyBody>;

const VerifyQuery = Type.Object({
  recipientEmail: Type.Optional(Type.String({ maxLength: 254, description: 'For raw uploads.' })),
});

const Step = Type.Object({
  id: Type.String(),
  title: Type.String(),
  result: Type.Union([
    Type.Literal('pass'),
    Type.Literal('fail'),
    Type.Literal('warn'),
    Type.Literal('skipped'),
  ]),
  message: Type.String(),
  code: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
});

const Report = Type.Object(
  {
    verdict: Type.Union([Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('indeterminate')]),
    status: Type.Optional(
      Type.String({ description: 'valid, expired, revoked, not-yet-valid or suspended' }),
    ),
    summary: Type.String(),
    format: Type.String({ description: 'ob3-json, ob3-jwt, ob2-hosted, ob2-signed or unknown' }),
    container: Type.Optional(Type.String()),
    credential: Type.Optional(Type.Object({}, { additionalProperties: true })),
    issuer: Type.Optional(
      Type.Object({
        id: Type.String(),
        name: Type.Optional(Type.String()),
        url: Type.Optional(Type.String()),
      }),
    ),
    recipient: Type.Optional(Type.Object({}, { additionalProperties: true })),
    achievement: Type.Optional(Type.Object({}, { additionalProperties: true })),
    validFrom: Type.Optional(Type.String()),
    validUntil: Type.Optional(Type.String()),
    steps: Type.Array(Step),
  },
  { description: 'The verification report: a verdict, one sentence, and each check in order.' },
);

const FormBody = Type.Object({
  _csrf: Type.Optional(Type.String()),
  text: Type.Optional(Type.String({ maxLength: MAX_VERIFY_BYTES })),
  recipientEmail: Type.Optional(Type.String({ maxLength: 254 })),
  followRefresh: Type.Optional(Type.String({ maxLength: 10 })),
  file: Type.Optional(Type.Any({ description: 'The badge file.' })),
});
type FormBody = Static<typeof FormBody>;

const sendJson = (reply: FastifyReply, status: number, body: unknown) =>
  reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));

const isTooLarge = (e: unknown) => {
  const err = e as FastifyError & { code?: string };
  return (
    err?.statusCode === 413 ||
    err?.code === 'FST_REQ_FILE_TOO_LARGE' ||
    err?.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ||
    (e instanceof LaurelError && e.code === 'TOO_LARGE')
  );
};

/** Reads the JSON API body (or a raw upload) into one input for the verifier. */
function apiInput(request: FastifyRequest): VerifyRequestInput {
  const body = request.body as unknown;
  const query = request.query as Static<typeof VerifyQuery>;
  if (Buffer.isBuffer(body)) {
    return {
      value: inputFromBytes(new Uint8Array(body)),
      recipientEmail: cleanRecipientEmail(query.recipientEmail),
    };
  }
  if (typeof body === 'string') {
    return { value: inputFromText(body), recipientEmail: cleanRecipientEmail(query.recipientEmail) };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new LaurelError('INVALID', 'Send a JSON object or a badge file.');
  }
  const b = body as VerifyBody & Record<string, unknown>;
  // A credential posted as is (application/json) rather than wrapped in { credential }.
  if ('@context' in b) return { value: b, recipientEmail: cleanRecipientEmail(query.recipientEmail) };
  const given = (['credential', 'url', 'jwt', 'imageBase64'] as const).filter(
    (k) => b[k] !== undefined && b[k] !== '',
  );
  if (given.length === 0) {
    throw new LaurelError('INVALID', 'Send one of credential, url, jwt or imageBase64.', [
      { field: 'credential', message: 'Send one of credential, url, jwt or imageBase64.' },
    ]);
  }
  if (given.length > 1) {
    throw new LaurelError('INVALID', 'Send only one of credential, url, jwt or imageBase64.', [
      { field: given[1], message: 'Send only one of credential, url, jwt or imageBase64.' },
    ]);
  }
  return {
    value: sentBadge(b, given[0]!),
    recipientEmail: cleanRecipientEmail(b.recipientEmail ?? query.recipientEmail),
    followRefresh: b.followRefresh === true,
  };
}

/** The badge in a JSON API body: the one field of credential, url, jwt or imageBase64 that was sent. */
function sentBadge(
  b: VerifyBody,
  field: 'credential' | 'url' | 'jwt' | 'imageBase64',
): VerifyRequestInput['value'] {
  switch (field) {
    case 'credential':
      return typeof b.credential === 'string' ? inputFromText(b.credential) : (b.credential as object);
    case 'url': {
      const url = b.url!.trim();
      if (!/^https?:\/\//i.test(url)) {
        throw new LaurelError('INVALID', 'The url must be an http or https address.', [
          { field: 'url', message: 'Use an http or https address.' },
        ]);
      }
      return url;
    }
    case 'jwt':
      return inputFromText(b.jwt!);
    default:
      return inputFromBytes(decodeBase64Image(b.imageBase64!));
  }
}

/** Reads the form: an uploaded file wins over pasted text. */
function formInput(body: FormBody): VerifyRequestInput {
  const options = {
    recipientEmail: cleanRecipientEmail(body.recipientEmail),
    followRefresh: body.followRefresh === 'on',
  };
  const file = body.file;
  if (isUploadedFile(file)) {
    if (file.data.length > MAX_VERIFY_BYTES) throw tooLarge();
    const data = new Uint8Array(file.data);
    return { value: inputFromBytes(data), imageSrc: imagePreview(data), ...options };
  }
  if (!body.text?.trim()) throw new LaurelError('INVALID', EMPTY_SENTENCE);
  return { value: inputFromText(body.text), ...options };
}

export function verificationRoutes(app: FastifyInstance, ctx: AppContext) {
  // Raw badge uploads to the API. Scoped to this feature: other routes do not accept them.
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Too-large uploads get the verifier's own sentence, on a page for the form and as a problem for the API.
  app.setErrorHandler(async (error, request, reply) => {
    if (isTooLarge(error)) {
      if (request.url.startsWith('/api/')) {
        return reply.status(413).type('application/problem+json').send({
          type: 'urn:laurel:problem:too_large',
          title: 'Too large',
          status: 413,
          detail: TOO_LARGE_SENTENCE,
          code: 'TOO_LARGE',
        });
      }
      return reply.html(VerifyPage({ ctx: pageContext(request), error: TOO_LARGE_SENTENCE }), 413);
    }
    return handleError(error, request, reply);
  });

  app.get('/verify', { schema: { hide: true } }, async (request, reply) =>
    reply.html(VerifyPage({ ctx: pageContext(request) })),
  );

  app.post<{ Body: FormBody }>(
    '/verify',
    {
      schema: { hide: true, body: FormBody },
      attachValidation: true,
      config: {
        rateLimit: RATE_LIMIT,
        // Room for the pasted text (up to the same size as a file) beside the small fields.
        upload: {
          access: 'public',
          fileBytes: MAX_VERIFY_BYTES,
          files: 1,
          textBytes: MAX_VERIFY_BYTES + 64 * 1024,
        },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const text = typeof body.text === 'string' ? body.text : undefined;
      // What the form shows again after an error (a huge paste is not echoed back).
      const keep = {
        text: text && text.length <= 100_000 ? text : undefined,
        recipientEmail: typeof body.recipientEmail === 'string' ? body.recipientEmail : undefined,
        followRefresh: body.followRefresh === 'on',
      };
      let input: VerifyRequestInput;
      try {
        if (request.validationError) {
          if ((text?.length ?? 0) > MAX_VERIFY_BYTES) throw tooLarge();
          throw new LaurelError('INVALID', 'The form could not be read. Check the fields and try again.');
        }
        input = formInput(body);
      } catch (e) {
        if (!(e instanceof LaurelError)) throw e;
        const status = e.code === 'TOO_LARGE' ? 413 : 422;
        const message = e.fields[0] ? `${e.message} ${e.fields[0].message}` : e.message;
        return reply.html(VerifyPage({ ctx: pageContext(request), values: keep, error: message }), status);
      }
      const report = await verifyOnPlatform(ctx, input.value, {
        recipientEmail: input.recipientEmail,
        followRefresh: input.followRefresh,
      });
      const unreadable = unreadableStep(report);
      if (unreadable) {
        return reply.html(
          VerifyPage({ ctx: pageContext(request), values: keep, error: unreadable.message }),
          422,
        );
      }
      return reply.html(
        VerifyResultPage({
          ctx: pageContext(request),
          report,
          baseUrl: ctx.config.baseUrl,
          imageSrc: input.imageSrc,
          values: { ...keep, recipientEmail: input.recipientEmail },
        }),
      );
    },
  );

  app.post<{ Body: VerifyBody; Querystring: Static<typeof VerifyQuery> }>(
    '/api/v1/verify',
    {
      bodyLimit: API_BODY_LIMIT,
      // No cookies are read here, so there is nothing for a cross-site request to borrow.
      config: { csrf: false, rateLimit: RATE_LIMIT } as FastifyContextConfig,
      schema: {
        tags: ['Verification'],
        summary: 'Verify a badge',
        description:
          'Checks an Open Badges 2.0 or 3.0 credential: format, structure, signature and key, issuer, validity dates, ' +
          'revocation status and, when `recipientEmail` is given, the recipient. Send a JSON object with exactly one of ' +
          '`credential`, `url`, `jwt` or `imageBase64`, or the badge itself as the body (`image/png`, `image/svg+xml`, ' +
          '`application/json`, `application/jwt` or `text/plain`; then `recipientEmail` goes in the query string). ' +
          'The answer is 200 whatever the verdict. No authentication; rate-limited per IP.',
        querystring: VerifyQuery,
        body: {
          content: {
            'application/json': { schema: VerifyBody },
            'image/png': { schema: Type.Any({ description: 'A baked PNG badge.' }) },
            'image/svg+xml': { schema: Type.Any({ description: 'A baked SVG badge.' }) },
            'application/jwt': { schema: Type.Any({ description: 'A VC-JWT or OB 2.0 JWS.' }) },
            'text/plain': { schema: Type.Any({ description: 'A badge URL, credential JSON or a JWT.' }) },
          },
        },
        response: {
          200: Report,
          400: Problem,
          413: Problem,
          415: Problem,
          422: Problem,
          429: Problem,
        },
      },
    },
    async (request, reply) => {
      const input = apiInput(request);
      const report: VerificationReport = await verifyOnPlatform(ctx, input.value, {
        recipientEmail: input.recipientEmail,
        followRefresh: input.followRefresh,
      });
      // Not a badge at all: a problem with the library's code (PNG_NO_CREDENTIAL, JSON_INVALID, …).
      const unreadable = unreadableStep(report);
      if (unreadable?.code) throw new OpenBadgesError(unreadable.code, unreadable.message);
      return sendJson(reply, 200, report);
    },
  );
}
