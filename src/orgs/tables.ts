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
}
