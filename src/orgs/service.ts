import {
  buildDidWebDocument,
  didWebFromUrl,
  generateEd25519KeyPair,
  publicKeyToMultibase,
} from '@laurel/openbadges/proof';
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { type FieldError, LaurelError, invalid, notFound } from '../errors.ts';
import { openSecret, sealSecret } from './key-vault.ts';
import type { OrgRole } from './tables.ts';
import { EMAIL_PATTERN, isHttpUrl, isUuid } from '../util/checks.ts';

type Handle = Db | Transaction<Database>;

export interface Org {
  id: string;
  slug: string;
  name: string;
  website: string | null;
  contactEmail: string | null;
  description: string | null;
  hasLogo: boolean;
  logoType: string | null;
  linkedinOrgId: string | null;
  reminderDays: number[];
  createdAt: Date;
}

export interface OrgInput {
  slug: string;
  name: string;
  website?: string | null;
  contactEmail?: string | null;
  description?: string | null;
  linkedinOrgId?: string | null;
  reminderDays?: number[];
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
// Slugs that would read as part of the platform (or collide with a future route) are refused.
export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'assets',
  'new',
  'create',
  'manage',
  'orgs',
  'org',
  'settings',
  'login',
  'logout',
  'signup',
  'account',
  'wallet',
  'verify',
  'claim',
  'invitations',
  'static',
  'public',
  'www',
  'mail',
  'help',
  'support',
  'laurel',
  'system',
  'root',
  'ob2',
  'ims',
  'well-known',
  'did',
  'status',
  'badges',
]);
const LIMITS = { name: 200, website: 500, contactEmail: 254, description: 5000, linkedinOrgId: 20 };

const orgColumns = [
  'id',
  'slug',
  'name',
  'website',
  'contact_email',
  'description',
  'logo_type',
  'linkedin_org_id',
  'reminder_days',
  'created_at',
] as const;

function toOrg(row: {
  id: string;
  slug: string;
  name: string;
  website: string | null;
  contact_email: string | null;
  description: string | null;
  logo_type: string | null;
  linkedin_org_id: string | null;
  reminder_days: number[];
  created_at: Date;
}): Org {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    website: row.website,
    contactEmail: row.contact_email,
    description: row.description,
    hasLogo: !!row.logo_type,
    logoType: row.logo_type,
    linkedinOrgId: row.linkedin_org_id,
    reminderDays: (row.reminder_days ?? []).map(Number),
    createdAt: row.created_at,
  };
}

const blank = (v: string | null | undefined) => (v ?? '').trim() === '';

/** Field-level checks shared by the form, the API and the CLI; `slug` only on creation. */
export function validateOrgInput(input: Partial<OrgInput>, opts: { checkSlug: boolean }): FieldError[] {
  const errors: FieldError[] = [];
  if (opts.checkSlug) {
    const slug = input.slug ?? '';
    if (!SLUG_PATTERN.test(slug)) {
      errors.push({
        field: 'slug',
        message:
          'The address must be 2–63 lower-case letters, digits or hyphens, starting with a letter or digit.',
      });
    } else if (RESERVED_SLUGS.has(slug)) {
      errors.push({ field: 'slug', message: `"${slug}" is reserved; please choose another address.` });
    }
  }
  if (blank(input.name)) errors.push({ field: 'name', message: 'Enter the organization’s name.' });
  else if (input.name!.length > LIMITS.name)
    errors.push({ field: 'name', message: 'The name is too long (200 characters at most).' });
  if (
    !blank(input.website) &&
    (input.website!.length > LIMITS.website || !isHttpUrl(input.website!.trim()))
  ) {
    errors.push({ field: 'website', message: 'The website must be an http or https address.' });
  }
  if (
    !blank(input.contactEmail) &&
    (input.contactEmail!.length > LIMITS.contactEmail || !EMAIL_PATTERN.test(input.contactEmail!.trim()))
  ) {
    errors.push({ field: 'contactEmail', message: 'Enter a valid contact email address.' });
  }
  if ((input.description ?? '').length > LIMITS.description) {
    errors.push({ field: 'description', message: 'The description is too long (5000 characters at most).' });
  }
  if (!blank(input.linkedinOrgId) && !/^[0-9]{1,20}$/.test(input.linkedinOrgId!.trim())) {
    errors.push({
      field: 'linkedinOrgId',
      message: 'The LinkedIn organization id is the number in your LinkedIn company page’s admin address.',
    });
  }
  if (input.reminderDays !== undefined) {
    const ok =
      input.reminderDays.length <= 5 &&
      input.reminderDays.every((d) => Number.isInteger(d) && d >= 1 && d <= 365);
    if (!ok)
      errors.push({
        field: 'reminderDays',
        message: 'Reminder days are up to 5 whole numbers between 1 and 365, e.g. "7, 30".',
      });
  }
  return errors;
}

