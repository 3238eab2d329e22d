// Rules about accounts' data: what a name, handle and profile must be, which address may be
// removed or made primary, who may follow a merge link, what a merged account passes on.
// Called by the services.
import { type FieldError, LaurelError, invalid } from '../errors.ts';

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{2,30}$/;
const RESERVED_HANDLES = new Set([
  'admin',
  'api',
  'me',
  'new',
  'edit',
  'settings',
  'laurel',
  'root',
  'support',
]);

/** An account holds at most this many addresses. */
export const MAX_ADDRESSES = 20;

export function nameProblems(name: string): FieldError[] {
  if (!name) return [{ field: 'name', message: 'Enter your name.' }];
  if (name.length > 100) return [{ field: 'name', message: 'Use at most 100 characters.' }];
  return [];
}

/** A profile as it is to be saved (trimmed, handle lower-case); INVALID with field errors otherwise. */
export function checkProfile(input: { name: string; handle: string; bio: string; profilePublic: boolean }) {
  const errors = [...nameProblems(input.name)];
  const { handle } = input;
  if (handle && (!HANDLE_PATTERN.test(handle) || RESERVED_HANDLES.has(handle))) {
    errors.push({
      field: 'handle',
      message: RESERVED_HANDLES.has(handle)
        ? 'This handle is reserved. Choose another one.'
        : '3 to 31 characters: lower-case letters, digits and hyphens, starting with a letter or digit.',
    });
  }
  if (input.bio.length > 500) errors.push({ field: 'bio', message: 'Use at most 500 characters.' });
  if (input.profilePublic && !handle) {
    errors.push({ field: 'handle', message: 'Choose a handle to give your public profile an address.' });
  }
  if (errors.length) throw invalid('Please correct the errors below.', errors);
}

export const handleTaken = () =>
  invalid('Please correct the errors below.', [{ field: 'handle', message: 'This handle is taken.' }]);

export function assertRoomForAddress(count: number): void {
  if (count >= MAX_ADDRESSES) throw invalid(`An account holds at most ${MAX_ADDRESSES} addresses.`);
}

/** An address being added must be free; the message says whose it is (the owner knows it already). */
export function assertAddressFree(owner: { userId: string } | undefined, userId: string): void {
  if (!owner) return;
  throw invalid('Please correct the errors below.', [
    {
      field: 'email',
      message:
        owner.userId === userId
          ? 'This address is already on your account.'
          : 'This address belongs to another account. To bring it here, merge that account into this one.',
    },
  ]);
}

export function assertCanBePrimary(address: { verifiedAt: Date | null }): void {
  if (!address.verifiedAt) throw invalid('Confirm this address before making it your primary one.');
}

export function assertRemovable(address: { isPrimary: boolean }): void {
  if (address.isPrimary)
    throw invalid('Your primary address cannot be removed. Make another one primary first.');
}

/**
 * A right password opens only an account with a confirmed address. The platform's
 * administrator is exempt: on a fresh install without mail, the link would land in a mailbox
 * only they can open.
 */
export const mayLogInUnconfirmed = (account: { isAdmin: boolean }) => account.isAdmin;

/** A merge link works only for the account that asked for it. */
export function assertMergeLinkFor(linkUserId: string, currentUserId: string): void {
  if (linkUserId !== currentUserId) {
    throw new LaurelError(
      'FORBIDDEN',
      'This merge link was made for another account. Log in to that account to use it.',
    );
  }
}

export function assertOtherAccount(ownerId: string, userId: string): void {
  if (ownerId === userId) {
    throw invalid('Please correct the errors below.', [
      { field: 'email', message: 'This address is already on your account.' },
    ]);
  }
}

interface Carried {
  isAdmin: boolean;
  handle: string | null;
  bio: string | null;
}

/** What only the merged account had carries over: admin rights, and a handle and bio if this one has none. */
export const mergedProfile = (to: Carried, from: Carried): Carried => ({
  isAdmin: to.isAdmin || from.isAdmin,
  handle: to.handle ?? from.handle,
  bio: to.bio ?? from.bio,
});
