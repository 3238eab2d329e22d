import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AwardState = 'pending' | 'accepted' | 'rejected';
export type BulkStatus = 'preview' | 'queued' | 'running' | 'done' | 'cancelled';
export type BulkOutcome = 'pending' | 'invalid' | 'issued' | 'duplicate' | 'failed';

export interface IssuingTables {
  /** Claim links sent after the first (re-sends, reminders); the first is awards.claim_token_hash. */
  award_claim_tokens: {
    token_hash: string;
    award_id: string;
    created_at: Timestamp;
  };
  awards: {
    id: string;
    org_id: string;
    template_id: string;
    recipient_name: string | null;
    recipient_email: string | null;
    salt: string;
    issued_at: Date;
    valid_until: Date | null;
    evidence_url: string | null;
    evidence_narrative: string | null;
    credential_json: string;
    credential_jwt: string;
    state: ColumnType<AwardState, AwardState | undefined, AwardState>;
    revoked_at: NullableTimestamp;
    revocation_reason: string | null;
    revoked_by: string | null;
    claimed_by: string | null;
    claimed_at: NullableTimestamp;
    claim_token_hash: string;
    status_list_id: string;
    status_index: number;
    batch_id: string | null;
    row_key: string | null;
    idempotency_key: string | null;
    request_hash: string | null;
    api_key_id: string | null;
    created_by: string | null;
    created_at: Timestamp;
  };
  bulk_batches: {
    id: Generated<string>;
    org_id: string;
    template_id: string;
    filename: string;
    status: BulkStatus;
    total: Generated<number>;
    valid: Generated<number>;
    issued: Generated<number>;
    skipped: Generated<number>;
    failed: Generated<number>;
    created_by: string | null;
    created_at: Timestamp;
    confirmed_at: NullableTimestamp;
    finished_at: NullableTimestamp;
  };
  bulk_rows: {
    batch_id: string;
    row_no: number;
    name: string;
    email: string;
    issued_on: string;
    expires_on: string;
    evidence_url: string;
    narrative: string;
    row_key: string;
    errors: ColumnType<{ field: string; message: string }[], string, string>;
    outcome: BulkOutcome;
    award_id: string | null;
    message: string | null;
  };
}
