import type { Executor } from '../db/index.ts';
import { invalid, notFound } from '../errors.ts';
import type { AppContext } from '../http/context.ts';
import type { Runtime } from '../http/runtime.ts';
import { type Org, publicOrg } from '../orgs/service.ts';
import { isUuid } from '../util/checks.ts';
import { type Design, renderDesignSvg } from './designer.ts';
import type { PreparedImage } from './images.ts';
import {
  type TemplateInput,
  belongsTo,
  normalizeTags,
  publiclyVisible,
  transitionErrors,
  validateTemplateInput,
} from './policy.ts';
import { renderPng } from './render.ts';
import type { AlignmentRow, ExpiryKind, TemplateStatus } from './tables.ts';

// Other features reach templates through this module, the documents and rules they use included.

/** What saving a template's image needs: the database (or a transaction) and the runtime whose raster pool draws it. */
export interface TemplateWriter {
  db: Executor;
  runtime: Runtime;
}

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

/** The image of a template: an upload already checked by `prepareUpload`, or designer parameters. */
export type TemplateImageInput = { upload: PreparedImage } | { design: Design };

const columns = [
  'id',
  'orgId',
  'name',
  'description',
  'criteriaNarrative',
  'criteriaUrl',
  'tags',
  'alignments',
  'achievementType',
  'creditsAvailable',
  'level',
  'expiryKind',
  'expiryDate',
  'expiryMonths',
  'status',
  'design',
  'createdBy',
  'createdAt',
  'updatedAt',
] as const;

type Row = {
  id: string;
  orgId: string;
  name: string;
  description: string;
  criteriaNarrative: string;
  criteriaUrl: string | null;
  tags: string[];
  alignments: AlignmentRow[] | string;
  achievementType: string;
  creditsAvailable: number | string | null;
  level: string | null;
  expiryKind: ExpiryKind;
  expiryDate: Date | null;
  expiryMonths: number | null;
  status: TemplateStatus;
  design: Record<string, unknown> | string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

function toTemplate({
  expiryKind,
  expiryDate,
  expiryMonths,
  hasSvg,
  ...row
}: Row & { hasSvg: unknown }): Template {
  const expiry: Expiry = { kind: expiryKind };
  if (expiryKind === 'date' && expiryDate) expiry.date = new Date(expiryDate);
  if (expiryKind === 'months' && expiryMonths) expiry.months = Number(expiryMonths);
  return {
    ...row,
    tags: row.tags ?? [],
    alignments: json(row.alignments) ?? [],
    creditsAvailable: row.creditsAvailable === null ? null : Number(row.creditsAvailable),
    expiry,
    hasSvg: !!hasSvg,
    design: (json(row.design) as Design | null) ?? null,
  };
}

const clean = (v: string | null | undefined) => ((v ?? '').trim() === '' ? null : v!.trim());

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

async function imageColumns(runtime: Runtime, image: TemplateImageInput) {
  if ('design' in image) {
    const svg = renderDesignSvg(image.design);
    return { imageSvg: svg, imagePng: await renderPng(runtime, svg), design: JSON.stringify(image.design) };
  }
  return { imageSvg: image.upload.svg, imagePng: image.upload.png, design: null };
}

function rowValues(input: TemplateInput) {
  const expiry = input.expiry ?? { kind: 'none' as const };
  return {
    name: input.name.trim(),
    description: input.description.trim(),
    criteriaNarrative: input.criteriaNarrative.trim(),
    criteriaUrl: clean(input.criteriaUrl),
    tags: normalizeTags(input.tags ?? []),
    alignments: JSON.stringify(cleanAlignments(input.alignments)),
    achievementType: input.achievementType ?? 'Badge',
    creditsAvailable: input.creditsAvailable ?? null,
    level: clean(input.level),
    expiryKind: expiry.kind,
    expiryDate: expiry.kind === 'date' && expiry.date ? new Date(expiry.date) : null,
    expiryMonths: expiry.kind === 'months' ? (expiry.months ?? null) : null,
  };
}

export async function createTemplate(
  { db, runtime }: TemplateWriter,
  orgId: string,
  input: TemplateInput,
  image: TemplateImageInput,
  createdBy?: string,
): Promise<Template> {
  const errors = validateTemplateInput(input);
  if (errors.length) throw invalid('The badge template could not be saved.', errors);
  const imageValues = await imageColumns(runtime, image);
  const row = await db
    .insertInto('badgeTemplates')
    .values({
      orgId: orgId,
      ...rowValues(input),
      status: input.status ?? 'draft',
      ...imageValues,
      createdBy: createdBy ?? null,
    })
    .returning([...columns, (eb) => eb('imageSvg', 'is not', null).as('hasSvg')])
    .executeTakeFirstOrThrow();
  return toTemplate(row);
}

/** Applies a partial change; the image is replaced only when `image` is given. */
export function updateTemplate(
  { db, runtime }: TemplateWriter,
  id: string,
  patch: Partial<TemplateInput>,
  image?: TemplateImageInput,
): Promise<Template> {
  return changeTemplate(db, id, patch, image && (() => imageColumns(runtime, image)));
}

/** A status change draws nothing, so it needs only the database. */
export async function setTemplateStatus(db: Executor, id: string, status: TemplateStatus): Promise<Template> {
  return changeTemplate(db, id, { status });
}

/** The image is drawn (by `drawImage`) only once the change has passed its checks. */
async function changeTemplate(
  db: Executor,
  id: string,
  patch: Partial<TemplateInput>,
  drawImage?: () => ReturnType<typeof imageColumns>,
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
  const errors = [...validateTemplateInput(merged), ...transitionErrors(current.status, merged.status)];
  if (errors.length) throw invalid('The badge template could not be saved.', errors);
  const imageValues = drawImage ? await drawImage() : {};
  const row = await db
    .updateTable('badgeTemplates')
    .set({
      ...rowValues(merged),
      status: merged.status ?? current.status,
      ...imageValues,
      updatedAt: new Date(),
    })
    .where('id', '=', id)
    .returning([...columns, (eb) => eb('imageSvg', 'is not', null).as('hasSvg')])
    .executeTakeFirstOrThrow();
  return toTemplate(row);
}

export async function getTemplate(db: Executor, id: string): Promise<Template | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('badgeTemplates')
    .select(columns)
    .select((eb) => eb('imageSvg', 'is not', null).as('hasSvg'))
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toTemplate(row) : null;
}

