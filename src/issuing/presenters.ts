// The shapes in which awards leave the server through the API: one place decides which
// recipient data goes out.
import { Type } from 'typebox';
import type { Config } from '../config.ts';
import { isoSeconds } from './credential.ts';
import { ob2AssertionUrl } from './ob2.ts';
import { type Award, displayState } from './service.ts';

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
