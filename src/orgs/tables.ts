import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type OrgRole = 'owner' | 'admin' | 'issuer' | 'viewer';

export interface OrgTables {
  orgs: {
    id: Generated<string>;
    slug: string;
    name: string;
    website: string | null;
    contact_email: string | null;
    description: string | null;
    logo: Buffer | null;
    logo_type: string | null;
    linkedin_org_id: string | null;
    reminder_days: ColumnType<number[], number[] | undefined, number[]>;
    created_at: Timestamp;
  };
  org_members: {
    org_id: string;
    user_id: string;
    role: OrgRole;
    created_at: Timestamp;
  };
  org_keys: {
    id: Generated<string>;
    org_id: string;
    key_id: string;
    public_key: Buffer;
    secret_sealed: Buffer;
    status: 'active' | 'retired';
    created_at: Timestamp;
    retired_at: Date | null;
  };
  org_invitations: {
    id: Generated<string>;
    org_id: string;
    email: string;
    role: OrgRole;
    token_hash: string;
    invited_by: string | null;
    created_at: Timestamp;
    expires_at: Date;
    accepted_at: Date | null;
    accepted_by: string | null;
  };
}
