import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** An organization's API keys (created by migration 0003_issuing.sql, which keeps its name). */
export interface ApiKeyTables {
  api_keys: {
    id: Generated<string>;
    org_id: string;
    name: string;
    prefix: string;
    secret_hash: string;
    scopes: string[];
    created_by: string | null;
    created_at: Timestamp;
    last_used_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
}
