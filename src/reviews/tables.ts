/** The review side's own table: counts kept by a trigger (migrations/0023_review_queue.sql). */
export interface ReviewTables {
  applicationCounts: {
    templateId: string;
    orgId: string;
    state: string;
    n: number;
  };
}
