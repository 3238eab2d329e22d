// What the public verifier accepts and answers: the JSON API's body, query and report, and the form.
import { type Static, Type } from 'typebox';
import { FormBody, FormFlag, FormText } from '../http/schemas.ts';
import { MAX_VERIFY_BYTES } from './input.ts';

// Base64 of a 5 MB image in a JSON body, with room for the other fields.
export const API_BODY_LIMIT = Math.ceil((MAX_VERIFY_BYTES * 4) / 3) + 64 * 1024;
/** Badges the API takes as the raw body. */
export const RAW_TYPES = ['image/png', 'image/svg+xml', 'application/jwt'];

export const VerifyBody = Type.Object({
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
export type VerifyBody = Static<typeof VerifyBody>;

export const VerifyQuery = Type.Object({
  recipientEmail: Type.Optional(Type.String({ maxLength: 254, description: 'For raw uploads.' })),
});
export type VerifyQuery = Static<typeof VerifyQuery>;

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

/** The library's VerificationReport, every field of it (the API answers it through this schema). */
export const Report = Type.Object(
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
    recipient: Type.Optional(
      Type.Object({
        id: Type.Optional(Type.String()),
        identityType: Type.Optional(Type.String()),
        hashed: Type.Optional(Type.Boolean()),
        matched: Type.Optional(Type.Boolean()),
      }),
    ),
    achievement: Type.Optional(
      Type.Object({
        id: Type.Optional(Type.String()),
        name: Type.Optional(Type.String()),
        description: Type.Optional(Type.String()),
        image: Type.Optional(Type.String()),
      }),
    ),
    validFrom: Type.Optional(Type.String()),
    validUntil: Type.Optional(Type.String()),
    steps: Type.Array(Step),
  },
  { description: 'The verification report: a verdict, one sentence, and each check in order.' },
);

/** The form at /verify: a file or pasted text, and the recipient check. */
export const VerifyForm = FormBody({
  _csrf: FormText(),
  text: FormText({ maxLength: MAX_VERIFY_BYTES }),
  recipientEmail: FormText({ maxLength: 254 }),
  followRefresh: FormFlag,
  file: Type.Optional(Type.Any({ description: 'The badge file.' })),
});
