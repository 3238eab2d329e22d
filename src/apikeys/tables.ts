import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** An organization's API keys (created by migration 0003_issuing.sql, which keeps its name). */
export interface ApiKeyTables {
  apiKeys: {
    id: Generated<string>;
    orgId: string;
    name: string;
    prefix: string;
    secretHash: string;
    scopes: string[];
    createdBy: string | null;
    createdAt: Timestamp;
    lastUsedAt: NullableTimestamp;
    revokedAt: NullableTimestamp;
  };
}
