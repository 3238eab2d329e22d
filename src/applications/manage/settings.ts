// How a template's badge is earned: its application settings (mode, dates, cap, approvals,
// renewal, file limits), the rules that keep them sensible, and whether the template is open to
// applications now. The applicant side and the public pages ask `availability` / `openTemplateIds`.
import { sql } from 'kysely';
import type { Executor } from '../../db/index.ts';
import type { FieldError } from '../../errors.ts';
import { invalid } from '../../errors.ts';
import { isOpenAt } from '../policy.ts';
import type { ApplicationMode, ApplicationState, RenewalMode } from '../tables.ts';

export const MB = 1024 * 1024;
/** Bounds of the file limits an organization may set (files are kept in the database). */
export const MAX_FILE_MB = 50;
export const MAX_APPLICATION_MB = 200;

export const MODES: readonly ApplicationMode[] = ['closed', 'public', 'invitation'];
export const RENEWALS: readonly RenewalMode[] = ['off', 'review', 'instant'];

export interface ApplicationSettings {
  templateId: string;
  mode: ApplicationMode;
  opensAt: Date | null;
  closesAt: Date | null;
  cap: number | null;
  approvalsRequired: number;
  renewal: RenewalMode;
  renewalWindowDays: number;
  maxFileBytes: number;
  maxApplicationBytes: number;
  /** Null until the settings are saved once (the defaults apply). */
  updatedAt: Date | null;
}

/** What a template without a settings row has: issued by the organization only (the columns' defaults). */
export const defaultSettings = (templateId: string): ApplicationSettings => ({
  templateId,
  mode: 'closed',
  opensAt: null,
  closesAt: null,
  cap: null,
  approvalsRequired: 1,
  renewal: 'review',
  renewalWindowDays: 60,
  maxFileBytes: 10 * MB,
  maxApplicationBytes: 50 * MB,
  updatedAt: null,
});

const COLUMNS = [
  'templateId',
  'mode',
  'opensAt',
  'closesAt',
  'cap',
  'approvalsRequired',
  'renewal',
  'renewalWindowDays',
  'maxFileBytes',
  'maxApplicationBytes',
  'updatedAt',
] as const;

export async function getApplicationSettings(db: Executor, templateId: string): Promise<ApplicationSettings> {
  const row = await db
    .selectFrom('applicationSettings')
    .select(COLUMNS)
    .where('templateId', '=', templateId)
    .executeTakeFirst();
  return row ?? defaultSettings(templateId);
}

export type SettingsInput = Omit<ApplicationSettings, 'templateId' | 'updatedAt'>;

/** What opening a template needs to be true; the page passes what it knows of the template. */
export interface OpeningFacts {
  templateActive: boolean;
  /** The latest form version has at least one question. */
  hasQuestions: boolean;
}

/** The field errors of `input` (empty when it can be saved). */
export function settingsProblems(input: SettingsInput, facts: OpeningFacts): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  if (!MODES.includes(input.mode)) add('mode', 'Choose one of the options.');
  else if (input.mode !== 'closed' && !facts.templateActive)
    add('mode', 'Publish the template before opening it to applications.');
  else if (input.mode !== 'closed' && !facts.hasQuestions)
    add('mode', 'Build the application form (at least one question) before opening it to applications.');
  const bad = (d: Date | null) => d !== null && Number.isNaN(d.getTime());
  if (bad(input.opensAt)) add('opensOn', 'This day does not exist.');
  if (bad(input.closesAt)) add('closesOn', 'This day does not exist.');
  if (input.opensAt && input.closesAt && input.closesAt <= input.opensAt)
    add('closesOn', 'The closing day must come after the opening day.');
  if (input.cap !== null && (!Number.isInteger(input.cap) || input.cap < 1 || input.cap > 1_000_000))
    add('cap', 'Leave it empty for no cap, or enter a whole number from 1.');
  if (
    !Number.isInteger(input.approvalsRequired) ||
    input.approvalsRequired < 1 ||
    input.approvalsRequired > 10
  )
    add('approvalsRequired', 'Enter a whole number from 1 to 10.');
  if (!RENEWALS.includes(input.renewal)) add('renewal', 'Choose one of the options.');
  if (
    !Number.isInteger(input.renewalWindowDays) ||
    input.renewalWindowDays < 1 ||
    input.renewalWindowDays > 366
  )
    add('renewalWindowDays', 'Enter a whole number of days from 1 to 366.');
  const fileOk = inRange(input.maxFileBytes, MAX_FILE_MB);
  if (!fileOk) add('maxFileMb', `Enter a size from 1 to ${MAX_FILE_MB} MB.`);
  if (!inRange(input.maxApplicationBytes, MAX_APPLICATION_MB))
    add('maxApplicationMb', `Enter a size from 1 to ${MAX_APPLICATION_MB} MB.`);
  else if (fileOk && input.maxApplicationBytes < input.maxFileBytes)
    add('maxApplicationMb', 'An application must be allowed at least one file of the largest size.');
  return errors;
}

