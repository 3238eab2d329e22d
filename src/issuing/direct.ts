// Issuing straight into an earner's wallet: for the badges people ask for while signed in (an
// approved application, a redeemed claim code), where the account's verified address is the
// recipient and there is nothing left to claim.
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { LaurelError } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import { issuerDid } from '../orgs/presenters.ts';
import { badgeUrl } from '../public/presenters.ts';
import { addIssuedItem, type WalletItem } from '../wallet/service.ts';
import { type PreparedIssuer, writeAwards } from './issue.ts';
import type { Award } from './service.ts';
import type { EvidenceItem } from './tables.ts';
import { normalizeAddress } from './validate.ts';

export interface DirectAwardInput {
  userId: string;
  recipientName: string;
  /** A verified address of `userId` (the caller checks it). */
  recipientEmail: string;
  evidenceNarrative?: string | null;
  evidence?: EvidenceItem[];
  createdBy?: string | null;
  issuedAt?: Date;
  /**
   * The earlier award this one renews: cited last in the evidence, and marked "renewed by" this
   * one (it stays valid). The caller has checked it is the earner's and not renewed yet.
   */
  renews?: { awardId: string; issuedAt: Date } | null;
}

/** The evidence item that cites a renewed credential by its public page. */
export function renewalEvidence(config: Config, renews: { awardId: string; issuedAt: Date }): EvidenceItem {
  return {
    id: badgeUrl(config, renews.awardId),
    name: 'The credential this one renews',
    narrative: `Renews the credential issued on ${renews.issuedAt.toISOString().slice(0, 10)}.`,
    genre: 'Renewal',
  };
}

/**
 * Signs, stores (with its status entry), accepts into the wallet and queues the "it is in your
 * wallet" email, all inside the caller's transaction, so the caller's own check (a code's uses,
 * an application's state) and the award commit together or not at all. `issuer` comes from
 * prepareIssuer, called before the transaction.
 */
export async function issueIntoWallet(
  trx: Transaction<Database>,
  ctx: AppContext,
  issuer: PreparedIssuer,
  input: DirectAwardInput,
): Promise<{ award: Award; item: WalletItem }> {
  const issuedAt = input.issuedAt ?? new Date();
  const validUntil = issuer.validUntilFor(issuedAt);
  if (validUntil && validUntil.getTime() <= issuedAt.getTime())
    throw new LaurelError(
      'CONFLICT',
      `This badge’s template makes every badge expire on ${validUntil.toISOString().slice(0, 10)}, which has passed: it cannot be issued until the template’s expiry is changed.`,
    );
  const [written] = await writeAwards(trx, ctx.config, issuer, [
    {
      recipientName: input.recipientName.trim(),
      recipientEmail: normalizeAddress(input.recipientEmail),
      issuedAt,
      validUntil,
      evidenceUrl: null,
      evidenceNarrative: input.evidenceNarrative?.trim() || null,
      evidence: [
        ...(input.evidence ?? []),
        ...(input.renews ? [renewalEvidence(ctx.config, input.renews)] : []),
      ],
      intoWalletOf: input.userId,
      createdBy: input.createdBy ?? null,
    },
  ]);
  if (!written) throw new LaurelError('CONFLICT', 'The badge could not be stored; please try again.');
  if (input.renews)
    await trx
      .updateTable('awards')
      .set({ renewedBy: written.award.id })
      .where('id', '=', input.renews.awardId)
      .execute();
  const item = await addIssuedItem(trx, {
    userId: input.userId,
    awardId: written.award.id,
    badgeName: issuer.template.name,
    badgeDescription: issuer.template.description,
    issuerName: issuer.org.name,
    issuerId: issuerDid(ctx.config, issuer.org.slug),
    validUntil,
  });
  return { award: written.award, item };
}
