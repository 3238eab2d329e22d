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
  is_admin: boolean;
  profile_public: boolean;
  bio: string | null;
  password_hash: string | null;
  created_at: Date;
  primary_email: string | null;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  name: r.name,
  handle: r.handle,
  isAdmin: r.is_admin,
  profilePublic: r.profile_public,
  bio: r.bio,
  hasPassword: r.password_hash !== null,
  primaryEmail: r.primary_email,
  createdAt: r.created_at,
});

export const toUserEmail = (r: Selectable<AccountTables['user_emails']>): UserEmail => ({
  id: r.id,
  email: r.email,
  verified: r.verified_at !== null,
  primary: r.is_primary,
  createdAt: r.created_at,
});
