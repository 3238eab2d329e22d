import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JobTables {
  jobs: {
    id: Generated<string>;
    kind: string;
    payload: ColumnType<unknown, string, string>;
    runAt: Timestamp;
    attempts: Generated<number>;
    /** Null: the handler decides when to give up (mail retries for days). */
    maxAttempts: ColumnType<number | null, number | null | undefined, number | null>;
    lockedUntil: Date | null;
    leaseId: string | null;
    firstRunAt: Date | null;
    lastError: string | null;
    doneAt: Date | null;
    failedAt: Date | null;
    dedupeKey: string | null;
    createdAt: Timestamp;
  };
}
