// The settings page's form: its fields, and the values it shows for saved settings. Days are
// whole UTC days: applications open at the start of the opening day and close at the end of the
// closing day (stored as the start of the next one, which isOpenAt excludes).
import type { FormValues } from '../../http/forms.ts';
import { FormBody, FormText } from '../../http/schemas.ts';
import type { ApplicationMode, RenewalMode } from '../tables.ts';
import { type ApplicationSettings, MB, type SettingsInput } from './settings.ts';

const DAY_MS = 86_400_000;
const DATE = '^(\\d{4}-\\d{2}-\\d{2})?$';
const WHOLE = '^\\d{0,9}$';
const SIZE = '^(\\d{1,6}(\\.\\d{1,3})?)?$';

export const SettingsForm = FormBody({
  mode: FormText({ maxLength: 20 }),
  opensOn: FormText({ pattern: DATE, 'x-message': 'Enter a date like 2026-09-01.' }),
  closesOn: FormText({ pattern: DATE, 'x-message': 'Enter a date like 2026-09-30.' }),
  cap: FormText({
    pattern: WHOLE,
    'x-message': 'Leave it empty for no cap, or enter a whole number from 1.',
  }),
  approvalsRequired: FormText({ pattern: WHOLE, 'x-message': 'Enter a whole number from 1 to 10.' }),
  renewal: FormText({ maxLength: 20 }),
  renewalWindowDays: FormText({ pattern: WHOLE, 'x-message': 'Enter a whole number of days from 1 to 366.' }),
  maxFileMb: FormText({ pattern: SIZE, 'x-message': 'Enter a size in MB, such as 10.' }),
  maxApplicationMb: FormText({ pattern: SIZE, 'x-message': 'Enter a size in MB, such as 50.' }),
});

export type SettingsValues = Record<string, string>;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A typed day at 00:00 UTC; a day that does not exist (February 31) is an invalid date, not March 3. */
function parseDay(text: string): Date | null {
  if (!text) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && day(d) === text ? d : new Date(Number.NaN);
}

export function settingsValues(s: ApplicationSettings): SettingsValues {
  return {
    mode: s.mode,
    opensOn: s.opensAt ? day(s.opensAt) : '',
    closesOn: s.closesAt ? day(new Date(s.closesAt.getTime() - 1)) : '',
    cap: s.cap === null ? '' : String(s.cap),
    approvalsRequired: String(s.approvalsRequired),
    renewal: s.renewal,
    renewalWindowDays: String(s.renewalWindowDays),
    maxFileMb: String(s.maxFileBytes / MB),
    maxApplicationMb: String(s.maxApplicationBytes / MB),
  };
}

/** The settings a post asks for (the rules, with their messages, are settingsProblems'). */
export function readSettingsForm(v: FormValues<typeof SettingsForm>): SettingsInput {
  const closes = parseDay(v.closesOn);
  return {
    mode: v.mode as ApplicationMode,
    opensAt: parseDay(v.opensOn),
    closesAt: closes ? new Date(closes.getTime() + DAY_MS) : null,
    cap: v.cap ? Number(v.cap) : null,
    approvalsRequired: v.approvalsRequired ? Number(v.approvalsRequired) : 1,
    renewal: v.renewal as RenewalMode,
    renewalWindowDays: v.renewalWindowDays ? Number(v.renewalWindowDays) : 60,
    maxFileBytes: Math.round(Number(v.maxFileMb || 10) * MB),
    maxApplicationBytes: Math.round(Number(v.maxApplicationMb || 50) * MB),
  };
}
