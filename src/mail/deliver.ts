import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import type { JobHandler } from '../jobs/types.ts';
import { loadAttachments } from './outbox.ts';

// One pooled transport per SMTP URL and process: without the pool each message pays a
// new connection and handshake.
const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let t = transports.get(smtpUrl);
  if (!t) {
    // Settings in the URL (e.g. ?pool=false, maxConnections=…) win over these defaults.
    t = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 3 } as Parameters<
      typeof nodemailer.createTransport
    >[0]);
    transports.set(smtpUrl, t);
  }
  return t;
}

/** Closes the pooled SMTP connections (the worker calls this when it stops). */
export function closeMailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}

/** The same Message-ID on every attempt, so a resend after a crash is recognisable downstream. */
export function messageIdFor(emailId: string, config: Pick<Config, 'mailFrom' | 'baseUrl'>): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? new URL(config.baseUrl).hostname;
  return `<${emailId}@${domain}>`;
}

/**
 * The `email.send` job. With SMTP_URL the message goes out over SMTP and is marked sent
 * right after; without, it stays in the database as a development-mailbox message. A
 * message marked sent is never sent again.
 */
export const sendEmail: JobHandler = async (payload: { emailId: string }, ctx) => {
  const { db, config } = ctx;
  const email = await db
    .selectFrom('emails')
    .selectAll()
    .where('id', '=', payload.emailId)
    .executeTakeFirst();
  if (!email || email.sent_at) return;
  const messageId = messageIdFor(email.id, config);
  if (!config.smtpUrl) {
    await db
      .updateTable('emails')
      .set({ sent_at: new Date(), dev_mailbox: true, message_id: messageId, attempts: email.attempts + 1 })
      .where('id', '=', email.id)
      .where('sent_at', 'is', null)
      .execute();
    return;
  }
  try {
    await transportFor(config.smtpUrl).sendMail({
      from: config.mailFrom,
      to: email.to_address,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId,
      attachments: await loadAttachments(db, email.attachments),
    });
  } catch (e) {
    const message = describeSmtpError(e);
    await db
      .updateTable('emails')
      .set({ attempts: email.attempts + 1, last_error: message, message_id: messageId })
      .where('id', '=', email.id)
      .execute();
    throw new Error(message);
  }
  await db
    .updateTable('emails')
    .set({
      sent_at: new Date(),
      dev_mailbox: false,
      message_id: messageId,
      attempts: email.attempts + 1,
      last_error: null,
    })
    .where('id', '=', email.id)
    .execute();
};

/** A short cause without the SMTP URL (which may carry a password). */
function describeSmtpError(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; message?: string };
  const parts = [err.code, err.responseCode ? String(err.responseCode) : undefined].filter(Boolean);
  const msg = String(err.message ?? e)
    .replace(/smtps?:\/\/[^\s]+/gi, 'smtp://…')
    .slice(0, 500);
  return parts.length ? `${parts.join(' ')}: ${msg}` : msg;
}
