import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { loadAttachments } from './outbox.ts';
import { isUuid } from '../util/checks.ts';

export interface MailSummary {
  id: string;
  to: string;
  subject: string;
  createdAt: Date;
  sentAt: Date | null;
  /** Failed for good (lastError says why); null while it is still being tried. */
  failedAt: Date | null;
  devMailbox: boolean;
  attempts: number;
  lastError: string | null;
}

export interface MailMessage extends MailSummary {
  html: string;
  text: string;
  messageId: string | null;
  /** The SMTP server's reply accepting the message. */
  smtpResponse: string | null;
  attachments: { filename: string; content: Buffer; cid?: string; contentType?: string }[];
}

const SUMMARY_COLUMNS = [
  'id',
  'toAddress as to',
  'subject',
  'createdAt',
  'sentAt',
  'failedAt',
  'devMailbox',
  'attempts',
  'lastError',
] as const;

/**
 * The newest emails first, every state (the development mailbox and the SMTP outbox);
 * `to` keeps those whose recipient contains it, so one person's mail is found after a bulk issue.
 */
export async function listMail(
  db: Db,
  opts: { page: number; perPage?: number; to?: string },
): Promise<{ items: MailSummary[]; hasNext: boolean }> {
  const perPage = opts.perPage ?? 50;
  const to = opts.to?.trim().toLowerCase();
  let q = db.selectFrom('emails').select(SUMMARY_COLUMNS);
  // LIKE wildcards in the search are literal characters.
  if (to) q = q.where('toAddress', 'ilike', `%${to.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const rows = await q
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(perPage + 1)
    .offset((Math.max(1, opts.page) - 1) * perPage)
    .execute();
  return {
    items: rows.slice(0, perPage),
    hasNext: rows.length > perPage,
  };
}

export async function getMail(db: Db, id: string): Promise<MailMessage | null> {
  if (!isUuid(id)) return null;
  const r = await db
    .selectFrom('emails')
    .select([...SUMMARY_COLUMNS, 'html', 'text', 'messageId', 'smtpResponse', 'attachments'])
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? { ...r, attachments: await loadAttachments(db, r.attachments) } : null;
}

export interface MailCounts {
  /** Not sent yet, and still being tried. */
  pending: number;
  /** Failed for good: refused by the server, or given up on after days of trying. */
  failed: number;
  sent: number;
}

export async function mailCounts(db: Db): Promise<MailCounts> {
  return db
    .selectFrom('emails')
    .select([
      sql<number>`count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NULL)::int`.as('pending'),
      sql<number>`count(*) FILTER (WHERE sent_at IS NULL AND failed_at IS NOT NULL)::int`.as('failed'),
      sql<number>`count(*) FILTER (WHERE sent_at IS NOT NULL)::int`.as('sent'),
    ])
    .executeTakeFirstOrThrow();
}

/** The http(s) links of a message, in order, once each: from the HTML's hrefs and the text part. */
export function linksIn(message: Pick<MailMessage, 'html' | 'text'>): string[] {
  const found = new Set<string>();
  const decode = (s: string) =>
    s
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>');
  for (const m of message.html.matchAll(/href="(https?:\/\/[^"]+)"/gi)) found.add(decode(m[1]!));
  for (const m of message.text.matchAll(/https?:\/\/[^\s<>"]+/gi)) found.add(m[0].replace(/[.,;:)]+$/, ''));
  return [...found].filter((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  });
}

/** The HTML with inline images (cid:) turned into data: URLs, for viewing in the browser. */
export function htmlWithInlineImages(message: Pick<MailMessage, 'html' | 'attachments'>): string {
  let html = message.html;
  for (const a of message.attachments) {
    if (!a.cid || !/^image\/(png|jpeg|gif|svg\+xml|webp)$/.test(a.contentType ?? '')) continue;
    html = html.split(`cid:${a.cid}`).join(`data:${a.contentType};base64,${a.content.toString('base64')}`);
  }
  return html;
}
