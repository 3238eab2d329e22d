// The versioned application form of a template. A saved version is never changed: saving makes a
// new one (an application keeps the version it was answered on), and only when something changed.
// Two people editing at once: the second save names the version the first one made (CONFLICT),
// and the unique (template, version) key catches the two saving in the same instant.
import type { Executor } from '../../db/index.ts';
import { type FieldError, LaurelError, invalid } from '../../errors.ts';
import { TYPE_EXTENSIONS, TYPE_LABELS } from '../apply/sniff.ts';
import type { Question, QuestionKind } from '../tables.ts';
import { MAX_FILE_MB, MB } from './settings.ts';

export const MAX_QUESTIONS = 40;
export const MAX_OPTIONS = 50;
export const MAX_FILES_PER_QUESTION = 20;
export const MAX_INSTRUCTIONS = 10_000;

export const QUESTION_KINDS: { kind: QuestionKind; label: string }[] = [
  { kind: 'short_text', label: 'Short text' },
  { kind: 'long_text', label: 'Long text' },
  { kind: 'url', label: 'Web address (URL)' },
  { kind: 'date', label: 'Date' },
  { kind: 'choice', label: 'Choice list' },
  { kind: 'attestation', label: 'Attestation (a box to tick)' },
  { kind: 'file', label: 'File upload' },
];

/**
 * The file types a question may accept: those the applicant side recognizes from a file's bytes
 * (apply/sniff.ts). Nothing that could run in a browser (SVG, HTML) is among them.
 */
export const FILE_TYPES: { key: string; mime: string; label: string }[] = Object.entries(TYPE_LABELS).map(
  ([mime, label]) => ({ key: TYPE_EXTENSIONS[mime] ?? mime.replace(/\W+/g, '-'), mime, label }),
);

export interface FormVersion {
  id: string;
  templateId: string;
  version: number;
  instructions: string;
  questions: Question[];
  createdAt: Date;
}

export interface FormInput {
  instructions: string;
  questions: Question[];
}

const COLUMNS = ['id', 'templateId', 'version', 'instructions', 'questions', 'createdAt'] as const;

/** The newest version of the template's form, or null before the first save. */
export async function latestForm(db: Executor, templateId: string): Promise<FormVersion | null> {
  const row = await db
    .selectFrom('applicationForms')
    .select(COLUMNS)
    .where('templateId', '=', templateId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export async function formVersion(
  db: Executor,
  templateId: string,
  version: number,
): Promise<FormVersion | null> {
  const row = await db
    .selectFrom('applicationForms')
    .select(COLUMNS)
    .where('templateId', '=', templateId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ?? null;
}

/** Every version, newest first, with how many applications were answered on each. */
export async function formHistory(
  db: Executor,
  templateId: string,
): Promise<{ version: number; createdAt: Date; questions: number; applications: number }[]> {
  const rows = await db
    .selectFrom('applicationForms as f')
    .leftJoin('applications as a', 'a.formId', 'f.id')
    .select(['f.version', 'f.createdAt', 'f.questions', (e) => e.fn.count<number>('a.id').as('applications')])
    .where('f.templateId', '=', templateId)
    .groupBy(['f.id', 'f.version', 'f.createdAt', 'f.questions'])
    .orderBy('f.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    createdAt: r.createdAt,
    questions: r.questions.length,
    applications: Number(r.applications),
  }));
}

const KINDS = new Set(QUESTION_KINDS.map((k) => k.kind));
const MIMES = new Set(FILE_TYPES.map((t) => t.mime));

/** The field errors of a form (fields named as the builder names them: `q.<index>.<field>`). */
export function formProblems(input: FormInput): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  if (input.instructions.length > MAX_INSTRUCTIONS)
    add('instructions', `Use at most ${MAX_INSTRUCTIONS.toLocaleString('en')} characters.`);
  if (input.questions.length > MAX_QUESTIONS) add('form', `A form has at most ${MAX_QUESTIONS} questions.`);
  const ids = new Set<string>();
  input.questions.forEach((q, i) => {
    const f = (name: string) => `q.${i}.${name}`;
    if (ids.has(q.id)) add(f('label'), 'Two questions share an identifier; remove one and add it again.');
    ids.add(q.id);
    if (!KINDS.has(q.kind)) add(f('kind'), 'Choose one of the kinds.');
    if (!q.label) add(f('label'), 'Write the question.');
    else if (q.label.length > 500) add(f('label'), 'Use at most 500 characters.');
    if ((q.help ?? '').length > 2000) add(f('help'), 'Use at most 2,000 characters.');
    if (q.kind === 'choice') {
      const options = q.options ?? [];
      if (options.length < 2) add(f('options'), 'Give at least two options, one a line.');
      else if (options.length > MAX_OPTIONS) add(f('options'), `Give at most ${MAX_OPTIONS} options.`);
      else if (new Set(options.map((o) => o.toLowerCase())).size !== options.length)
        add(f('options'), 'Each option must differ from the others.');
      else if (options.some((o) => o.length > 200))
        add(f('options'), 'Keep each option under 200 characters.');
    }
    if (q.kind === 'file') {
      if (!q.accept?.length) add(f('accept'), 'Choose at least one file type.');
      else if (q.accept.some((m) => !MIMES.has(m))) add(f('accept'), 'Choose among the types offered.');
      if (q.maxBytes !== undefined && !(q.maxBytes >= MB && q.maxBytes <= MAX_FILE_MB * MB))
        add(f('maxMb'), `Enter a size from 1 to ${MAX_FILE_MB} MB, or leave it empty.`);
      if (
        q.maxFiles !== undefined &&
        !(Number.isInteger(q.maxFiles) && q.maxFiles >= 1 && q.maxFiles <= MAX_FILES_PER_QUESTION)
      )
        add(f('maxFiles'), `Enter a whole number from 1 to ${MAX_FILES_PER_QUESTION}.`);
    }
  });
  return errors;
}

