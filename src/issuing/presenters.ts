// The shapes in which awards leave the server through the API: one place decides which
// recipient data goes out.
import { Type } from 'typebox';
import type { Config } from '../config.ts';
import { isoSeconds } from '../util/dates.ts';
import { ob2AssertionUrl } from './ob2.ts';
import { type AwardVisibility, awardAccess } from '../wallet/policy.ts';
import { displayState } from './policy.ts';
import type { Award } from './service.ts';

export const AwardSummarySchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  templateId: Type.String({ format: 'uuid' }),
  recipientName: Type.Union([Type.String(), Type.Null()]),
  recipientEmail: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.String({ format: 'date-time' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  evidenceUrl: Type.Union([Type.String(), Type.Null()]),
  evidenceNarrative: Type.Union([Type.String(), Type.Null()]),
  state: Type.String({ description: 'pending, accepted, rejected, revoked or expired' }),
  claimState: Type.String({ description: 'pending, accepted or rejected' }),
  claimedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revocationReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  publicUrl: Type.String(),
  ob2AssertionUrl: Type.String(),
  claimUrl: Type.Optional(Type.String({ description: 'Only in the response that created the award.' })),
});

export const AwardWarningSchema = Type.Object(
  {
    code: Type.Literal('POSSIBLE_DUPLICATE'),
    message: Type.String(),
    awardIds: Type.Array(Type.String({ format: 'uuid' }), {
      description: 'The earlier awards, newest first.',
    }),
  },
  { description: 'Issued, but probably not what the caller meant.' },
);

/** The answer to an issue request: the award, and warnings about it when there are any. */
export const IssuedAwardSchema = Type.Object(
  {
    ...AwardSummarySchema.properties,
    warnings: Type.Optional(
      Type.Array(AwardWarningSchema, {
        description:
          'Present when the new award repeats earlier ones: the same template to the same (normalized) email within 24 hours.',
      }),
    ),
  },
  { description: 'Issued. When it repeats a recent award, with `warnings` and a `Warning` header.' },
);

export const AwardDetailSchema = Type.Intersect([
  AwardSummarySchema,
  Type.Object({
    credential: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
      description: 'The signed OpenBadgeCredential (Data Integrity eddsa-rdfc-2022); null once declined.',
    }),
    credentialJwt: Type.Union([Type.String(), Type.Null()], {
      description: 'The same credential as a VC-JWT (EdDSA).',
    }),
  }),
]);

const iso = (d: Date | null) => (d ? isoSeconds(d) : null);

export function presentAward(config: Config, a: Award & { claimUrl?: string }) {
  return {
    id: a.id,
    templateId: a.templateId,
    recipientName: a.recipientName,
    recipientEmail: a.recipientEmail,
    issuedAt: isoSeconds(a.issuedAt),
    validUntil: iso(a.validUntil),
    evidenceUrl: a.evidenceUrl,
    evidenceNarrative: a.evidenceNarrative,
    state: displayState(a),
    claimState: a.state,
    claimedAt: iso(a.claimedAt),
    revokedAt: iso(a.revokedAt),
    revocationReason: a.revocationReason,
    createdAt: isoSeconds(a.createdAt),
    publicUrl: `${config.baseUrl}/c/${a.id}`,
    ob2AssertionUrl: ob2AssertionUrl(config, a.id),
    ...(a.claimUrl ? { claimUrl: a.claimUrl } : {}),
  };
}

export function presentAwardDetail(config: Config, a: Award & { claimUrl?: string }) {
  return {
    ...presentAward(config, a),
    credential: a.credentialJson ? (JSON.parse(a.credentialJson) as Record<string, unknown>) : null,
    credentialJwt: a.credentialJwt || null,
  };
}

/** The warning for an award that repeats `earlier` (see findRecentRepeats). */
export function repeatWarning(earlier: { id: string }[]) {
  const ids = earlier.map((a) => a.id);
  return {
    code: 'POSSIBLE_DUPLICATE' as const,
    message:
      `Issued, but the same badge template was issued to the same email in the last 24 hours (award${ids.length > 1 ? 's' : ''} ${ids.join(', ')}). ` +
      'If this was a retry, revoke the duplicate; send an Idempotency-Key header to make retries safe.',
    awardIds: ids,
  };
}

/** The same warning as an HTTP `Warning` header (RFC 7234 §5.5, code 299: a persistent warning). */
export const warningHeader = (w: { message: string }) => `299 - "${w.message.replace(/["\\]/g, '')}"`;

/** Whether the award's public page (and OB 2.0 assertion) opens, and if not, why: for its issuer. */
export type PublicPageStatus = { open: true; note?: string } | { open: false; why: string };

/**
 * The issuer's view of the visibility rule (awardAccess, as a visitor): once it opens, revoking
 * keeps it open with the revoked banner; otherwise the reason, in the earner's terms.
 */
export function publicPageStatus(
  a: Pick<Award, 'state' | 'revokedAt' | 'claimedBy'>,
  earner: AwardVisibility | null,
): PublicPageStatus {
  if (awardAccess(a, earner, null) === 'public')
    return a.revokedAt ? { open: true, note: 'It shows the badge as revoked.' } : { open: true };
  if (a.state === 'rejected')
    return { open: false, why: 'Declined by the earner: the badge has no public page.' };
  if (a.state === 'pending')
    return {
      open: false,
      why: a.revokedAt
        ? 'Revoked before the earner accepted it: the badge has no public page.'
        : 'Not public yet: the earner has not accepted it.',
    };
  return { open: false, why: 'The earner keeps this badge private.' };
}
