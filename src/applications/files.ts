// The files of applications, kept in the database (PGlite and PostgreSQL alike). What comes in is
// checked whole before anything is written — type from the bytes, size per file and per
// application, how many a question takes — and written in the caller's transaction, so a refused
// file leaves nothing behind. What goes out is always a download, never rendered inline.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import type { Executor } from '../db/index.ts';
import { type FieldError, LaurelError } from '../errors.ts';
import { isUuid } from '../util/checks.ts';
import { sniff, TYPE_EXTENSIONS, TYPE_LABELS } from './apply/sniff.ts';
import type { Question } from './tables.ts';

/** A file as the applicant sent it. */
export interface IncomingFile {
  questionId: string;
  filename: string;
  data: Buffer;
}

/** A stored file without its bytes. */
export interface FileInfo {
  id: string;
  applicationId: string;
  questionId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  public: boolean;
  createdAt: Date;
}

export interface StoredFile extends FileInfo {
  data: Buffer;
}

export interface FileLimits {
  maxFileBytes: number;
  maxApplicationBytes: number;
}

/** When a template has no settings row (defaults of application_settings). */
export const DEFAULT_FILE_LIMITS: FileLimits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxApplicationBytes: 50 * 1024 * 1024,
};

const INFO_COLUMNS = [
  'id',
  'applicationId',
  'questionId',
  'filename',
  'contentType',
  'size',
  'sha256',
  'public',
  'createdAt',
] as const;

/** The field of a file question on the form (errors point at it). */
export const fileFieldName = (questionId: string) => `f_${questionId}`;

/**
 * Checks every file against the form's questions and the limits, then writes them all, in the
 * caller's transaction. A question taking one file gets the new one in place of the old. Any
 * refusal throws (INVALID, TOO_LARGE or UNSUPPORTED_MEDIA) naming each bad file, before a row is
 * written.
 */
export async function storeFiles(
  trx: Executor,
  applicationId: string,
  files: IncomingFile[],
  rules: { questions: Question[]; limits: FileLimits },
): Promise<FileInfo[]> {
  if (!files.length) return [];
  const existing = await listFiles(trx, applicationId);
  const byQuestion = new Map(rules.questions.filter((q) => q.kind === 'file').map((q) => [q.id, q]));
  const errors: FieldError[] = [];
  let code: LaurelError['code'] = 'INVALID';
  const fail = (field: string, message: string, c: LaurelError['code']) => {
    errors.push({ field, message });
    // The most telling status: too large wins over a wrong type, which wins over the rest.
    if (c === 'TOO_LARGE' || (c === 'UNSUPPORTED_MEDIA' && code === 'INVALID')) code = c;
  };
  const replaced = new Set<string>();
  const accepted: (IncomingFile & { type: string; name: string })[] = [];
  for (const f of files) {
    const q = byQuestion.get(f.questionId);
    const field = fileFieldName(f.questionId);
    const name = safeFilename(f.filename);
    if (!q) {
      fail(field, `“${name}” does not answer a file question of this form.`, 'INVALID');
      continue;
    }
    const limit = Math.min(q.maxBytes ?? Number.POSITIVE_INFINITY, rules.limits.maxFileBytes);
    if (f.data.length > limit) {
      fail(field, `“${name}” is ${mb(f.data.length)}; a file may be at most ${mb(limit)}.`, 'TOO_LARGE');
      continue;
    }
    const kind = sniff(f.data);
    if (!kind.ok) {
      fail(field, `“${name}”: ${kind.reason}`, 'UNSUPPORTED_MEDIA');
      continue;
    }
    if (q.accept?.length && !q.accept.includes(kind.type)) {
      const allowed = q.accept.map((t) => TYPE_LABELS[t] ?? t).join(', ');
      fail(field, `“${name}” is a ${kind.label}; this question takes: ${allowed}.`, 'UNSUPPORTED_MEDIA');
      continue;
    }
    if ((q.maxFiles ?? 1) === 1) replaced.add(q.id);
    accepted.push({ ...f, type: kind.type, name: withExtension(name, kind.type) });
  }
  const kept = existing.filter((e) => !replaced.has(e.questionId));
  for (const q of byQuestion.values()) {
    const count =
      kept.filter((e) => e.questionId === q.id).length + accepted.filter((a) => a.questionId === q.id).length;
    const most = q.maxFiles ?? 1;
    if (count > most)
      fail(
        fileFieldName(q.id),
        `“${q.label}” takes at most ${most} file${most === 1 ? '' : 's'}.`,
        'INVALID',
      );
  }
  const total = [...kept, ...accepted].reduce((n, f) => n + ('size' in f ? f.size : f.data.length), 0);
  if (total > rules.limits.maxApplicationBytes)
    fail(
      'files',
      `The files of one application may come to at most ${mb(rules.limits.maxApplicationBytes)}; these would make ${mb(total)}.`,
      'TOO_LARGE',
    );
  if (errors.length) {
    const summary =
      errors.length === 1
        ? errors[0]!.message
        : `${errors.length} files could not be accepted; nothing was saved.`;
    throw new LaurelError(code, summary, errors);
  }
  if (replaced.size)
    await trx
      .deleteFrom('applicationFiles')
      .where('applicationId', '=', applicationId)
      .where('questionId', 'in', [...replaced])
      .execute();
  return trx
    .insertInto('applicationFiles')
    .values(
      accepted.map((f) => ({
        applicationId,
        questionId: f.questionId,
        filename: f.name,
        contentType: f.type,
        size: f.data.length,
        sha256: createHash('sha256').update(f.data).digest('hex'),
        data: f.data,
      })),
    )
    .returning(INFO_COLUMNS)
    .execute();
}

