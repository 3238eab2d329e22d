import { randomBytes } from 'node:crypto';
import { normalizeEmail, parseEmail } from '../accounts/email-address.ts';
import { listEmails } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { LaurelError, invalid } from '../errors.ts';
import type { Executor } from '../jobs/queue.ts';
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
      .insertInto('org_invitations')
      .values({
        org_id: input.org.id,
        email,
        role: input.role,
        token_hash: hashToken(token),
        invited_by: input.invitedBy.id,
        expires_at: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      })
      .returning(['id', 'org_id', 'email', 'role', 'created_at', 'expires_at'])
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
  return { invitation: toInvitation(invitation), token };
}

function toInvitation(r: {
  id: string;
  org_id: string;
  email: string;
  role: OrgRole;
  created_at: Date;
  expires_at: Date;
}): Invitation {
  return {
    id: r.id,
    orgId: r.org_id,
    email: r.email,
    role: r.role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
}

export async function listPendingInvitations(db: Db, orgId: string): Promise<Invitation[]> {
  const rows = await db
    .selectFrom('org_invitations')
    .select(['id', 'org_id', 'email', 'role', 'created_at', 'expires_at'])
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', new Date())
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toInvitation);
}

export async function revokeInvitation(db: Db, orgId: string, invitationId: string): Promise<void> {
  await db.deleteFrom('org_invitations').where('org_id', '=', orgId).where('id', '=', invitationId).execute();
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
    .selectFrom('org_invitations')
    .innerJoin('orgs', 'orgs.id', 'org_invitations.org_id')
    .select([
      'org_invitations.id',
      'org_invitations.org_id',
      'org_invitations.email',
      'org_invitations.role',
      'org_invitations.created_at',
      'org_invitations.expires_at',
      'org_invitations.accepted_at',
      'orgs.slug',
      'orgs.name',
    ])
    .where('org_invitations.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row) return null;
  return {
    invitation: toInvitation(row),
    org: { id: row.org_id, slug: row.slug, name: row.name },
    usable: !row.accepted_at && row.expires_at.getTime() > Date.now(),
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
      .selectFrom('org_invitations')
      .select('email')
      .where('token_hash', '=', hashToken(token))
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', new Date())
      .executeTakeFirst();
    if (invited && (await invitedAddressOn(trx, invited.email, userId)) !== 'confirmed') {
      throw new LaurelError(
        'FORBIDDEN',
        `This invitation was sent to ${invited.email}. Add that address to your account and confirm it (or log in to the account that has it), then open the invitation again.`,
      );
    }
    const spent = await trx
      .updateTable('org_invitations')
      .set({ accepted_at: new Date(), accepted_by: userId })
      .where('token_hash', '=', hashToken(token))
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['org_id', 'role'])
      .executeTakeFirst();
    if (!spent)
      throw new LaurelError('GONE', 'This invitation has been used or has expired. Ask for a new one.');
    const current = await getOrgRole(trx, spent.org_id, userId);
    if (higherRole(current, spent.role) !== current) await addMember(trx, spent.org_id, userId, spent.role);
    const org = await trx
      .selectFrom('orgs')
      .select('slug')
      .where('id', '=', spent.org_id)
      .executeTakeFirstOrThrow();
    return { slug: org.slug };
  });
}
