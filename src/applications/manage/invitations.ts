// Invitations to apply for a badge: a personal link per invitee (only the token's SHA-256 is kept),
// made one at a time or from a pasted list of addresses, emailed through the outbox in the same
// transaction, and revocable. Inviting an address again replaces its link (the old one stops
// working) and lifts a revocation. The applicant side reads the link (apply/service.ts).
import { randomBytes } from 'node:crypto';
import { checkEmail } from '../../accounts/email-address.ts';
import type { Config } from '../../config.ts';
import type { Db, Executor } from '../../db/index.ts';
import { type FieldError, invalid, notFound } from '../../errors.ts';
import { emailText, paragraphs, renderEmail } from '../../mail/layout.tsx';
import { type OutgoingMessage, enqueueEmails } from '../../mail/outbox.ts';
import { hashToken } from '../../util/hash.ts';
import { applyUrl } from '../apply/links.ts';

/** At most this many addresses in one paste (each gets an email in one transaction). */
export const MAX_INVITATIONS_AT_ONCE = 500;

export interface InvitationListItem {
  id: string;
  email: string;
  createdAt: Date;
  revokedAt: Date | null;
  /** The state of the application made through it, if any. */
  applicationState: string | null;
}

/**
 * Splits a pasted list (commas, semicolons, spaces or lines; "Name <address>" too) into
 * canonical addresses, each once; the field error names every address that is not one.
 */
export function parseEmailList(text: string, field = 'emails'): { emails: string[]; errors: FieldError[] } {
  const parts = text
    .split(/[\n\r,;]+/)
    .flatMap((p) => (/<([^<>]*)>/.exec(p)?.[1] ?? p).split(/\s+/))
    .filter(Boolean);
  const emails = new Set<string>();
  const bad: string[] = [];
  for (const p of parts) {
    const checked = checkEmail(p);
    if (checked.email === null) bad.push(p);
    else emails.add(checked.email);
  }
  const errors: FieldError[] = [];
  if (bad.length)
    errors.push({
      field,
      message: `Not an email address: ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}.`,
    });
  else if (!emails.size) errors.push({ field, message: 'Enter at least one email address.' });
  else if (emails.size > MAX_INVITATIONS_AT_ONCE)
    errors.push({ field, message: `Invite at most ${MAX_INVITATIONS_AT_ONCE} addresses at once.` });
  return { emails: [...emails], errors };
}

/**
 * Invites `emails` to apply for `template`: a new link for each (replacing an earlier one), and
 * with `send`, an email with it, all in one transaction. Returns each address with its link
 * (shown once: only the hash is kept).
 */
export async function inviteToApply(
  db: Db,
  config: Config,
  input: {
    org: { name: string };
    template: { id: string; name: string };
    emails: string[];
    invitedBy: { id: string; name: string };
    send: boolean;
    message?: string;
  },
): Promise<{ email: string; url: string }[]> {
  if (!input.emails.length)
    throw invalid('Nobody was invited.', [{ field: 'emails', message: 'Enter at least one email address.' }]);
  const links = input.emails.map((email) => {
    const token = randomBytes(32).toString('base64url');
    return { email, token, url: applyUrl(config, input.template.id, token) };
  });
  await db.transaction().execute(async (trx) => {
    const now = new Date();
    for (let i = 0; i < links.length; i += 500) {
      await trx
        .insertInto('applicationInvitations')
        .values(
          links.slice(i, i + 500).map((l) => ({
            templateId: input.template.id,
            email: l.email,
            tokenHash: hashToken(l.token),
            invitedBy: input.invitedBy.id,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['templateId', 'email']).doUpdateSet((eb) => ({
            tokenHash: eb.ref('excluded.tokenHash'),
            invitedBy: eb.ref('excluded.invitedBy'),
            createdAt: now,
            revokedAt: null,
          })),
        )
        .execute();
    }
    if (input.send)
      await enqueueEmails(
        trx,
        links.map((l) => invitationEmail(input, l.email, l.url)),
      );
  });
  return links.map(({ email, url }) => ({ email, url }));
}

function invitationEmail(
  input: { org: { name: string }; template: { name: string }; invitedBy: { name: string }; message?: string },
  to: string,
  url: string,
): OutgoingMessage {
  const lines = [
    `${input.invitedBy.name} of ${input.org.name} invites you to apply for the badge “${input.template.name}”.`,
    ...(input.message ? [input.message] : []),
    'The link is personal: it lets you fill in the application form, save it as a draft and submit it for review. Once it is approved, the badge goes straight to your Laurel wallet.',
  ];
  return {
    to,
    subject: `Apply for “${input.template.name}” from ${input.org.name}`,
    html: renderEmail({
      title: `Apply for ${input.template.name}`,
      preheader: `${input.org.name} invites you to apply.`,
      body: paragraphs(lines),
      action: { label: 'Apply for the badge', url },
    }),
    text: emailText([...lines, url]),
  };
}

export async function listInvitations(
  db: Executor,
  templateId: string,
  limit = 500,
): Promise<InvitationListItem[]> {
  const rows = await db
    .selectFrom('applicationInvitations as i')
    .select(['i.id', 'i.email', 'i.createdAt', 'i.revokedAt'])
    .select((eb) =>
      eb
        .selectFrom('applications as a')
        .select('a.state')
        .whereRef('a.invitationId', '=', 'i.id')
        .orderBy('a.createdAt', 'desc')
        .limit(1)
        .as('applicationState'),
    )
    .where('i.templateId', '=', templateId)
    .orderBy('i.createdAt', 'desc')
    .orderBy('i.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, applicationState: r.applicationState ?? null }));
}

/** Stops an invitation's link from working (an application already made through it stays). */
export async function revokeInvitation(db: Executor, templateId: string, id: string): Promise<void> {
  const row = await db
    .updateTable('applicationInvitations')
    .set({ revokedAt: new Date() })
    .where('id', '=', id)
    .where('templateId', '=', templateId)
    .where('revokedAt', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!row) throw notFound('That invitation');
}
