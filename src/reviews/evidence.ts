// What an approved application puts into its credential as OB 3.0 evidence: the answers as a
// narrative (always) and a link per file the applicant made public (never the private ones); for
// a renewal, issueIntoWallet adds the credential it renews.
import type { Config } from '../config.ts';
import type { Answer, Question } from '../applications/tables.ts';
import { type FileInfo, publicFileUrl } from '../applications/files.ts';
import type { EvidenceItem } from '../issuing/tables.ts';

function answerText(q: Question, a: Answer | undefined): string | null {
  if (a === undefined || a === null || a === '') return null;
  if (q.kind === 'attestation') return a === true || a === 'true' || a === '1' ? 'Confirmed.' : null;
  if (Array.isArray(a)) return a.length ? a.join(', ') : null;
  return String(a).trim() || null;
}

/** "Question\nAnswer" blocks in the form's order; file questions are linked, not narrated. */
export function answersNarrative(questions: Question[], answers: Record<string, Answer>): string {
  return questions
    .filter((q) => q.kind !== 'file')
    .flatMap((q) => {
      const text = answerText(q, answers[q.id]);
      return text ? [`${q.label}\n${text}`] : [];
    })
    .join('\n\n');
}

export function evidenceFor(
  config: Config,
  input: {
    files: FileInfo[];
    questions: Question[];
  },
): EvidenceItem[] {
  const label = new Map(input.questions.map((q) => [q.id, q.label]));
  const items: EvidenceItem[] = input.files
    .filter((f) => f.public)
    .map((f) => ({
      id: publicFileUrl(config, f.id),
      name: f.filename,
      ...(label.get(f.questionId) ? { description: label.get(f.questionId) } : {}),
      genre: 'File',
    }));
  return items;
}
