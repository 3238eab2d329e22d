import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JobTables {
  jobs: {
    id: Generated<string>;
    kind: string;
    payload: ColumnType<unknown, string, string>;
    run_at: Timestamp;
    attempts: Generated<number>;
    /** Null: the handler decides when to give up (mail retries for days). */
    max_attempts: ColumnType<number | null, number | null | undefined, number | null>;
    locked_until: Date | null;
    lease_id: string | null;
    first_run_at: Date | null;
    last_error: string | null;
    done_at: Date | null;
    failed_at: Date | null;
    dedupe_key: string | null;
    created_at: Timestamp;
  };
}
