// What leaves the accounts feature: an account and its addresses as other features and the
// pages see them.
import type { Selectable } from 'kysely';
import type { AccountTables } from './tables.ts';

export interface User {
  id: string;
  name: string;
  handle: string | null;
  isAdmin: boolean;
  profilePublic: boolean;
  bio: string | null;
  hasPassword: boolean;
  primaryEmail: string | null;
  createdAt: Date;
}

export interface UserEmail {
  id: string;
  email: string;
  verified: boolean;
  primary: boolean;
  createdAt: Date;
}

/** The columns of `users` (with the primary address joined) that make a User. */
export interface UserRow {
  id: string;
  name: string;
  handle: string | null;
  isAdmin: boolean;
  profilePublic: boolean;
  bio: string | null;
  passwordHash: string | null;
  createdAt: Date;
  primaryEmail: string | null;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  handle: r.handle,
  isAdmin: r.isAdmin,
  profilePublic: r.profilePublic,
  bio: r.bio,
  hasPassword: r.passwordHash !== null,
  primaryEmail: r.primaryEmail,
  createdAt: r.createdAt,
});

export const toUserEmail = (r: Selectable<AccountTables['userEmails']>): UserEmail => ({
  id: r.id,
  email: r.email,
  verified: r.verifiedAt !== null,
  primary: r.isPrimary,
  createdAt: r.createdAt,
});
