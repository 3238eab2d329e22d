// External reviewers: people invited by email to review one template's applications without
// joining the organization. The invitation link holds a random token (only its SHA-256 is kept);
// only an account with the invited address confirmed can accept it, so a forwarded link lets
// nobody else in. Revoking ends their access at once (every review request checks the grant).
import { randomBytes } from 'node:crypto';
import { parseEmail } from '../accounts/email-address.ts';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../db/index.ts';
import { LaurelError, invalid } from '../errors.ts';
import { emailText, paragraphs, renderEmail } from '../mail/layout.tsx';
import { enqueueEmail } from '../mail/outbox.ts';
import { invitedAddressOn } from '../orgs/invitations.ts';
import { hashToken } from '../util/hash.ts';

export interface ExternalReviewer {
  id: string;
  orgId: string;
  templateId: string;
  templateName: string;
  email: string;
  name: string;
  createdAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = [
  'externalReviewers.id',
  'externalReviewers.orgId',
  'externalReviewers.templateId',
  'badgeTemplates.name as templateName',
  'externalReviewers.email',
  'externalReviewers.name',
  'externalReviewers.createdAt',
  'externalReviewers.acceptedAt',
  'externalReviewers.revokedAt',
] as const;

export const reviewerInvitationUrl = (config: Config, token: string) =>
  `${config.baseUrl}/reviewers/${token}`;

/**
 * Invites `email` to review `template`'s applications: the row and the email with the link in
 * one transaction. Inviting a revoked address again gives it a fresh link; an address already
 * reviewing this template is refused.
 */
export async function inviteExternalReviewer(
  db: Db,
  config: Config,
  input: {
    org: { id: string; name: string };
    template: { id: string; name: string; orgId: string };
    email: string;
    name?: string;
    invitedBy: { id: string; name: string };
  },
): Promise<{ reviewer: ExternalReviewer; token: string }> {
  const email = parseEmail(input.email, 'email', 'The invitation was not sent.');
  if (input.template.orgId !== input.org.id)
    throw invalid('The invitation was not sent.', [
      { field: 'templateId', message: 'Choose a badge template of this organization.' },
    ]);
  const name = (input.name ?? '').trim().slice(0, 200);
  const token = randomBytes(32).toString('base64url');
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('externalReviewers')
      .select(['id', 'revokedAt'])
      .where('templateId', '=', input.template.id)
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing && !existing.revokedAt)
      throw invalid('The invitation was not sent.', [
        { field: 'email', message: `${email} already reviews “${input.template.name}”.` },
      ]);
    const values = {
      orgId: input.org.id,
      templateId: input.template.id,
      email,
      name,
      tokenHash: hashToken(token),
      invitedBy: input.invitedBy.id,
      createdAt: new Date(),
      userId: null,
      acceptedAt: null,
      revokedAt: null,
    };
    const { id } = existing
      ? await trx
          .updateTable('externalReviewers')
          .set(values)
          .where('id', '=', existing.id)
          .returning('id')
          .executeTakeFirstOrThrow()
      : await trx.insertInto('externalReviewers').values(values).returning('id').executeTakeFirstOrThrow();
    const url = reviewerInvitationUrl(config, token);
    const lines = [
      `${input.invitedBy.name} of ${input.org.name} invited you to review applications for the badge “${input.template.name}” on Laurel.`,
      `To accept, log in to (or create) a Laurel account with this address, ${email}, confirmed. You will see only the applications for this badge.`,
    ];
    await enqueueEmail(trx, {
      to: email,
      subject: `Review applications for “${input.template.name}”`,
      html: renderEmail({
        title: 'Review applications',
        preheader: `${input.org.name} invited you to review applications.`,
        body: paragraphs(lines),
        action: { label: 'Accept the invitation', url },
      }),
      text: emailText([...lines, url]),
    });
    const reviewer = await reviewerQuery(trx)
      .where('externalReviewers.id', '=', id)
      .executeTakeFirstOrThrow();
    return { reviewer, token };
  });
}

