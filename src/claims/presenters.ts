// What leaves claiming: a claim link as the JSON API shows it.
import { type Static, Type } from 'typebox';
import type { AppContext } from '../http/context.ts';
import { orgUrl } from '../orgs/presenters.ts';
import { refuse } from './policy.ts';
import type { Claim } from './service.ts';

const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const ClaimViewSchema = Type.Object({
  state: Type.Union([Type.Literal('open'), Type.Literal('expired'), Type.Literal('accepted')], {
    description:
      'open: can be accepted or declined; expired: can only be declined; accepted: already in my wallet.',
  }),
  awardId: Type.String(),
  walletItemId: nullable(Type.String({ description: 'Set once accepted.' })),
  badge: Type.Optional(
    Type.Object({
      name: Type.String(),
      description: Type.String(),
      criteria: Type.String(),
      imageUrl: Type.String(),
    }),
  ),
  issuer: Type.Optional(Type.Object({ name: Type.String(), url: Type.String() })),
  recipient: Type.Optional(
    Type.Object({
      name: nullable(Type.String()),
      email: nullable(Type.String()),
      isMine: Type.Boolean({ description: 'The address is among my confirmed ones (signed in).' }),
    }),
  ),
  issuedAt: Type.Optional(Type.String({ format: 'date-time' })),
  validUntil: Type.Optional(nullable(Type.String({ format: 'date-time' }))),
});

export function presentClaim(ctx: AppContext, claim: Claim): Static<typeof ClaimViewSchema> {
  if (claim.kind === 'mine') return { state: 'accepted', awardId: claim.awardId, walletItemId: claim.itemId };
  if (claim.kind !== 'open' && claim.kind !== 'expired') refuse(claim);
  const { award, org, template } = claim;
  return {
    state: claim.kind,
    awardId: award.id,
    walletItemId: null,
    badge: {
      name: template.name,
      description: template.description,
      criteria: template.criteriaNarrative,
      imageUrl: `${orgUrl(ctx.config, org.slug)}/badges/${template.id}/image.png`,
    },
    issuer: { name: org.name, url: orgUrl(ctx.config, org.slug) },
    recipient: {
      name: award.recipientName,
      email: award.recipientEmail,
      isMine: claim.kind === 'open' && claim.emailIsViewers,
    },
    issuedAt: award.issuedAt.toISOString(),
    validUntil: award.validUntil?.toISOString() ?? null,
  };
}

/** The answer to accepting a badge, from its claim link or from the wallet's waiting list. */
export const AcceptedSchema = Type.Object({
  state: Type.Literal('accepted'),
  awardId: Type.String(),
  walletItemId: Type.String(),
});

export const presentAccepted = (item: {
  id: string;
  awardId: string | null;
}): Static<typeof AcceptedSchema> => ({
  state: 'accepted',
  awardId: item.awardId!,
  walletItemId: item.id,
});

/** The answer to declining a badge for good. */
export const RejectedSchema = Type.Object({ state: Type.Literal('rejected') });