/** "7, 30" → [7, 30]; anything unreadable becomes NaN so validation names it. */
export function parseReminderDays(text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  return [...new Set(parts.map((p) => (/^\d+$/.test(p) ? Number(p) : Number.NaN)))].sort((a, b) => a - b);
}

const clean = (v: string | null | undefined) => (blank(v) ? null : v!.trim());

/**
 * Creates the organization, makes `ownerUserId` its owner and generates its first signing key,
 * all in one transaction.
 */
export async function createOrg(db: Db, config: Config, input: OrgInput, ownerUserId?: string): Promise<Org> {
  const slug = (input.slug ?? '').trim().toLowerCase();
  const errors = validateOrgInput({ ...input, slug }, { checkSlug: true });
  if (errors.length) throw invalid('The organization could not be created.', errors);
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('orgs').select('id').where('slug', '=', slug).executeTakeFirst();
    if (taken) {
      throw new LaurelError('CONFLICT', 'That address is taken.', [
        { field: 'slug', message: `The address "${slug}" is already used by another organization.` },
      ]);
    }
    const row = await trx
      .insertInto('orgs')
      .values({
        slug,
        name: input.name.trim(),
        website: clean(input.website),
        contact_email: clean(input.contactEmail)?.toLowerCase() ?? null,
        description: clean(input.description),
        linkedin_org_id: clean(input.linkedinOrgId),
        reminder_days: input.reminderDays ?? [7, 30],
      })
      .returning(orgColumns)
      .executeTakeFirstOrThrow();
    if (ownerUserId) await addMember(trx, row.id, ownerUserId, 'owner');
    await insertKey(trx, config, row.id);
    return toOrg(row);
  });
}

export async function updateOrg(db: Db, orgId: string, input: Omit<OrgInput, 'slug'>): Promise<Org> {
  const errors = validateOrgInput(input, { checkSlug: false });
  if (errors.length) throw invalid('The settings could not be saved.', errors);
  const row = await db
    .updateTable('orgs')
    .set({
      name: input.name.trim(),
      website: clean(input.website),
      contact_email: clean(input.contactEmail)?.toLowerCase() ?? null,
      description: clean(input.description),
      linkedin_org_id: clean(input.linkedinOrgId),
      ...(input.reminderDays ? { reminder_days: input.reminderDays } : {}),
    })
    .where('id', '=', orgId)
    .returning(orgColumns)
    .executeTakeFirst();
  if (!row) throw notFound('That organization');
  return toOrg(row);
}

export async function setOrgLogo(
  db: Db,
  orgId: string,
  logo: { data: Buffer; type: 'image/png' | 'image/svg+xml' } | null,
) {
  await db
    .updateTable('orgs')
    .set({ logo: logo?.data ?? null, logo_type: logo?.type ?? null })
    .where('id', '=', orgId)
    .execute();
}

