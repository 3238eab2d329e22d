// Rules about wallet data: who sees an award issued here, whose item is whose, what may be removed.
import { LaurelError, notFound } from '../errors.ts';
import type { Visibility } from './tables.ts';

/** The privacy facts of an award's page (see awardVisibility in service.ts). */
export interface AwardVisibility {
  itemId: string;
  userId: string;
  visibility: Visibility;
  showRecipientName: boolean;
  updatedAt: Date;
}

/**
 * The one rule for every representation of an award issued here (its page, JSON, images, embed,
 * preview, OB 2.0 hosted assertion and baked downloads): it must be accepted, still held by the
 * account that accepted it, and public — or the viewer is that earner. Unclaimed, declined and
 * private awards are seen by nobody else. Revoked ones stay visible, marked as revoked.
 */
export function awardAccess(
  award: { state: string; claimedBy: string | null },
  visibility: AwardVisibility | null,
  viewerId: string | null,
): 'public' | 'owner' | null {
  if (award.state !== 'accepted' || !visibility || award.claimedBy !== visibility.userId) return null;
  if (viewerId !== null && viewerId === visibility.userId) return 'owner';
  return visibility.visibility === 'public' ? 'public' : null;
}

/** An earner's item is theirs alone: anyone else's is NOT_FOUND, exactly like a missing one. */
export function assertOwnItem<T extends { userId: string }>(item: T | null, userId: string): T {
  if (!item || item.userId !== userId) throw notFound('That badge');
  return item;
}

/** Only an imported badge can be removed; one issued here is declined (or made private) instead. */
export function assertRemovable(item: { awardId: string | null }): void {
  if (item.awardId)
    throw new LaurelError('CONFLICT', 'A badge issued here cannot be removed; make it private instead.');
}

/** The stored image of an imported badge: its owner always, others only while it is public. */
export const maySeeItem = (item: { visibility: Visibility; userId: string }, viewerId: string | null) =>
  item.visibility === 'public' || item.userId === viewerId;

/** Declining a waiting badge is permanent: it takes an explicit confirmation. */
export const declineRefused = () =>
  new LaurelError('INVALID', 'Declining is permanent: confirm it to decline.', [
    { field: 'confirm', message: 'Tick the box to confirm.' },
  ]);
