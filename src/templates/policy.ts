// Rules about templates' data: what a template must hold, how its status may move, who sees it,
// and when the badges it issues expire. Called by the service, never by pages or routes.
import { ACHIEVEMENT_TYPES } from '@laurel/openbadges/ob3';
import type { FieldError } from '../errors.ts';
import { isHttpUrl } from '../util/checks.ts';
import type { AlignmentRow, ExpiryKind, TemplateStatus } from './tables.ts';

export const MAX_ALIGNMENTS = 10;
export const MAX_TAGS = 30;
export const TEMPLATE_STATUSES = ['draft', 'active', 'archived'] as const satisfies TemplateStatus[];
export const ALIGNMENT_KEYS = [
  'targetName',
  'targetUrl',
  'targetFramework',
  'targetCode',
  'targetDescription',
] as const satisfies (keyof AlignmentRow)[];

/** What a template says, as given to create or change one (see service.ts). */
export interface TemplateInput {
  name: string;
  description: string;
  criteriaNarrative: string;
  criteriaUrl?: string | null;
  tags?: string[];
  alignments?: AlignmentRow[];
  achievementType?: string;
  creditsAvailable?: number | null;
  level?: string | null;
  expiry?: { kind: ExpiryKind; date?: Date | string | null; months?: number | null };
  status?: TemplateStatus;
}

export const isTemplateStatus = (v: string): v is TemplateStatus =>
  (TEMPLATE_STATUSES as readonly string[]).includes(v);

const blank = (v: string | null | undefined) => (v ?? '').trim() === '';

/** Checks a whole template (after a patch is merged) and returns field errors. */
export function validateTemplateInput(input: TemplateInput): FieldError[] {
  const errors: FieldError[] = [];
  const need = (field: keyof TemplateInput, value: string | undefined, label: string, max: number) => {
    if (blank(value)) errors.push({ field, message: `Enter ${label}.` });
    else if (value!.length > max)
      errors.push({
        field,
        message: `${label[0]!.toUpperCase()}${label.slice(5)} is too long (${max} characters at most).`,
      });
  };
  need('name', input.name, 'the badge name', 200);
  need('description', input.description, 'a description', 5000);
  need('criteriaNarrative', input.criteriaNarrative, 'the criteria for earning it', 10000);
  if (!blank(input.criteriaUrl) && !isHttpUrl(input.criteriaUrl!.trim())) {
    errors.push({ field: 'criteriaUrl', message: 'The criteria page must be an http or https address.' });
  }
  const tags = input.tags ?? [];
  if (tags.length > MAX_TAGS) errors.push({ field: 'tags', message: `At most ${MAX_TAGS} skills or tags.` });
  if (tags.some((t) => t.length > 100))
    errors.push({ field: 'tags', message: 'A tag is at most 100 characters.' });
  errors.push(...alignmentErrors(input.alignments ?? []));
  const type = input.achievementType ?? 'Badge';
  if (!(ACHIEVEMENT_TYPES as readonly string[]).includes(type) && !/^ext:[A-Za-z0-9._-]{1,60}$/.test(type)) {
    errors.push({ field: 'achievementType', message: 'Choose a type from the list.' });
  }
  const credits = input.creditsAvailable;
  if (
    credits !== undefined &&
    credits !== null &&
    (!Number.isFinite(credits) || credits < 0 || credits > 10000)
  ) {
    errors.push({ field: 'creditsAvailable', message: 'Credits are a number between 0 and 10000.' });
  }
  if ((input.level ?? '').length > 100)
    errors.push({ field: 'level', message: 'The level is at most 100 characters.' });
  errors.push(...expiryErrors(input.expiry ?? { kind: 'none' }));
  if (input.status && !isTemplateStatus(input.status)) {
    errors.push({ field: 'status', message: 'Unknown status.' });
  }
  return errors;
}

function alignmentErrors(alignments: AlignmentRow[]): FieldError[] {
  const errors: FieldError[] = [];
  if (alignments.length > MAX_ALIGNMENTS) {
    errors.push({ field: 'alignments', message: `At most ${MAX_ALIGNMENTS} alignments.` });
  }
  alignments.forEach((a, i) => {
    if (blank(a.targetName))
      errors.push({
        field: `alignments.${i}.targetName`,
        message: `Alignment ${i + 1}: enter the name of the target.`,
      });
    if (blank(a.targetUrl) || !isHttpUrl(a.targetUrl.trim())) {
      errors.push({
        field: `alignments.${i}.targetUrl`,
        message: `Alignment ${i + 1}: the target URL must be an http or https address.`,
      });
    }
    for (const k of ALIGNMENT_KEYS) {
      if ((a[k] ?? '').length > 1000)
        errors.push({ field: `alignments.${i}.${k}`, message: `Alignment ${i + 1}: ${k} is too long.` });
    }
  });
  return errors;
}

function expiryErrors(expiry: NonNullable<TemplateInput['expiry']>): FieldError[] {
  if (expiry.kind === 'date') {
    const d = expiry.date ? new Date(expiry.date) : null;
    if (!d || Number.isNaN(d.getTime()))
      return [{ field: 'expiryDate', message: 'Enter the date the badges expire.' }];
  } else if (expiry.kind === 'months') {
    const m = expiry.months;
    if (!m || !Number.isInteger(m) || m < 1 || m > 1200) {
      return [{ field: 'expiryMonths', message: 'Enter the number of months a badge stays valid (1–1200).' }];
    }
  } else if (expiry.kind !== 'none') {
    return [{ field: 'expiryKind', message: 'Choose how badges expire.' }];
  }
  return [];
}

/** Tags from "a, b; c" or a list: trimmed, unique, empty ones dropped. */
export function normalizeTags(tags: string[] | string): string[] {
  const list = typeof tags === 'string' ? tags.split(/[,;\n]/) : tags;
  return [...new Set(list.map((t) => t.trim().replace(/\s+/g, ' ')).filter(Boolean))];
}

const TRANSITIONS: Record<TemplateStatus, TemplateStatus[]> = {
  draft: ['draft', 'active'],
  active: ['active', 'archived'],
  archived: ['archived'],
};

/** Can the status go from `from` to `to`? draft → active → archived, never back. */
const canTransition = (from: TemplateStatus, to: TemplateStatus) => TRANSITIONS[from].includes(to);

export function transitionErrors(from: TemplateStatus, to: TemplateStatus | undefined): FieldError[] {
  if (!to || canTransition(from, to)) return [];
  return [
    { field: 'status', message: `A ${from} template cannot become ${to} (draft → active → archived).` },
  ];
}

/** A template is its organization's alone: another organization's id reads as nothing. */
export const belongsTo = (template: { orgId: string }, orgId: string) => template.orgId === orgId;

/** Drafts do not exist for the public: no page, no document, no image. */
export const publiclyVisible = (template: { status: TemplateStatus }) => template.status !== 'draft';

/** When a badge issued at `issuedAt` expires under the template's policy (months: calendar months, clamped). */
export function validUntilFor(
  template: { expiry: { kind: ExpiryKind; date?: Date; months?: number } },
  issuedAt: Date,
): Date | null {
  const e = template.expiry;
  if (e.kind === 'date' && e.date) return new Date(e.date);
  if (e.kind === 'months' && e.months) {
    const d = new Date(issuedAt);
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + e.months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
    return d;
  }
  return null;
}
