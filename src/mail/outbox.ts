import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { invalid } from '../errors.ts';
import { enqueueJob } from '../jobs/queue.ts';

export interface OutgoingMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** A second message with the same key is dropped (e.g. `award:<id>`). */
  dedupeKey?: string;
  attachments?: { filename: string; content: Buffer; cid?: string; contentType?: string }[];
}

const MAX_BODY = 2 * 1024 * 1024;
const MAX_ATTACHMENTS = 10 * 1024 * 1024;

/**
 * Writes an email to the outbox plus the `email.send` job that delivers it. Pass the
 * transaction of the change that causes the email: if it rolls back, no email exists.
 * Returns the email id, or null when the dedupe key was already used.
 */
export async function enqueueEmail(
  db: Db | Transaction<Database>,
  msg: OutgoingMessage,
): Promise<string | null> {
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
  const attachments = (msg.attachments ?? []).map((a) => ({
    filename: a.filename.replace(/[\r\n/\\]+/g, '_').slice(0, 200),
    content: a.content.toString('base64'),
    ...(a.cid ? { cid: a.cid } : {}),
    ...(a.contentType ? { contentType: a.contentType } : {}),
  }));
  if (attachments.reduce((n, a) => n + a.content.length, 0) > MAX_ATTACHMENTS) {
    throw invalid('The attachments of the email are too large.');
  }
  const id = randomUUID();
  const inserted = await db
    .insertInto('emails')
    .values({
      id,
      to_address: to,
      subject,
      html: msg.html,
      text: msg.text,
      attachments: JSON.stringify(attachments),
      dedupe_key: msg.dedupeKey ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) return null;
  await enqueueJob(db, { kind: 'email.send', payload: { emailId: id }, dedupeKey: `email:${id}` });
  return id;
}
