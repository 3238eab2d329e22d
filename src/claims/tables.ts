import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Claim reminders already sent (created by the wallet's migration 0009, which came first). */
export interface ClaimsTables {
  claimReminders: {
    awardId: string;
    day: number;
    sentAt: Timestamp;
  };
}
