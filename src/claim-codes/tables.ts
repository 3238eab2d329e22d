import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type CodeSetKind = 'shared' | 'batch';

export interface ClaimCodeTables {
  claimCodeSets: {
    id: Generated<string>;
    orgId: string;
    templateId: string;
    kind: CodeSetKind;
    label: string;
    opensAt: Date | null;
    closesAt: Date | null;
    codeCount: number;
    disabledAt: Date | null;
    createdBy: string | null;
    apiKeyId: string | null;
    createdAt: Timestamp;
  };
  claimCodes: {
    id: Generated<string>;
    setId: string;
    position: number;
    codeHash: string;
    sealed: Buffer;
    maxUses: number | null;
    uses: Generated<number>;
    disabledAt: Date | null;
  };
  claimCodeRedemptions: {
    id: Generated<string>;
    setId: string;
    codeId: string;
    userId: string;
    awardId: string | null;
    redeemedAt: Timestamp;
  };
}
