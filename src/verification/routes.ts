// The public verifier: a form at /verify (works without JavaScript) and POST /api/v1/verify.
// Anyone may use them, so both bound the work a request can cause: input limits checked before
// any JSON-LD work, verification in a worker pool with a deadline, and a per-address budget that
// counts bytes and computation rather than requests.
import type {
  FastifyContextConfig,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import { type Static, Type } from 'typebox';
import { OpenBadgesError } from '@laurel/openbadges/errors';
import { checkTextLimits, unreadableStep, type VerificationReport } from '@laurel/openbadges/verify';
import { LaurelError } from '../errors.ts';
import { isUploadedFile } from '../http/multipart.ts';
import { handleError } from '../http/problem.ts';
import { pageContext } from '../http/auth.ts';
import { type Admission, clientKey, createCostLimiter } from './cost-limit.ts';
import {
  checkInputLimits,
  EMPTY_SENTENCE,
  MAX_VERIFY_BYTES,
  TOO_LARGE_SENTENCE,
  type VerifyRequestInput,
  cleanRecipientEmail,
  decodeBase64Image,
  inputFromBytes,
  inputFromText,
  imagePreview,
  refusalStatus,
  tooLarge,
} from './input.ts';
import { VerifyPage, type VerifyFormValues, VerifyResultPage } from './pages.tsx';
import { verifyUntrusted } from './platform-verify.ts';
import { type VerificationContext, verifierSettings } from './settings.ts';
import { createVerifierPool, VerifierError } from './verify-pool.ts';

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

type Refusal = { status: number; code: string; detail: string; retryAfter?: number };

const VERIFIER_REFUSALS: Record<VerifierError['reason'], { status: number; code: string }> = {
  timeout: { status: 422, code: 'VERIFY_TIMEOUT' },
  crashed: { status: 422, code: 'VERIFY_FAILED' },
  busy: { status: 503, code: 'BUSY' },
  closed: { status: 503, code: 'UNAVAILABLE' },
};

/** Answers the verifier gives itself: input over a limit, a verification stopped, a busy pool. */
function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof OpenBadgesError && refusalStatus(error.code) !== 422)
    return { status: refusalStatus(error.code), code: error.code, detail: error.message };
  if (error instanceof VerifierError) {
    const r = VERIFIER_REFUSALS[error.reason];
    return { ...r, detail: error.message, ...(r.status === 503 ? { retryAfter: 5 } : {}) };
  }
  return undefined;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  413: 'Too large',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Unavailable',
};

function sendRefusal(request: FastifyRequest, reply: FastifyReply, r: Refusal, values?: VerifyFormValues) {
  if (r.retryAfter !== undefined) reply.header('retry-after', String(r.retryAfter));
  if (!request.url.startsWith('/api/'))
    return reply.html(VerifyPage({ ctx: pageContext(request), values, error: r.detail }), r.status);
  return reply
    .status(r.status)
    .type('application/problem+json')
    .send({
      type: `urn:laurel:problem:${r.code.toLowerCase()}`,
      title: TITLES[r.status] ?? 'Error',
      status: r.status,
      detail: r.detail,
      code: r.code,
    });
}

