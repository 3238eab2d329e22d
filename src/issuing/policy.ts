// Rules about awards as data: which organization sees an award, which states allow which
// change, and how the state an issuer sees is derived. Called by the services.
import { LaurelError, notFound } from '../errors.ts';
import type { Award } from './service.ts';
import type { AwardState } from './tables.ts';

/** The state shown and filtered on: the claim state, or what overrides it. */
export type AwardFilterState = AwardState | 'revoked' | 'expired';

export const AWARD_FILTER_STATES: readonly AwardFilterState[] = [
  'pending',
  'accepted',
  'rejected',
  'revoked',
  'expired',
];

/** The display state of an award: rejected and revoked win over expired, expired over the claim state. */
export function displayState(
  award: Pick<Award, 'state' | 'revokedAt' | 'validUntil'>,
  now = new Date(),
): AwardFilterState {
  if (award.state === 'rejected') return 'rejected';
  if (award.revokedAt) return 'revoked';
  if (award.validUntil && award.validUntil < now) return 'expired';
  return award.state;
}

/** An organization sees only its own awards: another's reads as one that does not exist. */
export function awardOfOrg(award: Award | null, orgId: string): Award {
  if (!award || award.orgId !== orgId) throw notFound('That award');
  return award;
}

/** A revocation is final: revoking twice is a conflict, not a second reason. */
export function checkRevocable(award: Award): void {
  if (award.revokedAt) throw new LaurelError('CONFLICT', 'This award is already revoked.');
}

/** Only an award still waiting for its recipient can be sent to them again. */
export function checkResendable(award: Award): void {
  if (award.state !== 'pending' || award.revokedAt || !award.recipientEmail)
    throw new LaurelError('CONFLICT', 'Only a pending, unrevoked award can be sent again.');
}

/**
 * Why an award that could not be accepted by `userId` is refused; accepting twice by the same
 * user is a no-op (the award comes back). A claim token is single-use: another account gets CONFLICT.
 */
export function acceptRefusal(award: Award, userId: string): Award {
  if (award.state === 'accepted' && award.claimedBy === userId) return award;
  if (award.state === 'rejected')
    throw new LaurelError('GONE', 'This badge was declined and no longer exists.');
  if (award.revokedAt) throw new LaurelError('GONE', 'This badge has been revoked by its issuer.');
  throw new LaurelError('CONFLICT', 'This badge has already been claimed by another account.');
}
