import { ACHIEVEMENT_TYPES } from '@laurel/openbadges/ob3';
import type { Transaction } from 'kysely';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import type { Database } from '../db/schema.ts';
import { type FieldError, LaurelError, invalid, notFound } from '../errors.ts';
import { type Org, issuerProfile, orgUrl } from '../orgs/service.ts';
import { type Design, renderDesignSvg } from './designer.ts';
import type { PreparedImage } from './images.ts';
import { renderPng } from './render.ts';
import type { AlignmentRow, ExpiryKind, TemplateStatus } from './tables.ts';
import { isHttpUrl, isUuid } from '../util/checks.ts';

type Handle = Db | Transaction<Database>;

// The OB 3.0 AchievementType vocabulary (spec §B.1.2) is the library's; `ext:` names extend it.
export { ACHIEVEMENT_TYPES };
export const MAX_ALIGNMENTS = 10;
export const MAX_TAGS = 30;

export type Alignment = AlignmentRow;

export interface Expiry {
  kind: ExpiryKind;
  date?: Date;
  months?: number;
}

export interface Template {
  id: string;
  orgId: string;
  name: string;
  description: string;
  criteriaNarrative: string;
  criteriaUrl: string | null;
  tags: string[];
  alignments: Alignment[];
  achievementType: string;
  creditsAvailable: number | null;
  level: string | null;
  expiry: Expiry;
  status: TemplateStatus;
  hasSvg: boolean;
  design: Design | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateInput {
  name: string;
  description: string;
  criteriaNarrative: string;
  criteriaUrl?: string | null;
  tags?: string[];
  alignments?: Alignment[];
  achievementType?: string;
  creditsAvailable?: number | null;
  level?: string | null;
  expiry?: { kind: ExpiryKind; date?: Date | string | null; months?: number | null };
  status?: TemplateStatus;
}

/** The image of a template: an upload already checked by `prepareUpload`, or designer parameters. */
export type TemplateImageInput = { upload: PreparedImage } | { design: Design };

const columns = [
  'id',
  'org_id',
  'name',
  'description',
  'criteria_narrative',
  'criteria_url',
  'tags',
  'alignments',
  'achievement_type',
  'credits_available',
  'level',
  'expiry_kind',
  'expiry_date',
  'expiry_months',
  'status',
  'design',
  'created_by',
  'created_at',
  'updated_at',
] as const;

type Row = {
  id: string;
  org_id: string;
  name: string;
  description: string;
  criteria_narrative: string;
  criteria_url: string | null;
  tags: string[];
  alignments: AlignmentRow[] | string;
  achievement_type: string;
  credits_available: number | string | null;
  level: string | null;
  expiry_kind: ExpiryKind;
  expiry_date: Date | null;
  expiry_months: number | null;
  status: TemplateStatus;
  design: Record<string, unknown> | string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
};

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toTemplate(row: Row, hasSvg: boolean): Template {
  const expiry: Expiry = { kind: row.expiry_kind };
  if (row.expiry_kind === 'date' && row.expiry_date) expiry.date = new Date(row.expiry_date);
  if (row.expiry_kind === 'months' && row.expiry_months) expiry.months = Number(row.expiry_months);
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    criteriaNarrative: row.criteria_narrative,
    criteriaUrl: row.criteria_url,
    tags: row.tags ?? [],
    alignments: json(row.alignments) ?? [],
    achievementType: row.achievement_type,
    creditsAvailable: row.credits_available === null ? null : Number(row.credits_available),
    level: row.level,
    expiry,
    status: row.status,
    hasSvg,
    design: (json(row.design) as Design | null) ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const blank = (v: string | null | undefined) => (v ?? '').trim() === '';
const clean = (v: string | null | undefined) => (blank(v) ? null : v!.trim());

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
  const alignments = input.alignments ?? [];
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
    for (const k of [
      'targetName',
      'targetUrl',
      'targetFramework',
      'targetCode',
      'targetDescription',
    ] as const) {
      if ((a[k] ?? '').length > 1000)
        errors.push({ field: `alignments.${i}.${k}`, message: `Alignment ${i + 1}: ${k} is too long.` });
    }
  });
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
  const expiry = input.expiry ?? { kind: 'none' };
  if (expiry.kind === 'date') {
    const d = expiry.date ? new Date(expiry.date) : null;
    if (!d || Number.isNaN(d.getTime()))
      errors.push({ field: 'expiryDate', message: 'Enter the date the badges expire.' });
  } else if (expiry.kind === 'months') {
    const m = expiry.months;
    if (!m || !Number.isInteger(m) || m < 1 || m > 1200) {
      errors.push({
        field: 'expiryMonths',
        message: 'Enter the number of months a badge stays valid (1–1200).',
      });
    }
  } else if (expiry.kind !== 'none') {
    errors.push({ field: 'expiryKind', message: 'Choose how badges expire.' });
  }
  if (input.status && !['draft', 'active', 'archived'].includes(input.status)) {
    errors.push({ field: 'status', message: 'Unknown status.' });
  }
  return errors;
}