const budgetSentence = (seconds: number) =>
  `This address has used its verification budget for now (large or slow badges use it up faster). Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;

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

export function verificationRoutes(app: FastifyInstance, ctx: VerificationContext) {
  const settings = verifierSettings(ctx);
  const pool = createVerifierPool(settings.pool);
  app.addHook('onClose', () => pool.close());
  const budget = createCostLimiter(settings.cost);

  // Refused before the body is read when the address has no budget left; its bytes are charged here.
  const spendBudget = async (request: FastifyRequest, reply: FastifyReply) => {
    const client = clientKey(request.ip);
    const admission: Admission = budget.admit(client);
    if (!admission.ok) {
      return sendRefusal(request, reply, {
        status: 429,
        code: 'RATE_LIMITED',
        detail: budgetSentence(admission.retryAfterSeconds),
        retryAfter: admission.retryAfterSeconds,
      });
    }
    budget.charge(client, { requests: 1, bytes: Number(request.headers['content-length']) || 0 });
  };

  /** Verifies in the pool and charges the computation to the address (the deadline when stopped). */
  const verifyCharged = async (request: FastifyRequest, input: VerifyRequestInput) => {
    const client = clientKey(request.ip);
    // A body sent without a length (chunked) is charged for what it carried.
    if (
      !request.headers['content-length'] &&
      (typeof input.value === 'string' || input.value instanceof Uint8Array)
    )
      budget.charge(client, { bytes: input.value.length });
    try {
      const { report, computeMs } = await verifyUntrusted(ctx, pool, input.value, {
        recipientEmail: input.recipientEmail,
        followRefresh: input.followRefresh,
        limits: settings.limits,
        maxInputBytes: MAX_VERIFY_BYTES,
      });
      budget.charge(client, { computeMs });
      return report;
    } catch (e) {
      if (e instanceof VerifierError && e.reason === 'timeout')
        budget.charge(client, { computeMs: settings.pool.deadlineMs });
      throw e;
    }
  };

  // Raw badge uploads to the API. Scoped to this feature: other routes do not accept them.
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Only an image in base64 makes a JSON body larger than a credential or token can be: a bigger
  // body without one is refused before it is parsed (parsing 4 MB of JSON blocks for tens of ms).
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // The largest JSON body that needs no image: the token of a credential at the limit (4/3 of it), and the other fields.
  const maxJsonWithoutImage = Math.ceil((settings.limits.maxBytes * 4) / 3) + 64 * 1024;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length > maxJsonWithoutImage && !text.includes('"imageBase64"')) {
      const over = checkTextLimits(text, settings.limits);
      if (over) return done(new OpenBadgesError(over.code, over.message), undefined);
    }
    return parseJson(request, text, done);
  });

  // Refusals (too large, over a limit, stopped, busy) get the verifier's own sentence, on a page for
  // the form and as a problem for the API.
  app.setErrorHandler(async (error, request, reply) => {
    const refusal = isTooLarge(error)
      ? { status: 413, code: 'TOO_LARGE', detail: TOO_LARGE_SENTENCE }
      : refusalOf(error);
    if (refusal) return sendRefusal(request, reply, refusal);
    return handleError(error, request, reply);
  });

  app.get('/verify', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    reply.html(VerifyPage({ ctx: pageContext(request) })),
  );

  app.post<{ Body: FormBody }>(
    '/verify',
    {
      schema: { hide: true, body: FormBody },
      attachValidation: true,
      onRequest: spendBudget,
      config: {
        access: 'public',
        // Room for the pasted text (up to the same size as a file) beside the small fields.
        upload: {
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
        checkInputLimits(input.value, settings.limits);
      } catch (e) {
        const refusal = refusalOf(e);
        if (refusal) return sendRefusal(request, reply, refusal, keep);
        if (!(e instanceof LaurelError)) throw e;
        const status = e.code === 'TOO_LARGE' ? 413 : 422;
        const message = e.fields[0] ? `${e.message} ${e.fields[0].message}` : e.message;
        return reply.html(VerifyPage({ ctx: pageContext(request), values: keep, error: message }), status);
      }
      let report: VerificationReport;
      try {
        report = await verifyCharged(request, input);
      } catch (e) {
        const refusal = refusalOf(e);
        if (refusal) return sendRefusal(request, reply, refusal, keep);
        throw e;
      }
      const unreadable = unreadableStep(report);
      if (unreadable) {
        return reply.html(
          VerifyPage({ ctx: pageContext(request), values: keep, error: unreadable.message }),
          refusalStatus(unreadable.code),
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
      onRequest: spendBudget,
      // No cookies are read here, so there is nothing for a cross-site request to borrow.
      config: { access: 'public', csrf: false } as FastifyContextConfig,
      schema: {
        tags: ['Verification'],
        summary: 'Verify a badge',
        description:
          'Checks an Open Badges 2.0 or 3.0 credential: format, structure, signature and key, issuer, validity dates, ' +
          'revocation status and, when `recipientEmail` is given, the recipient. Send a JSON object with exactly one of ' +
          '`credential`, `url`, `jwt` or `imageBase64`, or the badge itself as the body (`image/png`, `image/svg+xml`, ' +
          '`application/json`, `application/jwt` or `text/plain`; then `recipientEmail` goes in the query string). ' +
          'The answer is 200 whatever the verdict. No authentication. A credential may be up to 1 MB of JSON, ' +
          '32 levels deep, with at most 1,000 items per list and 20,000 values (400 or 413 beyond); verification ' +
          'stops after 5 s of computation (422 VERIFY_TIMEOUT). Each address has a budget that big inputs and ' +
          'slow verifications spend faster than small ones (429 with Retry-After).',
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
          503: Problem,
        },
      },
    },
    async (request, reply) => {
      const input = apiInput(request);
      checkInputLimits(input.value, settings.limits);
      const report = await verifyCharged(request, input);
      // Not a badge at all: a problem with the library's code (PNG_NO_CREDENTIAL, JSON_INVALID, …).
      const unreadable = unreadableStep(report);
      if (unreadable?.code) throw new OpenBadgesError(unreadable.code, unreadable.message);
      return sendJson(reply, 200, report);
    },
  );
}
