import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * An attachment as stored in the outbox: its bytes live once in `mail_blobs` under `blob`
 * (the SHA-256 of the content). `content` (base64 inline) is what rows written before the
 * blob table hold; both are read.
 */
export interface StoredAttachment {
  filename: string;
  blob?: string;
  content?: string;
  cid?: string;
  contentType?: string;
}

export interface MailTables {
  emails: {
    id: Generated<string>;
    toAddress: string;
    subject: string;
    html: string;
    text: string;
    attachments: ColumnType<StoredAttachment[], string, string>;
    dedupeKey: string | null;
    createdAt: Timestamp;
    sentAt: Date | null;
    messageId: string | null;
    attempts: Generated<number>;
    lastError: string | null;
    devMailbox: Generated<boolean>;
    smtpResponse: string | null;
    sendingSince: Date | null;
    failedAt: Date | null;
  };
  mailBlobs: {
    sha256: string;
    content: Buffer;
    createdAt: Timestamp;
  };
}
