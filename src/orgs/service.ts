import type { Selectable } from 'kysely';
import type { Config } from '../config.ts';
import type { Db, Executor } from '../db/index.ts';
import { type FieldError, LaurelError, invalid, notFound } from '../errors.ts';
import type { Runtime } from '../http/runtime.ts';
import { MAX_LOGO_BYTES, prepareUpload } from '../templates/images.ts';
import { insertKey } from './keys.ts';
import { addMember } from './members.ts';
import type { OrgRole, OrgTables } from './tables.ts';
import { EMAIL_PATTERN, isHttpUrl, isUuid } from '../util/checks.ts';

// The organization itself; its keys (keys.ts), members (members.ts) and invitations
// (invitations.ts) have their own modules. Other features import from here.

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
  'contactEmail',
  'description',
  'logoType',
  'linkedinOrgId',
  'reminderDays',
  'createdAt',
] as const;

function toOrg(row: Pick<Selectable<OrgTables['orgs']>, (typeof orgColumns)[number]>): Org {
  return { ...row, hasLogo: !!row.logoType, reminderDays: (row.reminderDays ?? []).map(Number) };
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
        contactEmail: clean(input.contactEmail)?.toLowerCase() ?? null,
        description: clean(input.description),
        linkedinOrgId: clean(input.linkedinOrgId),
        reminderDays: input.reminderDays ?? [7, 30],
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
      contactEmail: clean(input.contactEmail)?.toLowerCase() ?? null,
      description: clean(input.description),
      linkedinOrgId: clean(input.linkedinOrgId),
      ...(input.reminderDays ? { reminderDays: input.reminderDays } : {}),
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
    .set({ logo: logo?.data ?? null, logoType: logo?.type ?? null })
    .where('id', '=', orgId)
    .execute();
}

/**
 * The settings form: the fields, and a new logo (PNG or SVG bytes) or its removal. The logo is
 * checked first, so that a refused upload leaves every setting unchanged.
 */
export async function saveOrgSettings(
  { db, runtime }: { db: Db; runtime: Runtime },
  orgId: string,
  input: Omit<OrgInput, 'slug'>,
  logo: { upload: Buffer | null; remove: boolean },
): Promise<Org> {
  const prepared = logo.upload
    ? await prepareUpload(runtime, logo.upload, { maxBytes: MAX_LOGO_BYTES, field: 'logo' })
    : null;
  const org = await updateOrg(db, orgId, input);
  if (prepared) {
    await setOrgLogo(
      db,
      orgId,
      prepared.svg
        ? { data: Buffer.from(prepared.svg), type: 'image/svg+xml' }
        : { data: prepared.png, type: 'image/png' },
    );
  } else if (logo.remove) {
    await setOrgLogo(db, orgId, null);
  }
  return org;
}

export async function getOrgLogo(db: Db, orgId: string): Promise<{ data: Buffer; type: string } | null> {
  const row = await db
    .selectFrom('orgs')
    .select(['logo', 'logoType'])
    .where('id', '=', orgId)
    .executeTakeFirst();
  return row?.logo && row.logoType ? { data: Buffer.from(row.logo), type: row.logoType } : null;
}

export async function deleteOrg(db: Db, orgId: string): Promise<void> {
  await db.deleteFrom('orgs').where('id', '=', orgId).execute();
}

export async function getOrgBySlug(db: Executor, slug: string): Promise<Org | null> {
  const row = await db.selectFrom('orgs').select(orgColumns).where('slug', '=', slug).executeTakeFirst();
  return row ? toOrg(row) : null;
}

export async function getOrgById(db: Executor, id: string): Promise<Org | null> {
  if (!isUuid(id)) return null;
  const row = await db.selectFrom('orgs').select(orgColumns).where('id', '=', id).executeTakeFirst();
  return row ? toOrg(row) : null;
}

export async function listOrgsForUser(db: Db, userId: string): Promise<{ org: Org; role: OrgRole }[]> {
  const rows = await db
    .selectFrom('orgs')
    .innerJoin('orgMembers', 'orgMembers.orgId', 'orgs.id')
    .select([...orgColumns.map((c) => `orgs.${c}` as const), 'orgMembers.role'])
    .where('orgMembers.userId', '=', userId)
    .orderBy('orgs.name')
    .execute();
  return rows.map(({ role, ...org }) => ({ org: toOrg(org), role }));
}

/** The organization at `slug` and the user's role in it (null: not a member). */
export async function getOrgWithRole(
  db: Executor,
  slug: string,
  userId: string,
): Promise<{ org: Org; role: OrgRole | null } | null> {
  const row = await db
    .selectFrom('orgs')
    .leftJoin('orgMembers', (j) =>
      j.onRef('orgMembers.orgId', '=', 'orgs.id').on('orgMembers.userId', '=', userId),
    )
    .select([...orgColumns.map((c) => `orgs.${c}` as const), 'orgMembers.role'])
    .where('orgs.slug', '=', slug)
    .executeTakeFirst();
  if (!row) return null;
  const { role, ...org } = row;
  return { org: toOrg(org), role };
}

/** The organization at `slug`, for its public pages and documents; NOT_FOUND when there is none. */
export async function publicOrg(ctx: { db: Db }, slug: string): Promise<Org> {
  const org = await getOrgBySlug(ctx.db, slug);
  if (!org) throw notFound('That organization');
  return org;
}

/** How many organizations the platform has (the administrator's overview). */
export async function countOrgs(db: Db): Promise<number> {
  const r = await db
    .selectFrom('orgs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