export async function getOrgLogo(db: Db, orgId: string): Promise<{ data: Buffer; type: string } | null> {
  const row = await db
    .selectFrom('orgs')
    .select(['logo', 'logo_type'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.logo && row.logo_type ? { data: Buffer.from(row.logo), type: row.logo_type } : null;
}

export async function deleteOrg(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom('orgs').where('id', '=', orgId).execute();
}

export async function getOrgBySlug(db: Handle, slug: string): Promise<Org | null> {
  const row = await db.selectFrom('orgs').select(orgColumns).where('slug', '=', slug).executeTakeFirst();
  return row ? toOrg(row) : null;
}

export async function getOrgById(db: Handle, id: string): Promise<Org | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom('orgs').select(orgColumns).where('id', '=', id).executeTakeFirst();
  return row ? toOrg(row) : null;
}

export async function listOrgsForUser(db: Db, userId: string): Promise<{ org: Org; role: OrgRole }[]> {
  const rows = await db
    .selectFrom('orgs')
    .innerJoin('org_members', 'org_members.org_id', 'orgs.id')
    .select([...orgColumns.map((c) => `orgs.${c}` as const), 'org_members.role'])
    .where('org_members.user_id', '=', userId)
    .orderBy('orgs.name')
    .execute();
  return rows.map((r) => ({ org: toOrg(r), role: r.role }));
}

/** The organization at `slug` and the user's role in it (null: not a member). */
export async function getOrgWithRole(
  db: Handle,
  slug: string,
  userId: string,
): Promise<{ org: Org; role: OrgRole | null } | null> {
  const row = await db
    .selectFrom('orgs')
    .leftJoin('org_members', (j) =>
      j.onRef('org_members.org_id', '=', 'orgs.id').on('org_members.user_id', '=', userId),
    )
    .select([...orgColumns.map((c) => `orgs.${c}` as const), 'org_members.role'])
    .where('orgs.slug', '=', slug)
    .executeTakeFirst();
  return row ? { org: toOrg(row), role: row.role } : null;
}

export async function getOrgRole(db: Handle, orgId: string, userId: string): Promise<OrgRole | null> {
  const row = await db
    .selectFrom('org_members')
    .select('role')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

// ---------------------------------------------------------------- identity

export const orgUrl = (config: Config, slug: string) => `${config.baseUrl}/orgs/${slug}`;

/** `did:web:<host>[%3A<port>]:orgs:<slug>` (platform decision; did:web §3.1 encodes the port colon). */
export function issuerDid(config: Config, slug: string): string {
  return didWebFromUrl(config.baseUrl, ['orgs', slug]);
}

export interface IssuerProfile {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  email?: string;
  description?: string;
  image?: { id: string; type: 'Image' };
}

/** The OB3 Profile of the issuer, as embedded in credentials and achievements. */
export function issuerProfile(config: Config, org: Org): IssuerProfile {
  const profile: IssuerProfile = {
    id: issuerDid(config, org.slug),
    type: ['Profile'],
    name: org.name,
    url: orgUrl(config, org.slug),
  };
  if (org.contactEmail) profile.email = org.contactEmail;
  if (org.description) profile.description = org.description;
  if (org.hasLogo) profile.image = { id: `${orgUrl(config, org.slug)}/logo`, type: 'Image' };
  return profile;
}

/** The OB2 Issuer document served at /orgs/:slug/issuer.json. */
export function ob2Issuer(config: Config, org: Org) {
  const url = orgUrl(config, org.slug);
  const issuer: Record<string, unknown> = {
    '@context': 'https://w3id.org/openbadges/v2',
    id: `${url}/issuer.json`,
    type: 'Issuer',
    name: org.name,
    url: org.website ?? url,
    verification: { allowedOrigins: [new URL(config.baseUrl).host] },
    revocationList: `${url}/ob2/revocations.json`,
  };
  if (org.contactEmail) issuer.email = org.contactEmail;
  if (org.description) issuer.description = org.description;
  if (org.hasLogo) issuer.image = `${url}/logo`;
  return issuer;
}

// ---------------------------------------------------------------- keys

export interface OrgKey {
  id: string;
  keyId: string;
  verificationMethod: string;
  publicKeyMultibase: string;
  status: 'active' | 'retired';
  createdAt: Date;
  retiredAt: Date | null;
}

async function insertKey(trx: Handle, config: Config, orgId: string): Promise<void> {
  const pair = generateEd25519KeyPair();
  await trx
    .insertInto('org_keys')
    .values({
      org_id: orgId,
      key_id: publicKeyToMultibase(pair.publicKey),
      public_key: Buffer.from(pair.publicKey),
      secret_sealed: sealSecret(config.secret, orgId, pair.secretKey),
      status: 'active',
    })
    .execute();
}

export async function listKeys(db: Handle, config: Config, org: Org): Promise<OrgKey[]> {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('org_keys')
    .select(['id', 'key_id', 'status', 'created_at', 'retired_at'])
    .where('org_id', '=', org.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    keyId: r.key_id,
    verificationMethod: `${did}#${r.key_id}`,
    publicKeyMultibase: r.key_id,
    status: r.status,
    createdAt: r.created_at,
    retiredAt: r.retired_at,
  }));
}

/** The active key becomes retired (kept in did.json for verification) and a new one becomes active. */
export async function rotateKey(db: Db, config: Config, orgId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Lock the org row so that two rotations at once cannot leave two active keys.
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    await trx
      .updateTable('org_keys')
      .set({ status: 'retired', retired_at: new Date() })
      .where('org_id', '=', orgId)
      .where('status', '=', 'active')
      .execute();
    await insertKey(trx, config, orgId);
  });
}

