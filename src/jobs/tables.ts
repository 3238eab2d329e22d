import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JobTables {
  jobs: {
    id: Generated<string>;
    kind: string;
    payload: ColumnType<unknown, string, string>;
    run_at: Timestamp;
    attempts: Generated<number>;
    max_attempts: Generated<number>;
    locked_until: Date | null;
    last_error: string | null;
    done_at: Date | null;
    failed_at: Date | null;
    dedupe_key: string | null;
    created_at: Timestamp;
  };
}