/** Only what a kind uses is kept: a choice list's options, a file question's limits. */
export function normalizeQuestion(q: Question): Question {
  const out: Question = { id: q.id, kind: q.kind, label: q.label, required: q.required };
  if (q.help) out.help = q.help;
  if (q.kind === 'choice') {
    out.options = q.options ?? [];
    if (q.multiple) out.multiple = true;
  }
  if (q.kind === 'file') {
    out.accept = q.accept ?? [];
    if (q.maxBytes !== undefined) out.maxBytes = q.maxBytes;
    if (q.maxFiles !== undefined) out.maxFiles = q.maxFiles;
  }
  return out;
}

// jsonb keeps an object's keys in its own order: both sides are rebuilt in one order first.
const same = (a: FormInput, b: FormInput) =>
  a.instructions === b.instructions &&
  JSON.stringify(a.questions.map(normalizeQuestion)) === JSON.stringify(b.questions.map(normalizeQuestion));

/**
 * Saves `input` as the next version, edited from `baseVersion` (0: no form yet). Returns the
 * latest version and whether it is new (nothing changed: no new version). CONFLICT when someone
 * saved a newer version since `baseVersion`.
 */
export async function saveFormVersion(
  db: Executor,
  templateId: string,
  baseVersion: number,
  input: FormInput,
  userId: string | null,
): Promise<{ form: FormVersion; created: boolean }> {
  const form = { instructions: input.instructions, questions: input.questions.map(normalizeQuestion) };
  const errors = formProblems(form);
  if (errors.length) throw invalid('The form was not saved.', errors);
  const latest = await latestForm(db, templateId);
  const current = latest?.version ?? 0;
  if (current !== baseVersion) throw newerVersion(current);
  if (latest && same(latest, form)) return { form: latest, created: false };
  try {
    const row = await db
      .insertInto('applicationForms')
      .values({
        templateId,
        version: current + 1,
        instructions: form.instructions,
        questions: JSON.stringify(form.questions),
        createdBy: userId,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    return { form: row, created: true };
  } catch (e) {
    // Another save took this version number in the same instant.
    if ((e as { code?: string }).code === '23505') throw newerVersion(current + 1);
    throw e;
  }
}

const newerVersion = (version: number) =>
  new LaurelError(
    'CONFLICT',
    `Someone saved version ${version} of this form while you were editing. Your changes are still below; save again to make them the next version.`,
  );