/** Tags from "a, b; c" or a list: trimmed, unique, empty ones dropped. */
export function normalizeTags(tags: string[] | string): string[] {
  const list = typeof tags === 'string' ? tags.split(/[,;\n]/) : tags;
  return [...new Set(list.map((t) => t.trim().replace(/\s+/g, ' ')).filter(Boolean))];
}

function cleanAlignments(list: Alignment[] | undefined): Alignment[] {
  return (list ?? []).map((a) => {
    const out: Alignment = { targetName: a.targetName.trim(), targetUrl: a.targetUrl.trim() };
    for (const k of ['targetFramework', 'targetCode', 'targetDescription'] as const) {
      const v = clean(a[k]);
      if (v) out[k] = v;
    }
    return out;
  });
}

async function imageColumns(image: TemplateImageInput) {
  if ('design' in image) {
    const svg = renderDesignSvg(image.design);
    return { image_svg: svg, image_png: await renderPng(svg), design: JSON.stringify(image.design) };
  }
  return { image_svg: image.upload.svg, image_png: image.upload.png, design: null };
}

function rowValues(input: TemplateInput) {
  const expiry = input.expiry ?? { kind: 'none' as const };
  return {
    name: input.name.trim(),
    description: input.description.trim(),
    criteria_narrative: input.criteriaNarrative.trim(),
    criteria_url: clean(input.criteriaUrl),
    tags: normalizeTags(input.tags ?? []),
    alignments: JSON.stringify(cleanAlignments(input.alignments)),
    achievement_type: input.achievementType ?? 'Badge',
    credits_available: input.creditsAvailable ?? null,
    level: clean(input.level),
    expiry_kind: expiry.kind,
    expiry_date: expiry.kind === 'date' && expiry.date ? new Date(expiry.date) : null,
    expiry_months: expiry.kind === 'months' ? (expiry.months ?? null) : null,
  };
}

export async function createTemplate(
  db: Handle,
  orgId: string,
  input: TemplateInput,
  image: TemplateImageInput,
  createdBy?: string,
): Promise<Template> {
  const errors = validateTemplateInput(input);
  if (errors.length) throw invalid('The badge template could not be saved.', errors);
  const imageValues = await imageColumns(image);
  const row = await db
    .insertInto('badge_templates')
    .values({
      org_id: orgId,
      ...rowValues(input),
      status: input.status ?? 'draft',
      ...imageValues,
      created_by: createdBy ?? null,
    })
    .returning([...columns, 'image_svg'])
    .executeTakeFirstOrThrow();
  return toTemplate(row, row.image_svg !== null);
}

const TRANSITIONS: Record<TemplateStatus, TemplateStatus[]> = {
  draft: ['draft', 'active'],
  active: ['active', 'archived'],
  archived: ['archived'],
};

/** Can the status go from `from` to `to`? draft → active → archived, never back. */
export const canTransition = (from: TemplateStatus, to: TemplateStatus) => TRANSITIONS[from].includes(to);

