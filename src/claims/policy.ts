// Rules about claims: what a claim link may still do, who a waiting badge belongs to, what can be declined.
import { LaurelError } from '../errors.ts';
import type { Claim } from './service.ts';

/** The error for a claim that cannot be shown or acted on. */
export function refuse(claim: Claim): never {
  switch (claim.kind) {
    case 'unknown':
      throw new LaurelError('NOT_FOUND', 'This claim link is not valid.');
    case 'used':
      throw new LaurelError('CONFLICT', 'This claim link has already been used.');
    case 'rejected':
      throw new LaurelError('GONE', 'This badge was declined and no longer exists.');
    case 'revoked':
      throw new LaurelError('GONE', 'The issuer has revoked this badge.');
    case 'expired':
      throw new LaurelError('GONE', 'This badge has expired, and its claim link with it.');
    default:
      throw new LaurelError('CONFLICT', 'This badge is already in your wallet.');
  }
}

/** A badge waits for an account when it was sent to one of the account's confirmed addresses. */
export const isAddressedTo = (award: { recipientEmail: string | null }, confirmedEmails: string[]) =>
  award.recipientEmail !== null && confirmedEmails.includes(award.recipientEmail);

/** Only a badge issued here can be declined from the wallet (an imported one is removed instead). */
export function declinableAward(item: { awardId: string | null }): string {
  if (!item.awardId) throw new LaurelError('CONFLICT', 'Only a badge issued here can be declined.');
  return item.awardId;
}
