import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/**
 * The status lists' table. Its migration stays in src/issuing/migrations (0003_issuing.sql):
 * migration files keep their names and their one global order.
 */
export interface StatusListTables {
  status_lists: {
    id: Generated<string>;
    org_id: string;
    purpose: 'revocation' | 'suspension';
    seq: Generated<number>;
    capacity: Generated<number>;
    bits: Generated<Buffer>;
    next_index: Generated<number>;
    version: Generated<number>;
    signed_credential: string | null;
    signed_version: number | null;
    signed_at: NullableTimestamp;
    created_at: Timestamp;
  };
}