export async function listTemplates(
  db: Executor,
  orgId: string,
  opts: { status?: TemplateStatus | TemplateStatus[] } = {},
): Promise<Template[]> {
  let q = db
    .selectFrom('badgeTemplates')
    .select(columns)
    .select((eb) => eb('imageSvg', 'is not', null).as('hasSvg'))
    .where('orgId', '=', orgId);
  if (opts.status) q = q.where('status', 'in', Array.isArray(opts.status) ? opts.status : [opts.status]);
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map(toTemplate);
}

export async function countTemplates(db: Executor, orgId: string): Promise<Record<TemplateStatus, number>> {
  const rows = await db
    .selectFrom('badgeTemplates')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('orgId', '=', orgId)
    .groupBy('status')
    .execute();
  const out: Record<TemplateStatus, number> = { draft: 0, active: 0, archived: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}

export async function templateImage(db: Executor, id: string, format: 'png' | 'svg'): Promise<Buffer | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('badgeTemplates')
    .select(format === 'png' ? ['imagePng as data'] : ['imageSvg as data'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row?.data) return null;
  return Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as string | Uint8Array);
}

/** A template of this organization, for its members: another organization's reads as not found. */
export async function getOrgTemplate(db: Executor, org: Pick<Org, 'id'>, id: string): Promise<Template> {
  const template = await getTemplate(db, id);
  if (!template || !belongsTo(template, org.id)) throw notFound('That badge template');
  return template;
}

/** A template of the `slug` organization as the public may see it: drafts do not exist for them. */
export async function getPublicTemplate(
  ctx: AppContext,
  slug: string,
  id: string,
): Promise<{ org: Org; template: Template }> {
  const org = await publicOrg(ctx, slug);
  const template = await getTemplate(ctx.db, id);
  if (!template || !belongsTo(template, org.id) || !publiclyVisible(template)) throw notFound('That badge');
  return { org, template };
}
