// The form builder's fields and what a post of them means. The page works without JavaScript:
// adding, moving and removing a question are submits that re-render the builder with the change
// and save nothing; "Save" makes a new version. Question n's fields are named `q.<n>.<field>`.
import { randomBytes } from 'node:crypto';
import type { FormValues } from '../../http/forms.ts';
import { FormBody, FormFlag, FormText } from '../../http/schemas.ts';
import type { Question, QuestionKind } from '../tables.ts';
import { FILE_TYPES, type FormInput, type FormVersion, MAX_INSTRUCTIONS, MAX_QUESTIONS } from './forms.ts';
import { MB } from './settings.ts';

export type BuilderValues = Record<string, string>;
export type BuilderIntent = 'save' | 'preview' | 'edit';

const TEXT = ['id', 'kind', 'label', 'help', 'options', 'maxMb', 'maxFiles'] as const;
const FLAGS = ['required', 'multiple', ...FILE_TYPES.map((t) => `accept.${t.key}`)] as const;
const FIELDS = [...TEXT, ...FLAGS];

export const field = (i: number | string, name: string) => `q.${i}.${name}`;

export const BuilderForm = FormBody({
  instructions: FormText({ maxLength: MAX_INSTRUCTIONS }),
  baseVersion: FormText({ pattern: '^[0-9]{0,9}$' }),
  count: FormText({ pattern: '^[0-9]{0,3}$' }),
  // save | preview | add | up:<n> | down:<n> | remove:<n>
  intent: FormText({ maxLength: 20 }),
  ...Object.fromEntries(
    Array.from({ length: MAX_QUESTIONS }, (_, i) => [
      ...TEXT.map((name) => [field(i, name), FormText({ maxLength: name === 'options' ? 12_000 : 2_000 })]),
      ...FLAGS.map((name) => [field(i, name), FormFlag]),
    ]).flat(),
  ),
});

const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const newId = () => `q${randomBytes(4).toString('hex')}`;
const checked = (v: string | undefined) => v === '1' || v === 'on';

/** The builder's values for a saved version (or an empty form with one blank question). */
export function valuesFromForm(form: FormVersion | null): BuilderValues {
  const blocks = form?.questions.length ? form.questions.map(blockOf) : [emptyBlock()];
  return {
    instructions: form?.instructions ?? '',
    baseVersion: String(form?.version ?? 0),
    ...numbered(blocks),
  };
}

function blockOf(q: Question): BuilderValues {
  const b: BuilderValues = { id: q.id, kind: q.kind, label: q.label, help: q.help ?? '' };
  if (q.required) b.required = '1';
  if (q.options) b.options = q.options.join('\n');
  if (q.multiple) b.multiple = '1';
  for (const t of FILE_TYPES) if (q.accept?.includes(t.mime)) b[`accept.${t.key}`] = '1';
  if (q.maxBytes !== undefined) b.maxMb = String(q.maxBytes / MB);
  if (q.maxFiles !== undefined) b.maxFiles = String(q.maxFiles);
  return b;
}

const emptyBlock = (): BuilderValues => ({ id: newId(), kind: 'short_text', required: '1' });

function numbered(blocks: BuilderValues[]): BuilderValues {
  const out: BuilderValues = { count: String(blocks.length) };
  blocks.forEach((b, i) => {
    for (const [k, v] of Object.entries(b)) if (v) out[field(i, k)] = v;
  });
  return out;
}

/**
 * What a post of the builder asks: the values to show again (after adding, moving or removing a
 * question), the form to save, and whether to save, preview or only show the change.
 */
export function readBuilder(form: FormValues<typeof BuilderForm>): {
  values: BuilderValues;
  input: FormInput;
  intent: BuilderIntent;
  baseVersion: number;
} {
  const posted = form as Record<string, string>;
  const count = Math.min(Number(posted.count) || 0, MAX_QUESTIONS);
  const seen = new Set<string>();
  let blocks: BuilderValues[] = Array.from({ length: count }, (_, i) => {
    const b = Object.fromEntries(FIELDS.map((name) => [name, posted[field(i, name)] ?? '']));
    // A question keeps its identifier across versions; a new or malformed one gets a fresh one.
    if (!ID.test(b.id!) || seen.has(b.id!)) b.id = newId();
    seen.add(b.id!);
    return b;
  });
  const [action, at] = (posted.intent || 'save').split(':');
  const i = Number(at);
  let intent: BuilderIntent = 'edit';
  if (action === 'add' && blocks.length < MAX_QUESTIONS) blocks.push(emptyBlock());
  else if (action === 'remove' && blocks[i]) blocks.splice(i, 1);
  else if ((action === 'up' || action === 'down') && blocks[i]) {
    const j = action === 'up' ? i - 1 : i + 1;
    if (blocks[j]) [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
  } else if (action === 'preview') intent = 'preview';
  else if (action === 'save') {
    intent = 'save';
    // A question left entirely blank is not a question.
    blocks = blocks.filter((b) => b.label || b.help || b.options);
  }
  const values = {
    instructions: posted.instructions ?? '',
    baseVersion: String(Number(posted.baseVersion) || 0),
    ...numbered(blocks),
  };
  return {
    values,
    input: { instructions: values.instructions, questions: blocks.map(questionOf) },
    intent,
    baseVersion: Number(values.baseVersion),
  };
}

function questionOf(b: BuilderValues): Question {
  const q: Question = {
    id: b.id!,
    kind: (b.kind || 'short_text') as QuestionKind,
    label: b.label ?? '',
    required: checked(b.required),
  };
  if (b.help) q.help = b.help;
  q.options = (b.options ?? '')
    .split(/\r?\n/)
    .map((o) => o.trim())
    .filter(Boolean);
  if (checked(b.multiple)) q.multiple = true;
  q.accept = FILE_TYPES.filter((t) => checked(b[`accept.${t.key}`])).map((t) => t.mime);
  // Not a number: NaN, which the form's rules refuse with the field's message.
  if (b.maxMb) q.maxBytes = Math.round(Number(b.maxMb) * MB);
  if (b.maxFiles) q.maxFiles = Number(b.maxFiles);
  return q;
}