export interface SigningKey {
  verificationMethod: string;
  issuerId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** The active key of the organization, decrypted. */
export async function getSigningKey(db: Handle, config: Config, orgId: string): Promise<SigningKey> {
  const row = await db
    .selectFrom('org_keys')
    .innerJoin('orgs', 'orgs.id', 'org_keys.org_id')
    .select(['orgs.slug', 'org_keys.key_id', 'org_keys.public_key', 'org_keys.secret_sealed'])
    .where('org_keys.org_id', '=', orgId)
    .where('org_keys.status', '=', 'active')
    .executeTakeFirst();
  if (!row) throw new LaurelError('UNAVAILABLE', 'This organization has no active signing key.');
  const issuerId = issuerDid(config, row.slug);
  return {
    verificationMethod: `${issuerId}#${row.key_id}`,
    issuerId,
    secretKey: openSecret(config.secret, orgId, row.secret_sealed),
    publicKey: new Uint8Array(row.public_key),
  };
}

/** The did:web document: every key, active and retired, as a Multikey assertion method. */
export async function didDocument(db: Handle, config: Config, org: Org) {
  const did = issuerDid(config, org.slug);
  const rows = await db
    .selectFrom('org_keys')
    .select(['key_id', 'public_key'])
    .where('org_id', '=', org.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return buildDidWebDocument({
    did,
    keys: rows.map((r) => ({ id: `#${r.key_id}`, publicKey: new Uint8Array(r.public_key) })),
  });
}

// ---------------------------------------------------------------- members

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: OrgRole;
  since: Date;
}

export async function listMembers(db: Handle, orgId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('org_members')
    .innerJoin('users', 'users.id', 'org_members.user_id')
    .leftJoin('user_emails', (j) =>
      j.onRef('user_emails.user_id', '=', 'users.id').on('user_emails.is_primary', '=', true),
    )
    .select(['users.id', 'users.name', 'user_emails.email', 'org_members.role', 'org_members.created_at'])
    .where('org_members.org_id', '=', orgId)
    .orderBy('users.name')
    .execute();
  return rows.map((r) => ({ userId: r.id, name: r.name, email: r.email, role: r.role, since: r.created_at }));
}

/** Adds the user with `role`, or changes the role of an existing member (never below the last owner). */
export async function addMember(db: Handle, orgId: string, userId: string, role: OrgRole): Promise<void> {
  const current = await getOrgRole(db, orgId, userId);
  if (current) {
    if (current !== role) await changeRole(db, orgId, userId, role);
    return;
  }
  await db.insertInto('org_members').values({ org_id: orgId, user_id: userId, role }).execute();
}

async function ownerCount(db: Handle, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('org_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const LAST_OWNER = 'An organization needs at least one owner: make someone else owner first.';

/**
 * Runs `fn` holding a lock on the organization row, so that two concurrent demotions or
 * removals cannot both see "another owner exists" and leave none.
 */
async function withOrgLock<T>(db: Handle, orgId: string, fn: (trx: Handle) => Promise<T>): Promise<T> {
  const locked = async (trx: Handle) => {
    await trx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().executeTakeFirst();
    return fn(trx);
  };
  return db.isTransaction ? locked(db) : (db as Db).transaction().execute(locked);
}

export async function changeRole(db: Handle, orgId: string, userId: string, role: OrgRole): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    const current = await getOrgRole(trx, orgId, userId);
    if (!current) throw notFound('That member');
    if (current === 'owner' && role !== 'owner' && (await ownerCount(trx, orgId)) <= 1) {
      throw new LaurelError('CONFLICT', LAST_OWNER);
    }
    await trx
      .updateTable('org_members')
      .set({ role })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .execute();
  });
}

export async function removeMember(db: Handle, orgId: string, userId: string): Promise<void> {
  await withOrgLock(db, orgId, async (trx) => {
    const current = await getOrgRole(trx, orgId, userId);
    if (!current) throw notFound('That member');
    if (current === 'owner' && (await ownerCount(trx, orgId)) <= 1)
      throw new LaurelError('CONFLICT', LAST_OWNER);
    await trx.deleteFrom('org_members').where('org_id', '=', orgId).where('user_id', '=', userId).execute();
  });
}

const ROLE_RANK: Record<OrgRole, number> = { viewer: 1, issuer: 2, admin: 3, owner: 4 };

/**
 * Account merge (see src/accounts/merge-hooks.ts): the memberships of `fromUserId` move to
 * `toUserId`; where both were members, the higher role stays.
 */
export async function moveMemberships(trx: Transaction<Database>, fromUserId: string, toUserId: string) {
  const rows = await trx
    .selectFrom('org_members')
    .select(['org_id', 'role'])
    .where('user_id', '=', fromUserId)
    .execute();
  for (const r of rows) {
    const existing = await getOrgRole(trx, r.org_id, toUserId);
    if (!existing) {
      await trx
        .insertInto('org_members')
        .values({ org_id: r.org_id, user_id: toUserId, role: r.role })
        .execute();
    } else if (ROLE_RANK[r.role] > ROLE_RANK[existing]) {
      await trx
        .updateTable('org_members')
        .set({ role: r.role })
        .where('org_id', '=', r.org_id)
        .where('user_id', '=', toUserId)
        .execute();
    }
  }
  await trx.deleteFrom('org_members').where('user_id', '=', fromUserId).execute();
}

/** The organization at `slug`, for its public pages and documents; NOT_FOUND when there is none. */
export async function publicOrg(ctx: { db: Db }, slug: string): Promise<Org> {
  const org = await getOrgBySlug(ctx.db, slug);
  if (!org) throw notFound('That organization');
  return org;
}
