import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AccountTables {
  users: {
    id: Generated<string>;
    name: string;
    handle: string | null;
    passwordHash: string | null;
    isAdmin: Generated<boolean>;
    profilePublic: Generated<boolean>;
    bio: string | null;
    mergedInto: string | null;
    createdAt: Timestamp;
  };
  userEmails: {
    id: Generated<string>;
    userId: string;
    email: string;
    verifiedAt: Date | null;
    isPrimary: Generated<boolean>;
    createdAt: Timestamp;
  };
  sessions: {
    id: string;
    userId: string;
    createdAt: Timestamp;
    expiresAt: Date;
    userAgent: string | null;
  };
  authTokens: {
    id: string;
    kind: 'verify_email' | 'reset_password' | 'login_link' | 'merge_account';
    userId: string | null;
    email: string;
    createdAt: Timestamp;
    expiresAt: Date;
    usedAt: Date | null;
  };
  /** Rate-limit counters shared by every process (migration 0101). */
  rateLimits: {
    key: string;
    windowStart: Date;
    hits: number;
  };
}