/** The files of an application, oldest first, without their bytes. */
export function listFiles(db: Executor, applicationId: string): Promise<FileInfo[]> {
  return db
    .selectFrom('applicationFiles')
    .select(INFO_COLUMNS)
    .where('applicationId', '=', applicationId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

/** One file with its bytes (null when there is none: the caller decides who may have it). */
export async function readFile(db: Executor, id: string): Promise<StoredFile | null> {
  if (!isUuid(id)) return null;
  const row = await db
    .selectFrom('applicationFiles')
    .select([...INFO_COLUMNS, 'data'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/** Removes files of an application (those of `ids` it holds), in the caller's transaction. */
export async function removeFiles(trx: Executor, applicationId: string, ids: string[]): Promise<void> {
  const valid = ids.filter(isUuid);
  if (!valid.length) return;
  await trx
    .deleteFrom('applicationFiles')
    .where('applicationId', '=', applicationId)
    .where('id', 'in', valid)
    .execute();
}

/** Makes exactly the files of `publicIds` public evidence (the others private). */
export async function setPublicFiles(
  trx: Executor,
  applicationId: string,
  publicIds: string[],
): Promise<void> {
  const valid = publicIds.filter(isUuid);
  await trx
    .updateTable('applicationFiles')
    .set({ public: false })
    .where('applicationId', '=', applicationId)
    .execute();
  if (valid.length)
    await trx
      .updateTable('applicationFiles')
      .set({ public: true })
      .where('applicationId', '=', applicationId)
      .where('id', 'in', valid)
      .execute();
}

/** Where a public evidence file is served (only while it stays public, and always as a download). */
export const publicFileUrl = (config: Config, fileId: string) => `${config.baseUrl}/evidence/${fileId}`;

/**
 * Sends a stored file as a download: never rendered, never sniffed into something else, never
 * cached by a shared cache, and sandboxed should a browser render it after all.
 */
export function sendAsDownload(
  reply: FastifyReply,
  file: Pick<StoredFile, 'filename' | 'contentType' | 'data'>,
) {
  return reply
    .header(
      'content-type',
      file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : file.contentType,
    )
    .header('content-length', String(file.data.length))
    .header('content-disposition', contentDisposition(file.filename))
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'private, no-store')
    .send(file.data);
}

/** `attachment` with an ASCII fallback name and the exact name in RFC 5987 form. */
export function contentDisposition(filename: string): string {
  const name = safeFilename(filename);
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/**
 * A name safe to store and to offer for saving: its last path segment only (`../../x` is `x`),
 * no control or reserved characters, no leading dots, at most 120 characters.
 */
export function safeFilename(name: string): string {
  const last = name.split(/[/\\]/).pop() ?? '';
  const clean = last
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"|?*;]/g, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim();
  if (!clean) return 'file';
  if (clean.length <= 120) return clean;
  const dot = clean.lastIndexOf('.');
  const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
  return clean.slice(0, 120 - ext.length) + ext;
}

/** The name with the extension of its real type (a PNG named `cv.pdf` is saved as `cv.png`). */
function withExtension(name: string, type: string): string {
  const ext = TYPE_EXTENSIONS[type];
  if (!ext) return name;
  const dot = name.lastIndexOf('.');
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (
    current === ext ||
    (ext === 'jpg' && current === 'jpeg') ||
    (ext === 'txt' && ['csv', 'md', 'text'].includes(current))
  )
    return name;
  const known =
    Object.values(TYPE_EXTENSIONS).includes(current) ||
    ['jpeg', 'csv', 'md', 'html', 'htm', 'svg'].includes(current);
  return `${known ? name.slice(0, dot) : name}.${ext}`;
}

const mb = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;
