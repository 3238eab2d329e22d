import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AccountTables {
  users: {
    id: Generated<string>;
    name: string;
    handle: string | null;
    password_hash: string | null;
    is_admin: Generated<boolean>;
    profile_public: Generated<boolean>;
    bio: string | null;
    merged_into: string | null;
    created_at: Timestamp;
  };
  user_emails: {
    id: Generated<string>;
    user_id: string;
    email: string;
    verified_at: Date | null;
    is_primary: Generated<boolean>;
    created_at: Timestamp;
  };
  sessions: {
    id: string;
    user_id: string;
    created_at: Timestamp;
    expires_at: Date;
    user_agent: string | null;
  };
  auth_tokens: {
    id: string;
    kind: 'verify_email' | 'reset_password' | 'login_link' | 'merge_account';
    user_id: string | null;
    email: string;
    created_at: Timestamp;
    expires_at: Date;
    used_at: Date | null;
  };
  /** Rate-limit counters shared by every process (migration 0101). */
  rate_limits: {
    key: string;
    window_start: Date;
    hits: number;
  };
}