const reviewerQuery = (db: Executor) =>
  db
    .selectFrom('externalReviewers')
    .innerJoin('badgeTemplates', 'badgeTemplates.id', 'externalReviewers.templateId')
    .select(COLUMNS);

export async function listExternalReviewers(db: Db, orgId: string): Promise<ExternalReviewer[]> {
  return reviewerQuery(db)
    .where('externalReviewers.orgId', '=', orgId)
    .orderBy('externalReviewers.revokedAt', (ob) => ob.desc().nullsFirst())
    .orderBy('badgeTemplates.name')
    .orderBy('externalReviewers.email')
    .execute();
}

/** Ends a reviewer's access (idempotent: an unknown or revoked one changes nothing). */
export async function revokeExternalReviewer(db: Db, orgId: string, id: string): Promise<void> {
  await db
    .updateTable('externalReviewers')
    .set({ revokedAt: new Date() })
    .where('orgId', '=', orgId)
    .where('id', '=', id)
    .where('revokedAt', 'is', null)
    .execute();
}

export interface FoundReviewerInvitation {
  reviewer: ExternalReviewer;
  orgName: string;
  usable: boolean;
}

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/** The invitation a token names (null: no such token), and whether it can still be accepted. */
export async function findReviewerInvitation(db: Db, token: string): Promise<FoundReviewerInvitation | null> {
  if (!TOKEN.test(token)) return null;
  const row = await reviewerQuery(db)
    .innerJoin('orgs', 'orgs.id', 'externalReviewers.orgId')
    .select('orgs.name as orgName')
    .where('externalReviewers.tokenHash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const { orgName, ...reviewer } = row;
  return { reviewer, orgName, usable: !reviewer.revokedAt && !reviewer.acceptedAt };
}

/**
 * Binds the invitation to `userId` when their account has the invited address confirmed
 * (FORBIDDEN naming the address otherwise). Works once: the update is conditional.
 */
export async function acceptReviewerInvitation(db: Db, token: string, userId: string): Promise<void> {
  if (!TOKEN.test(token)) throw new LaurelError('NOT_FOUND', 'This invitation does not exist.');
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('externalReviewers')
      .select(['id', 'email', 'acceptedAt', 'revokedAt'])
      .where('tokenHash', '=', hashToken(token))
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new LaurelError('NOT_FOUND', 'This invitation does not exist.');
    if (row.acceptedAt || row.revokedAt)
      throw new LaurelError('GONE', 'This invitation has been used or withdrawn. Ask for a new one.');
    if ((await invitedAddressOn(trx, row.email, userId)) !== 'confirmed')
      throw new LaurelError(
        'FORBIDDEN',
        `This invitation was sent to ${row.email}. Add that address to your account and confirm it (or log in to the account that has it), then open the invitation again.`,
      );
    await trx
      .updateTable('externalReviewers')
      .set({ userId, acceptedAt: new Date() })
      .where('id', '=', row.id)
      .execute();
  });
}

/** The templates `userId` reviews as an accepted, unrevoked external reviewer. */
export async function reviewerGrants(
  db: Executor,
  userId: string,
): Promise<{ templateId: string; templateName: string; orgId: string; orgName: string }[]> {
  return db
    .selectFrom('externalReviewers')
    .innerJoin('badgeTemplates', 'badgeTemplates.id', 'externalReviewers.templateId')
    .innerJoin('orgs', 'orgs.id', 'externalReviewers.orgId')
    .select([
      'externalReviewers.templateId',
      'badgeTemplates.name as templateName',
      'externalReviewers.orgId',
      'orgs.name as orgName',
    ])
    .where('externalReviewers.userId', '=', userId)
    .where('externalReviewers.revokedAt', 'is', null)
    .orderBy('orgs.name')
    .orderBy('badgeTemplates.name')
    .execute();
}

/** Whether `userId` is an accepted, unrevoked external reviewer of `templateId`. */
export async function isExternalReviewer(db: Executor, userId: string, templateId: string): Promise<boolean> {
  const row = await db
    .selectFrom('externalReviewers')
    .select('id')
    .where('userId', '=', userId)
    .where('templateId', '=', templateId)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return !!row;
}
