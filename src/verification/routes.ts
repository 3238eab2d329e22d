// The public verifier's JSON API (POST /api/v1/verify) and what its scope shares with the form:
// the body parsers and the refusals. Anyone may use both, so both bound the work a request can
// cause: input limits checked before any JSON-LD work, verification in a worker pool with a
// deadline, and a per-address budget that counts bytes and computation rather than requests.
import { OpenBadgesError } from '@laurel/openbadges/errors';
import { checkTextLimits, unreadableStep } from '@laurel/openbadges/verify';
import { Type } from 'typebox';
import type { App } from '../http/context.ts';
import { handleError } from '../http/problem.ts';
import { problems } from '../http/schemas.ts';
import { checkInputLimits, TOO_LARGE_SENTENCE } from './input.ts';
import { publicVerifier, spendBudget, verifyCharged } from './public-verifier.ts';
import { isTooLarge, refusalOf, sendRefusal } from './refusals.ts';
import { apiInput } from './request-input.ts';
import { API_BODY_LIMIT, RAW_TYPES, Report, VerifyBody, VerifyQuery } from './schemas.ts';
import { type VerificationContext, verifierSettings } from './settings.ts';

/** The scope's parsers and error handler: the form and the API answer refusals the same way. */
export function verificationScope(app: App, ctx: VerificationContext): void {
  // Raw badge uploads to the API. Scoped to this feature: other routes do not accept them.
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  // Only an image in base64 makes a JSON body larger than a credential or token can be: a bigger
  // body without one is refused before it is parsed (parsing 4 MB of JSON blocks for tens of ms).
  const { limits } = verifierSettings(ctx);
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // The largest JSON body that needs no image: the token of a credential at the limit (4/3 of it), and the other fields.
  const maxJsonWithoutImage = Math.ceil((limits.maxBytes * 4) / 3) + 64 * 1024;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (text.length > maxJsonWithoutImage && !text.includes('"imageBase64"')) {
      const over = checkTextLimits(text, limits);
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
}

export function verificationRoutes(app: App, ctx: VerificationContext): void {
  app.post(
    '/api/v1/verify',
    {
      bodyLimit: API_BODY_LIMIT,
      onRequest: spendBudget(ctx),
      // No cookies are read here, so there is nothing for a cross-site request to borrow.
      config: { access: 'public', csrf: false },
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
        response: { 200: Report, ...problems(400, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      const input = apiInput(request.body, request.query);
      checkInputLimits(input.value, publicVerifier(ctx).settings.limits);
      const report = await verifyCharged(ctx, request, input);
      // Not a badge at all: a problem with the library's code (PNG_NO_CREDENTIAL, JSON_INVALID, …).
      const unreadable = unreadableStep(report);
      if (unreadable?.code) throw new OpenBadgesError(unreadable.code, unreadable.message);
      return report;
    },
  );
}
