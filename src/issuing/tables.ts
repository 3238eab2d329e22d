import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type AwardState = 'pending' | 'accepted' | 'rejected';

/** One OB 3.0 Evidence object of a credential, beyond the award's own link and narrative. */
export interface EvidenceItem {
  /** A URL where the evidence can be seen (a public file, a previous credential). */
  id?: string;
  name?: string;
  narrative?: string;
  description?: string;
  genre?: string;
}
export type BulkStatus = 'preview' | 'queued' | 'running' | 'done' | 'cancelled';
export type BulkOutcome = 'pending' | 'invalid' | 'issued' | 'duplicate' | 'failed';

export interface IssuingTables {
  /** Claim links sent after the first (re-sends, reminders); the first is awards.claim_token_hash. */
  awardClaimTokens: {
    tokenHash: string;
    awardId: string;
    createdAt: Timestamp;
  };
  awards: {
    id: string;
    orgId: string;
    templateId: string;
    recipientName: string | null;
    recipientEmail: string | null;
    salt: string;
    issuedAt: Date;
    validUntil: Date | null;
    evidenceUrl: string | null;
    evidenceNarrative: string | null;
    evidence: JSONColumnType<EvidenceItem[] | null, string | null | undefined, string | null>;
    credentialJson: string;
    credentialJwt: string;
    renewedBy: string | null;
    state: ColumnType<AwardState, AwardState | undefined, AwardState>;
    revokedAt: NullableTimestamp;
    revocationReason: string | null;
    revokedBy: string | null;
    claimedBy: string | null;
    claimedAt: NullableTimestamp;
    claimTokenHash: string;
    statusListId: string;
    statusIndex: number;
    batchId: string | null;
    rowKey: string | null;
    idempotencyKey: string | null;
    requestHash: string | null;
    apiKeyId: string | null;
    createdBy: string | null;
    createdAt: Timestamp;
  };
  bulkBatches: {
    id: Generated<string>;
    orgId: string;
    templateId: string;
    filename: string;
    status: BulkStatus;
    total: Generated<number>;
    valid: Generated<number>;
    issued: Generated<number>;
    skipped: Generated<number>;
    failed: Generated<number>;
    createdBy: string | null;
    createdAt: Timestamp;
    confirmedAt: NullableTimestamp;
    finishedAt: NullableTimestamp;
  };
  bulkRows: {
    batchId: string;
    rowNo: number;
    name: string;
    email: string;
    issuedOn: string;
    expiresOn: string;
    evidenceUrl: string;
    narrative: string;
    rowKey: string;
    errors: ColumnType<{ field: string; message: string }[], string, string>;
    outcome: BulkOutcome;
    awardId: string | null;
    message: string | null;
  };
}