const inRange = (bytes: number, maxMb: number) =>
  Number.isInteger(bytes) && bytes >= MB && bytes <= maxMb * MB;

/** Saves the settings (a row per template, created on the first save); INVALID with field errors. */
export async function saveApplicationSettings(
  db: Executor,
  template: { id: string; orgId: string },
  input: SettingsInput,
  facts: OpeningFacts,
  userId: string | null,
): Promise<ApplicationSettings> {
  const errors = settingsProblems(input, facts);
  if (errors.length) throw invalid('The settings were not saved.', errors);
  const values = { ...input, updatedAt: new Date(), updatedBy: userId };
  return db
    .insertInto('applicationSettings')
    .values({ templateId: template.id, orgId: template.orgId, ...values })
    .onConflict((oc) => oc.column('templateId').doUpdateSet(values))
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
}

/** How many applications of the template were approved (what the cap counts). */
export async function countApproved(db: Executor, templateId: string): Promise<number> {
  const row = await db
    .selectFrom('applications')
    .select((e) => e.fn.countAll<number>().as('n'))
    .where('templateId', '=', templateId)
    .where('state', '=', 'approved')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many of the template's applications are in each state (states with none left out). */
export async function countByState(
  db: Executor,
  templateId: string,
): Promise<Partial<Record<ApplicationState, number>>> {
  const rows = await db
    .selectFrom('applications')
    .select(['state', (e) => e.fn.countAll<number>().as('n')])
    .where('templateId', '=', templateId)
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

export type Unavailable = 'closed' | 'inactive' | 'no-form' | 'not-yet' | 'ended' | 'full';

/** Why a template takes no application now, in words an applicant understands. */
export const UNAVAILABLE: Record<Unavailable, string> = {
  closed: 'This badge is not open to applications.',
  inactive: 'This badge is no longer issued.',
  'no-form': 'This badge is not open to applications yet.',
  'not-yet': 'Applications for this badge have not opened yet.',
  ended: 'Applications for this badge have closed.',
  full: 'This badge has reached its number of places.',
};

export type Availability =
  | { open: true; settings: ApplicationSettings }
  | { open: false; reason: Unavailable; settings: ApplicationSettings };

/**
 * Whether `template` takes new applications at `now`: open mode (public or invitation), active,
 * with a form, inside its dates and below its cap. Invitation mode is open to invited people only;
 * the caller checks the invitation.
 */
export async function availability(
  db: Executor,
  template: { id: string; status: string },
  now = new Date(),
): Promise<Availability> {
  const settings = await getApplicationSettings(db, template.id);
  const closed = (reason: Unavailable): Availability => ({ open: false, reason, settings });
  if (settings.mode === 'closed') return closed('closed');
  if (template.status !== 'active') return closed('inactive');
  if (settings.opensAt && now < settings.opensAt) return closed('not-yet');
  if (!isOpenAt(settings, now)) return closed('ended');
  const form = await db
    .selectFrom('applicationForms')
    .select('id')
    .where('templateId', '=', template.id)
    .limit(1)
    .executeTakeFirst();
  if (!form) return closed('no-form');
  if (settings.cap !== null && (await countApproved(db, template.id)) >= settings.cap) return closed('full');
  return { open: true, settings };
}

/**
 * The templates of `orgId` anyone may apply for at `now` (public mode, inside the dates, with a
 * form, below the cap), in one query for the organization's public page. The caller lists only
 * its active templates.
 */
export async function openTemplateIds(db: Executor, orgId: string, now = new Date()): Promise<Set<string>> {
  const rows = await db
    .selectFrom('applicationSettings as s')
    .select('s.templateId')
    .where('s.orgId', '=', orgId)
    .where('s.mode', '=', 'public')
    .where((e) => e.or([e('s.opensAt', 'is', null), e('s.opensAt', '<=', now)]))
    .where((e) => e.or([e('s.closesAt', 'is', null), e('s.closesAt', '>', now)]))
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('applicationForms as f').select('f.id').whereRef('f.templateId', '=', 's.templateId'),
      ),
    )
    .where(
      // Parenthesized: a raw condition is joined to the others as written.
      sql<boolean>`(s.cap is null or s.cap > (select count(*) from applications a where a.template_id = s.template_id and a.state = 'approved'))`,
    )
    .execute();
  return new Set(rows.map((r) => r.templateId));
}
