import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** closed: no new applications; public: anyone with the link; invitation: invited people only. */
export type ApplicationMode = 'closed' | 'public' | 'invitation';
export type RenewalMode = 'off' | 'review' | 'instant';
export type ApplicationState = 'draft' | 'submitted' | 'returned' | 'approved' | 'rejected' | 'withdrawn';
export type QuestionKind = 'short_text' | 'long_text' | 'url' | 'date' | 'choice' | 'attestation' | 'file';
export type EventKind = 'transition' | 'approval' | 'message' | 'note';
export type ActorRole = 'applicant' | 'reviewer' | 'external' | 'system';

/** One question of a form version (stored as JSON in application_forms.questions). */
export interface Question {
  /** Stable within a form's versions: answers are keyed by it. */
  id: string;
  kind: QuestionKind;
  label: string;
  help?: string;
  required: boolean;
  /** choice: the options offered; `multiple` lets the applicant pick several. */
  options?: string[];
  multiple?: boolean;
  /** file: the types allowed (as detected from the bytes, e.g. `application/pdf`, `image/png`). */
  accept?: string[];
  /** file: at most this many bytes a file (the template's limit applies when smaller). */
  maxBytes?: number;
  /** file: how many files this question takes (default 1). */
  maxFiles?: number;
}

/** An answer as stored: text for text kinds, a date `YYYY-MM-DD`, options chosen, a checked box. */
export type Answer = string | string[] | boolean;

export interface ApplicationTables {
  applicationSettings: {
    templateId: string;
    orgId: string;
    mode: ColumnType<ApplicationMode, ApplicationMode | undefined, ApplicationMode>;
    opensAt: NullableTimestamp;
    closesAt: NullableTimestamp;
    cap: number | null;
    approvalsRequired: ColumnType<number, number | undefined, number>;
    renewal: ColumnType<RenewalMode, RenewalMode | undefined, RenewalMode>;
    renewalWindowDays: ColumnType<number, number | undefined, number>;
    maxFileBytes: ColumnType<number, number | undefined, number>;
    maxApplicationBytes: ColumnType<number, number | undefined, number>;
    updatedAt: Timestamp;
    updatedBy: string | null;
  };
  applicationForms: {
    id: Generated<string>;
    templateId: string;
    version: number;
    instructions: ColumnType<string, string | undefined, string>;
    questions: JSONColumnType<Question[], string | undefined, string>;
    createdBy: string | null;
    createdAt: Timestamp;
  };
  applicationInvitations: {
    id: Generated<string>;
    templateId: string;
    email: string;
    tokenHash: string;
    invitedBy: string | null;
    createdAt: Timestamp;
    revokedAt: NullableTimestamp;
  };
  applications: {
    id: Generated<string>;
    orgId: string;
    templateId: string;
    formId: string;
    applicantId: string;
    applicantName: string;
    applicantEmail: string;
    state: ColumnType<ApplicationState, ApplicationState | undefined, ApplicationState>;
    answers: JSONColumnType<Record<string, Answer>, string | undefined, string>;
    submission: ColumnType<number, number | undefined, number>;
    invitationId: string | null;
    renewsAwardId: string | null;
    awardId: string | null;
    submittedAt: NullableTimestamp;
    decidedAt: NullableTimestamp;
    createdAt: Timestamp;
    updatedAt: Timestamp;
  };
  applicationFiles: {
    id: Generated<string>;
    applicationId: string;
    questionId: string;
    filename: string;
    contentType: string;
    size: number;
    sha256: string;
    data: Buffer;
    public: ColumnType<boolean, boolean | undefined, boolean>;
    createdAt: Timestamp;
  };
  applicationApprovals: {
    applicationId: string;
    submission: number;
    reviewerId: string;
    createdAt: Timestamp;
  };
  applicationEvents: {
    id: Generated<number>;
    applicationId: string;
    kind: EventKind;
    actorId: string | null;
    actorRole: ActorRole;
    fromState: string | null;
    toState: string | null;
    message: string | null;
    createdAt: Timestamp;
  };
  externalReviewers: {
    id: Generated<string>;
    orgId: string;
    templateId: string;
    email: string;
    name: ColumnType<string, string | undefined, string>;
    tokenHash: string;
    userId: string | null;
    invitedBy: string | null;
    createdAt: Timestamp;
    acceptedAt: NullableTimestamp;
    revokedAt: NullableTimestamp;
  };
}
