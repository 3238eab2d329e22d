import { createHash, randomUUID } from 'node:crypto';
import type { Executor } from '../db/index.ts';
import { invalid } from '../errors.ts';
import { type NewJob, enqueueJobs } from '../jobs/queue.ts';
import type { StoredAttachment } from './tables.ts';

export interface OutgoingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** A second message with the same key is dropped (e.g. `award:<id>`). */
  dedupeKey?: string;
  attachments?: { filename: string; content: Buffer; cid?: string; contentType?: string }[];
}

/** The job kind that delivers one outbox row. */
export const EMAIL_JOB = 'email.send';

/**
 * The job that delivers an email. One per email (its dedupe key); no attempt limit: the
 * sender gives up after days of temporary failures, or at once on a permanent refusal.
 */
export const emailJob = (emailId: string): NewJob => ({
  kind: EMAIL_JOB,
  payload: { emailId },
  dedupeKey: `email:${emailId}`,
  maxAttempts: null,
});

const MAX_BODY = 2 * 1024 * 1024;
const MAX_ATTACHMENTS = 10 * 1024 * 1024;
/** Rows per INSERT: far below PostgreSQL's 65,535 bind parameters. */
const ROWS_PER_INSERT = 500;

interface CheckedMessage {
  id: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  dedupeKey: string | null;
  attachments: StoredAttachment[];
}

/**
 * Validates one message and names its attachments by content hash. `blobs` collects each
 * distinct content once; `hashes` remembers the hash of a Buffer already seen, so the same
 * badge image attached to a thousand emails is hashed once.
 */
function check(
  msg: OutgoingMessage,
  blobs: Map<string, Buffer>,
  hashes: WeakMap<Buffer, string>,
): CheckedMessage {
  const to = msg.to.trim().toLowerCase();
  if (!to || to.length > 320 || /[\r\n\s,;<>]/.test(to) || !to.includes('@')) {
    throw invalid('The recipient address of an email is not valid.', [
      { field: 'to', message: 'is not an email address' },
    ]);
  }
  // Header values travel on one line; a CR/LF would start a new header.
  const subject = msg.subject
    .replace(/[\r\n]+/g, ' ')
    .trim()
    .slice(0, 300);
  if (msg.html.length + msg.text.length > MAX_BODY) throw invalid('The email is too large.');
  const files = msg.attachments ?? [];
  if (files.reduce((n, a) => n + a.content.length, 0) > MAX_ATTACHMENTS) {
    throw invalid('The attachments of the email are too large.');
  }
  const attachments = files.map((a) => {
    let hash = hashes.get(a.content);
    if (!hash) {
      hash = createHash('sha256').update(a.content).digest('hex');
      hashes.set(a.content, hash);
    }
    blobs.set(hash, a.content);
    return {
      filename: a.filename.replace(/[\r\n/\\]+/g, '_').slice(0, 200),
      blob: hash,
      ...(a.cid ? { cid: a.cid } : {}),
      ...(a.contentType ? { contentType: a.contentType } : {}),
    };
  });
  return {
    id: randomUUID(),
    to,
    subject,
    html: msg.html,
    text: msg.text,
    dedupeKey: msg.dedupeKey ?? null,
    attachments,
  };
}

/**
 * Writes emails to the outbox, each with the `email.send` job that delivers it, in a few
 * multi-row statements. Pass the transaction of the change that causes the emails: if it
 * rolls back, no email exists. Returns the ids in order, null where the dedupe key was
 * already used. An invalid message rejects the whole call before anything is written.
 */
export async function enqueueEmails(db: Executor, msgs: OutgoingMessage[]): Promise<(string | null)[]> {
  const blobs = new Map<string, Buffer>();
  const hashes = new WeakMap<Buffer, string>();
  const checked = msgs.map((m) => check(m, blobs, hashes));
  if (blobs.size)
    await db
      .insertInto('mailBlobs')
      .values([...blobs].map(([sha256, content]) => ({ sha256, content })))
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
  const kept = new Set<string>();
  for (let i = 0; i < checked.length; i += ROWS_PER_INSERT) {
    const rows = await db
      .insertInto('emails')
      .values(
        checked.slice(i, i + ROWS_PER_INSERT).map(({ to, attachments, ...m }) => ({
          ...m,
          toAddress: to,
          attachments: JSON.stringify(attachments),
        })),
      )
      .onConflict((oc) => oc.column('dedupeKey').doNothing())
      .returning('id')
      .execute();
    for (const r of rows) kept.add(r.id);
  }
  const ids = checked.map((m) => (kept.has(m.id) ? m.id : null));
  await enqueueJobs(db, ids.filter((id): id is string => id !== null).map(emailJob));
  return ids;
}

/** One email; see enqueueEmails. Returns its id, or null when the dedupe key was already used. */
export async function enqueueEmail(db: Executor, msg: OutgoingMessage): Promise<string | null> {
  const [id] = await enqueueEmails(db, [msg]);
  return id ?? null;
}

/** The attachments of a stored email with their bytes, from the blob table (or inline, for older rows). */
export async function loadAttachments(
  db: Executor,
  stored: StoredAttachment[],
): Promise<{ filename: string; content: Buffer; cid?: string; contentType?: string }[]> {
  const wanted = [...new Set(stored.flatMap((a) => (a.blob ? [a.blob] : [])))];
  const found = wanted.length
    ? await db.selectFrom('mailBlobs').select(['sha256', 'content']).where('sha256', 'in', wanted).execute()
    : [];
  const bytes = new Map(found.map((b) => [b.sha256, Buffer.from(b.content)]));
  return stored.map((a) => {
    const content = a.blob
      ? bytes.get(a.blob)
      : a.content !== undefined
        ? Buffer.from(a.content, 'base64')
        : null;
    if (!content) throw new Error(`The attachment ${a.filename} of this email is missing from the outbox.`);
    return {
      filename: a.filename,
      content,
      ...(a.cid ? { cid: a.cid } : {}),
      ...(a.contentType ? { contentType: a.contentType } : {}),
    };
  });
}
