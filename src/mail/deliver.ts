import { sql } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { type Runtime, slot } from '../http/runtime.ts';
import { type JobContext, type JobHandler, PermanentJobError } from '../jobs/types.ts';
import { loadAttachments } from './outbox.ts';

/** Mail that keeps failing for temporary reasons is retried this long after its first attempt (as MTAs do). */
export const MAIL_RETRY_DAYS = 3;
const MAIL_RETRY_MS = MAIL_RETRY_DAYS * 24 * 3_600_000;

type SmtpSettings = Pick<Config, 'smtpUrl' | 'smtpTimeoutSeconds'>;

// One pooled transport per SMTP URL and runtime: without the pool each message pays a new
// connection and handshake. Closing the runtime closes the pooled connections.
const transportsSlot = slot(
  'mail.transports',
  () => new Map<string, Transporter>(),
  (transports) => {
    for (const t of transports.values()) t.close();
    transports.clear();
  },
);

function transportFor(runtime: Runtime, config: SmtpSettings & { smtpUrl: string }): Transporter {
  const transports = runtime.get(transportsSlot);
  const key = `${config.smtpTimeoutSeconds} ${config.smtpUrl}`;
  let t = transports.get(key);
  if (!t) {
    const ms = config.smtpTimeoutSeconds * 1000;
    // Settings in the URL (e.g. ?pool=false, maxConnections=…) win over these defaults. The
    // timeouts replace nodemailer's ten minutes: a server that never answers costs one attempt.
    t = nodemailer.createTransport({
      url: config.smtpUrl,
      pool: true,
      maxConnections: 3,
      connectionTimeout: ms,
      greetingTimeout: ms,
      socketTimeout: ms,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    transports.set(key, t);
  }
  return t;
}

/**
 * The longest one send may take: connecting, the greeting and the commands, each within
 * SMTP_TIMEOUT, with room to spare. The worker abandons a send past it, and only then may
 * another attempt at the same email start.
 */
export function mailSendDeadlineMs(config: Pick<Config, 'smtpTimeoutSeconds'>): number {
  return (4 * config.smtpTimeoutSeconds + 10) * 1000;
}

/** The same Message-ID on every attempt, so a resend after a crash is recognisable downstream. */
export function messageIdFor(emailId: string, config: Pick<Config, 'mailFrom' | 'baseUrl'>): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(config.mailFrom)?.[1] ?? new URL(config.baseUrl).hostname;
  return `<${emailId}@${domain}>`;
}

/**
 * The `email.send` job. With SMTP_URL the message goes out over SMTP, and the server's
 * acceptance is recorded before anything else; without, it stays in the database as a
 * development-mailbox message. A message recorded as sent is never sent again.
 */
export const sendEmail: JobHandler = async (payload: { emailId: string }, ctx) => {
  const { db, config } = ctx;
  const email = await db
    .selectFrom('emails')
    .selectAll()
    .where('id', '=', payload.emailId)
    .executeTakeFirst();
  if (!email || email.sentAt) return;
  const messageId = messageIdFor(email.id, config);
  if (!config.smtpUrl) {
    await db
      .updateTable('emails')
      .set({
        sentAt: new Date(),
        devMailbox: true,
        messageId: messageId,
        attempts: email.attempts + 1,
        failedAt: null,
      })
      .where('id', '=', email.id)
      .where('sentAt', 'is', null)
      .execute();
    return;
  }
  const taken = await takeForSending(db, email.id, messageId, mailSendDeadlineMs(config));
  if (taken === 'sent') return;
  if (taken === 'busy') throw new Error('Another worker is sending this email; it will be checked again.');
  let response: string;
  try {
    const info = await transportFor(ctx.runtime, { ...config, smtpUrl: config.smtpUrl }).sendMail({
      from: config.mailFrom,
      to: email.toAddress,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId,
      attachments: await loadAttachments(db, email.attachments),
    });
    response = String(info.response ?? '250 accepted');
  } catch (e) {
    return recordFailure(ctx, email.id, e);
  }
  await recordAccepted(db, email.id, response);
};

/**
 * Marks an attempt as under way, unless the email was sent meanwhile or another attempt
 * started less than `windowMs` ago (its worker lost the job's lease but may still be sending).
 * A run of the job is a request to send, so it also clears an earlier failure (an admin retry).
 */
async function takeForSending(
  db: Db,
  id: string,
  messageId: string,
  windowMs: number,
): Promise<'taken' | 'sent' | 'busy'> {
  const r = await db
    .updateTable('emails')
    .set((eb) => ({
      sendingSince: sql<Date>`now()`,
      attempts: eb('attempts', '+', 1),
      messageId: messageId,
      failedAt: null,
    }))
    .where('id', '=', id)
    .where('sentAt', 'is', null)
    .where((eb) =>
      eb.or([
        eb('sendingSince', 'is', null),
        eb('sendingSince', '<', sql<Date>`now() - make_interval(secs => ${windowMs / 1000})`),
      ]),
    )
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) > 0) return 'taken';
  const row = await db.selectFrom('emails').select('sentAt').where('id', '=', id).executeTakeFirst();
  return !row || row.sentAt ? 'sent' : 'busy';
}