/** Applies a partial change; the image is replaced only when `image` is given. */
export async function updateTemplate(
  db: Handle,
  id: string,
  patch: Partial<TemplateInput>,
  image?: TemplateImageInput,
): Promise<Template> {
  const current = await getTemplate(db, id);
  if (!current) throw notFound('That badge template');
  const merged: TemplateInput = {
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    criteriaNarrative: patch.criteriaNarrative ?? current.criteriaNarrative,
    criteriaUrl: patch.criteriaUrl !== undefined ? patch.criteriaUrl : current.criteriaUrl,
    tags: patch.tags ?? current.tags,
    alignments: patch.alignments ?? current.alignments,
    achievementType: patch.achievementType ?? current.achievementType,
    creditsAvailable:
      patch.creditsAvailable !== undefined ? patch.creditsAvailable : current.creditsAvailable,
    level: patch.level !== undefined ? patch.level : current.level,
    expiry: patch.expiry ?? current.expiry,
    status: patch.status ?? current.status,
  };
  const errors = validateTemplateInput(merged);
  if (merged.status && !canTransition(current.status, merged.status)) {
    errors.push({
      field: 'status',
      message: `A ${current.status} template cannot become ${merged.status} (draft → active → archived).`,
    });
  }
  if (errors.length) throw invalid('The badge template could not be saved.', errors);
  const imageValues = image ? await imageColumns(image) : {};
  const row = await db
    .updateTable('badge_templates')
    .set({
      ...rowValues(merged),
      status: merged.status ?? current.status,
      ...imageValues,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returning([...columns, 'image_svg'])
    .executeTakeFirstOrThrow();
  return toTemplate(row, row.image_svg !== null);
}

export async function setTemplateStatus(db: Handle, id: string, status: TemplateStatus): Promise<Template> {
  return updateTemplate(db, id, { status });
}

export async function getTemplate(db: Handle, id: string): Promise<Template | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('badge_templates')
    .select(columns)
    .select((eb) => eb('image_svg', 'is not', null).as('has_svg'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toTemplate(row, !!row.has_svg) : null;
}

export async function listTemplates(
  db: Handle,
  orgId: string,
  opts: { status?: TemplateStatus | TemplateStatus[] } = {},
): Promise<Template[]> {
  let q = db
    .selectFrom('badge_templates')
    .select(columns)
    .select((eb) => eb('image_svg', 'is not', null).as('has_svg'))
    .where('org_id', '=', orgId);
  if (opts.status) q = q.where('status', 'in', Array.isArray(opts.status) ? opts.status : [opts.status]);
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map((r) => toTemplate(r, !!r.has_svg));
}

export async function countTemplates(db: Handle, orgId: string): Promise<Record<TemplateStatus, number>> {
  const rows = await db
    .selectFrom('badge_templates')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .groupBy('status')
    .execute();
  const out: Record<TemplateStatus, number> = { draft: 0, active: 0, archived: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

export async function templateImage(db: Handle, id: string, format: 'png' | 'svg'): Promise<Buffer | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('badge_templates')
    .select(format === 'png' ? ['image_png as data'] : ['image_svg as data'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row?.data) return null;
  return Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as string | Uint8Array);
}

// ---------------------------------------------------------------- public shapes

export const templateUrl = (config: Config, org: Pick<Org, 'slug'>, t: Pick<Template, 'id'>) =>
  `${orgUrl(config, org.slug)}/badges/${t.id}`;

/** The OB3 Achievement of a template (OB 3.0 §B.1.1), with the issuer Profile as creator. */
export function achievementFor(config: Config, org: Org, template: Template): Record<string, unknown> {
  const url = templateUrl(config, org, template);
  const criteria: Record<string, string> = { narrative: template.criteriaNarrative };
  if (template.criteriaUrl) criteria.id = template.criteriaUrl;
  const achievement: Record<string, unknown> = {
    id: url,
    type: ['Achievement'],
    name: template.name,
    description: template.description,
    criteria,
    image: { id: `${url}/image.png`, type: 'Image', caption: template.name },
    achievementType: template.achievementType,
    creator: issuerProfile(config, org),
  };
  if (template.tags.length) achievement.tag = template.tags;
  if (template.alignments.length) {
    achievement.alignment = template.alignments.map((a) => ({ type: ['Alignment'], ...a }));
  }
  if (template.creditsAvailable !== null) achievement.creditsAvailable = template.creditsAvailable;
  return achievement;
}

/** The OB2 BadgeClass (served at …/badgeclass.json). */
export function badgeClassFor(config: Config, org: Org, template: Template): Record<string, unknown> {
  const url = templateUrl(config, org, template);
  const criteria: Record<string, string> = { narrative: template.criteriaNarrative };
  if (template.criteriaUrl) criteria.id = template.criteriaUrl;
  const badge: Record<string, unknown> = {
    '@context': 'https://w3id.org/openbadges/v2',
    id: `${url}/badgeclass.json`,
    type: 'BadgeClass',
    name: template.name,
    description: template.description,
    image: `${url}/image.png`,
    criteria,
    issuer: `${orgUrl(config, org.slug)}/issuer.json`,
    tags: template.tags,
  };
  if (template.alignments.length) badge.alignment = template.alignments;
  return badge;
}

/** When a badge issued at `issuedAt` expires under the template's policy (months: calendar months, clamped). */
export function validUntilFor(template: Pick<Template, 'expiry'>, issuedAt: Date): Date | null {
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

/** Raised by issuing when a template cannot issue (draft or archived). */
export function assertIssuable(template: Template): void {
  if (template.status !== 'active') {
    throw new LaurelError(
      'CONFLICT',
      `The template "${template.name}" is ${template.status} and cannot issue badges.`,
    );
  }
}
