import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export type Visibility = 'private' | 'public';

export interface WalletTables {
  walletItems: {
    id: Generated<string>;
    userId: string;
    awardId: string | null;
    credentialText: string | null;
    format: string | null;
    sourceUrl: string | null;
    credentialHash: string | null;
    issuerName: string;
    issuerId: string | null;
    badgeName: string;
    badgeDescription: string | null;
    image: Buffer | null;
    imageType: string | null;
    imageUrl: string | null;
    validUntil: NullableTimestamp;
    visibility: ColumnType<Visibility, Visibility | undefined, Visibility>;
    showRecipientName: Generated<boolean>;
    addedAt: Timestamp;
    updatedAt: Timestamp;
    lastVerifiedAt: NullableTimestamp;
    lastReport: Json;
  };
  engagementEvents: {
    awardId: string;
    orgId: string;
    templateId: string;
    kind: string;
    day: ColumnType<string, string, string>;
    count: Generated<number>;
  };
}
