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
    to_address: string;
    subject: string;
    html: string;
    text: string;
    attachments: ColumnType<StoredAttachment[], string, string>;
    dedupe_key: string | null;
    created_at: Timestamp;
    sent_at: Date | null;
    message_id: string | null;
    attempts: Generated<number>;
    last_error: string | null;
    dev_mailbox: Generated<boolean>;
    smtp_response: string | null;
    sending_since: Date | null;
    failed_at: Date | null;
  };
  mail_blobs: {
    sha256: string;
    content: Buffer;
    created_at: Timestamp;
  };
}
