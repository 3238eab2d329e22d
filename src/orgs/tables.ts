import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type OrgRole = 'owner' | 'admin' | 'issuer' | 'reviewer' | 'viewer';

export interface OrgTables {
  orgs: {
    id: Generated<string>;
    slug: string;
    name: string;
    website: string | null;
    contactEmail: string | null;
    description: string | null;
    logo: Buffer | null;
    logoType: string | null;
    linkedinOrgId: string | null;
    reminderDays: ColumnType<number[], number[] | undefined, number[]>;
    createdAt: Timestamp;
  };
  orgMembers: {
    orgId: string;
    userId: string;
    role: OrgRole;
    createdAt: Timestamp;
  };
  orgKeys: {
    id: Generated<string>;
    orgId: string;
    keyId: string;
    publicKey: Buffer;
    secretSealed: Buffer;
    status: 'active' | 'retired';
    createdAt: Timestamp;
    retiredAt: Date | null;
  };
  orgInvitations: {
    id: Generated<string>;
    orgId: string;
    email: string;
    role: OrgRole;
    tokenHash: string;
    invitedBy: string | null;
    createdAt: Timestamp;
    expiresAt: Date;
    acceptedAt: Date | null;
    acceptedBy: string | null;
  };
}
