// Answers as the form posts them (`a_<question id>` fields) read against the questions of the
// form version, and the checks a submission must pass. A draft may be incomplete; what it holds
// must still be well-formed (a URL is a URL, a choice is one of the options).
import type { FieldError } from '../../errors.ts';
import { isHttpUrl } from '../../util/checks.ts';
import type { FileInfo } from '../files.ts';
import type { Answer, Question } from '../tables.ts';

export const answerFieldName = (questionId: string) => `a_${questionId}`;

const MAX_LENGTH: Partial<Record<Question['kind'], number>> = {
  short_text: 500,
  long_text: 10_000,
  url: 2_000,
};

const texts = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .filter((x): x is string => typeof x === 'string')
    .map((s) => s.trim());

/** The answers of a posted form and the field errors of what is malformed. */
export function readAnswers(
  questions: Question[],
  body: Record<string, unknown>,
): { answers: Record<string, Answer>; errors: FieldError[] } {
  const answers: Record<string, Answer> = {};
  const errors: FieldError[] = [];
  for (const q of questions) {
    if (q.kind === 'file') continue;
    const field = answerFieldName(q.id);
    const given = texts(body[field]);
    const first = given[0] ?? '';
    switch (q.kind) {
      case 'attestation':
        answers[q.id] = ['1', 'on', 'yes', 'true'].includes(first);
        break;
      case 'choice': {
        const chosen = [...new Set(given.filter(Boolean))];
        const options = q.options ?? [];
        if (chosen.some((c) => !options.includes(c)))
          errors.push({ field, message: 'Choose one of the options.' });
        else if (!q.multiple && chosen.length > 1) errors.push({ field, message: 'Choose one option.' });
        else answers[q.id] = q.multiple ? chosen : (chosen[0] ?? '');
        break;
      }
      case 'date':
        if (first && !isDate(first)) errors.push({ field, message: 'Enter a date as YYYY-MM-DD.' });
        else answers[q.id] = first;
        break;
      default: {
        const max = MAX_LENGTH[q.kind] ?? 10_000;
        if (first.length > max) errors.push({ field, message: `Use at most ${max} characters.` });
        else if (q.kind === 'url' && first && !isHttpUrl(first))
          errors.push({ field, message: 'Enter a web address starting with https://' });
        else answers[q.id] = first;
      }
    }
  }
  return { answers, errors };
}

/** What a submission still lacks: each required question unanswered (files included). */
export function missingAnswers(
  questions: Question[],
  answers: Record<string, Answer>,
  files: FileInfo[],
): FieldError[] {
  const errors: FieldError[] = [];
  for (const q of questions) {
    if (!q.required) continue;
    if (q.kind === 'file') {
      if (!files.some((f) => f.questionId === q.id))
        errors.push({ field: `f_${q.id}`, message: `“${q.label}”: attach a file.` });
      continue;
    }
    const a = answers[q.id];
    const empty = a === undefined || a === false || a === '' || (Array.isArray(a) && a.length === 0);
    if (empty)
      errors.push({
        field: answerFieldName(q.id),
        message:
          q.kind === 'attestation'
            ? `“${q.label}”: tick this box to confirm.`
            : `“${q.label}”: answer this question.`,
      });
  }
  return errors;
}

/** Keeps the answers a form version asks for (a renewal on a newer form drops the others). */
export function answersFor(questions: Question[], answers: Record<string, Answer>): Record<string, Answer> {
  const ids = new Set(questions.filter((q) => q.kind !== 'file').map((q) => q.id));
  return Object.fromEntries(Object.entries(answers).filter(([id]) => ids.has(id)));
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
