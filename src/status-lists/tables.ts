import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/**
 * The status lists' table. Its migration stays in src/issuing/migrations (0003_issuing.sql):
 * migration files keep their names and their one global order.
 */
export interface StatusListTables {
  statusLists: {
    id: Generated<string>;
    orgId: string;
    purpose: 'revocation' | 'suspension';
    seq: Generated<number>;
    capacity: Generated<number>;
    bits: Generated<Buffer>;
    nextIndex: Generated<number>;
    version: Generated<number>;
    signedCredential: string | null;
    signedVersion: number | null;
    signedAt: NullableTimestamp;
    createdAt: Timestamp;
  };
}