/**
 * The server has the message: record it first, retrying through a short database outage,
 * because a re-run that does not find it recorded would send the message again.
 */
async function recordAccepted(db: Db, id: string, response: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db
        .updateTable('emails')
        .set({
          sentAt: new Date(),
          smtpResponse: response.slice(0, 500),
          devMailbox: false,
          sendingSince: null,
          lastError: null,
          failedAt: null,
        })
        .where('id', '=', id)
        .execute();
      return;
    } catch (e) {
      if (attempt === 6) throw e;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
}

/**
 * Records why an attempt failed and decides what comes next: a refusal of the recipient or
 * the message (5xx) fails the email for good at once, as does a temporary failure once the
 * email has been retried for MAIL_RETRY_DAYS; anything else is retried.
 */
async function recordFailure(ctx: JobContext, id: string, e: unknown): Promise<never> {
  const reason = describeSmtpError(e);
  const permanent = refusedForGood(e);
  const expired = ctx.firstRunAt !== undefined && Date.now() - ctx.firstRunAt.getTime() >= MAIL_RETRY_MS;
  const message =
    expired && !permanent ? `Gave up after ${MAIL_RETRY_DAYS} days of temporary failures: ${reason}` : reason;
  await ctx.db
    .updateTable('emails')
    .set({ lastError: message, sendingSince: null, failedAt: permanent || expired ? new Date() : null })
    .where('id', '=', id)
    .execute();
  if (permanent || expired) throw new PermanentJobError(message);
  throw new Error(message);
}

/**
 * A permanent SMTP reply (5xx, but not 503, which means a bad command sequence) to the
 * recipient or to the message. A 5xx at connection, login or MAIL FROM points at Laurel's
 * own settings, which the administrator can fix: those are retried.
 */
function refusedForGood(e: unknown): boolean {
  const { responseCode, command } = e as { responseCode?: number; command?: string };
  return (
    typeof responseCode === 'number' &&
    responseCode >= 500 &&
    responseCode < 600 &&
    responseCode !== 503 &&
    (command === 'RCPT TO' || command === 'DATA')
  );
}

/** A short cause without the SMTP URL (which may carry a password). */
function describeSmtpError(e: unknown): string {
  const err = e as { code?: string; responseCode?: number; message?: string };
  const parts = [err.code, err.responseCode ? String(err.responseCode) : undefined].filter(Boolean);
  const msg = String(err.message ?? e)
    .replace(/smtps?:\/\/[^\s]+/gi, 'smtp://…')
    .slice(0, 500);
  return parts.length ? `${parts.join(' ')}: ${msg}` : msg;
}
