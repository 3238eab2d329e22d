import { randomBytes } from 'node:crypto';
import { normalizeEmail, parseEmail } from '../accounts/email-address.ts';
import { listEmails } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../db/index.ts';
import { LaurelError, invalid } from '../errors.ts';
import { emailText, paragraphs, renderEmail } from '../mail/layout.tsx';
import { enqueueEmail } from '../mail/outbox.ts';
import { addMember, getOrgRole } from './members.ts';
import { assertMayAssignRole, higherRole, isOrgRole } from './policy.ts';
import type { OrgRole } from './tables.ts';
import { hashToken } from '../util/hash.ts';

const INVITATION_DAYS = 7;

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
  createdAt: Date;
  expiresAt: Date;
}

const INVITATION_COLUMNS = ['id', 'orgId', 'email', 'role', 'createdAt', 'expiresAt'] as const;

/**
 * Invites `email` with `role`: a row holding the hash of a random single-use token, and the
 * email with the link, written in one transaction. Only an account that has the invited
 * address confirmed can accept: a forwarded or leaked link lets nobody else in.
 */
export async function createInvitation(
  db: Db,
  config: Config,
  input: {
    org: { id: string; name: string };
    email: string;
    role: OrgRole;
    invitedBy: { id: string; name: string };
    /** The inviter's role, when a member invites (only an owner may invite an owner). */
    inviterRole?: OrgRole;
  },
): Promise<{ invitation: Invitation; token: string }> {
  if (input.inviterRole) assertMayAssignRole(input.inviterRole, null, input.role);
  const email = parseEmail(input.email, 'email', 'The invitation was not sent.');
  if (!isOrgRole(input.role)) {
    throw invalid('The invitation was not sent.', [{ field: 'role', message: 'Choose a role.' }]);
  }
  const token = randomBytes(32).toString('base64url');
  const url = `${config.baseUrl}/invitations/${token}`;
  const invitation = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('orgInvitations')
      .values({
        orgId: input.org.id,
        email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedBy: input.invitedBy.id,
        expiresAt: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      })
      .returning(INVITATION_COLUMNS)
      .executeTakeFirstOrThrow();
    const lines = [
      `${input.invitedBy.name} invited you to join ${input.org.name} on Laurel as ${input.role}.`,
      `The link works once and expires in ${INVITATION_DAYS} days. To accept, log in to (or create) a Laurel account with this address, ${email}, confirmed.`,
    ];
    await enqueueEmail(trx, {
      to: email,
      subject: `Join ${input.org.name} on Laurel`,
      html: renderEmail({
        title: `Join ${input.org.name}`,
        preheader: `${input.invitedBy.name} invited you as ${input.role}.`,
        body: paragraphs(lines),
        action: { label: 'Accept the invitation', url },
      }),
      text: emailText([...lines, url]),
    });
    return row;
  });
  return { invitation, token };
}

export async function listPendingInvitations(db: Db, orgId: string): Promise<Invitation[]> {
  return db
    .selectFrom('orgInvitations')
    .select(INVITATION_COLUMNS)
    .where('orgId', '=', orgId)
    .where('acceptedAt', 'is', null)
    .where('expiresAt', '>', new Date())
    .orderBy('createdAt', 'desc')
    .execute();
}

export async function revokeInvitation(db: Db, orgId: string, invitationId: string): Promise<void> {
  await db.deleteFrom('orgInvitations').where('orgId', '=', orgId).where('id', '=', invitationId).execute();
}

export interface FoundInvitation {
  invitation: Invitation;
  org: { id: string; slug: string; name: string };
  usable: boolean;
}

/** The invitation a token names, with its organization, and whether it is still usable. */
export async function findInvitation(db: Db, token: string): Promise<FoundInvitation | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const row = await db
    .selectFrom('orgInvitations')
    .innerJoin('orgs', 'orgs.id', 'orgInvitations.orgId')
    .select([
      ...INVITATION_COLUMNS.map((c) => `orgInvitations.${c}` as const),
      'orgInvitations.acceptedAt',
      'orgs.slug',
      'orgs.name',
    ])
    .where('orgInvitations.tokenHash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  const { acceptedAt, slug, name, ...invitation } = row;
  return {
    invitation,
    org: { id: invitation.orgId, slug, name },
    usable: !acceptedAt && invitation.expiresAt.getTime() > Date.now(),
  };
}

/** Where the invited address stands on an account: confirmed there, there unconfirmed, or absent. */
export type InvitedAddress = 'confirmed' | 'unconfirmed' | 'missing';

export async function invitedAddressOn(db: Executor, email: string, userId: string): Promise<InvitedAddress> {
  const invited = normalizeEmail(email);
  const mine = (await listEmails(db, userId)).find((e) => normalizeEmail(e.email) === invited);
  return !mine ? 'missing' : mine.verified ? 'confirmed' : 'unconfirmed';
}

/**
 * Spends the token and makes the user a member, when the user's account has the invited
 * address confirmed (otherwise FORBIDDEN, naming the address, and nothing changes). A user who
 * already holds a higher role keeps it (an invitation never demotes). The update is
 * conditional so a token works exactly once.
 */
export async function acceptInvitation(db: Db, token: string, userId: string): Promise<{ slug: string }> {
  return db.transaction().execute(async (trx) => {
    const invited = await trx
      .selectFrom('orgInvitations')
      .select('email')
      .where('tokenHash', '=', hashToken(token))
      .where('acceptedAt', 'is', null)
      .where('expiresAt', '>', new Date())
      .executeTakeFirst();
    if (invited && (await invitedAddressOn(trx, invited.email, userId)) !== 'confirmed') {
      throw new LaurelError(
        'FORBIDDEN',
        `This invitation was sent to ${invited.email}. Add that address to your account and confirm it (or log in to the account that has it), then open the invitation again.`,
      );
    }
    const spent = await trx
      .updateTable('orgInvitations')
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where('tokenHash', '=', hashToken(token))
      .where('acceptedAt', 'is', null)
      .where('expiresAt', '>', new Date())
      .returning(['orgId', 'role'])
      .executeTakeFirst();
    if (!spent)
      throw new LaurelError('GONE', 'This invitation has been used or has expired. Ask for a new one.');
    const current = await getOrgRole(trx, spent.orgId, userId);
    if (higherRole(current, spent.role) !== current) await addMember(trx, spent.orgId, userId, spent.role);
    const org = await trx
      .selectFrom('orgs')
      .select('slug')
      .where('id', '=', spent.orgId)
      .executeTakeFirstOrThrow();
    return { slug: org.slug };
  });
}
