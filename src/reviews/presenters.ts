// What leaves the review side through the API: the queue's rows, an application with its answers
// by question, files, thread and timeline, and the outcome of a decision.
import { Type } from 'typebox';
import type { Config } from '../config.ts';
import { isoSeconds } from '../util/dates.ts';
import { Uuid } from '../http/schemas.ts';
import type { QueueRow } from './queue.ts';
import type { DecisionOutcome, Review } from './service.ts';

const STATE = Type.Union([
  Type.Literal('draft'),
  Type.Literal('submitted'),
  Type.Literal('returned'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('withdrawn'),
]);
const When = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const iso = (d: Date | null) => (d ? isoSeconds(d) : null);

export const QueueItemSchema = Type.Object({
  id: Uuid,
  templateId: Uuid,
  templateName: Type.String(),
  applicantName: Type.String(),
  state: STATE,
  submission: Type.Integer({
    description: 'How many times it was submitted (a resubmission starts a new round).',
  }),
  submittedAt: Type.String({ format: 'date-time' }),
  approvals: Type.Integer({ description: 'Approvals of the current submission.' }),
  renewsAwardId: Type.Union([Uuid, Type.Null()]),
});

export const QueueSchema = Type.Object({
  items: Type.Array(QueueItemSchema),
  next: Type.Union([Type.String(), Type.Null()], {
    description: 'The cursor of the next page; null on the last.',
  }),
  counts: Type.Record(Type.String(), Type.Integer(), { description: 'Applications in each state.' }),
});

export function presentQueueRow(r: QueueRow) {
  return {
    id: r.id,
    templateId: r.templateId,
    templateName: r.templateName,
    applicantName: r.applicantName,
    state: r.state,
    submission: r.submission,
    submittedAt: isoSeconds(r.submittedAt),
    approvals: r.approvals,
    renewsAwardId: r.renewsAwardId,
  };
}

export const ApplicationSchema = Type.Object({
  id: Uuid,
  templateId: Uuid,
  templateName: Type.String(),
  state: STATE,
  applicant: Type.Object({ name: Type.String(), email: Type.String() }),
  submission: Type.Integer(),
  submittedAt: When,
  decidedAt: When,
  formVersion: Type.Integer(),
  instructions: Type.String(),
  answers: Type.Array(
    Type.Object({
      questionId: Type.String(),
      label: Type.String(),
      kind: Type.String(),
      required: Type.Boolean(),
      answer: Type.Union([Type.String(), Type.Array(Type.String()), Type.Boolean(), Type.Null()]),
    }),
  ),
  files: Type.Array(
    Type.Object({
      id: Uuid,
      questionId: Type.String(),
      filename: Type.String(),
      contentType: Type.String(),
      size: Type.Integer(),
      public: Type.Boolean(),
      downloadUrl: Type.String({
        description: 'The API download (`applications:read`, or a reviewer’s session with its CSRF header).',
      }),
    }),
  ),
  approvals: Type.Array(Type.Object({ reviewerName: Type.String(), createdAt: Type.String() })),
  approvalsRequired: Type.Integer(),
  events: Type.Array(
    Type.Object({
      kind: Type.String({
        description: 'transition, approval, message (to the applicant) or note (private).',
      }),
      actorRole: Type.String(),
      actorName: Type.Union([Type.String(), Type.Null()]),
      fromState: Type.Union([Type.String(), Type.Null()]),
      toState: Type.Union([Type.String(), Type.Null()]),
      message: Type.Union([Type.String(), Type.Null()]),
      createdAt: Type.String({ format: 'date-time' }),
    }),
  ),
  renewsAwardId: Type.Union([Uuid, Type.Null()]),
  awardId: Type.Union([Uuid, Type.Null()]),
  awardUrl: Type.Union([Type.String(), Type.Null()]),
});

export function presentApplication(config: Config, r: Review) {
  const a = r.application;
  return {
    id: a.id,
    templateId: a.templateId,
    templateName: r.templateName,
    state: a.state,
    applicant: { name: a.applicantName, email: a.applicantEmail },
    submission: a.submission,
    submittedAt: iso(a.submittedAt),
    decidedAt: iso(a.decidedAt),
    formVersion: r.form.version,
    instructions: r.form.instructions,
    answers: r.form.questions
      .filter((q) => q.kind !== 'file')
      .map((q) => ({
        questionId: q.id,
        label: q.label,
        kind: q.kind,
        required: q.required,
        answer: a.answers[q.id] ?? null,
      })),
    files: r.files.map((f) => ({
      id: f.id,
      questionId: f.questionId,
      filename: f.filename,
      contentType: f.contentType,
      size: f.size,
      public: f.public,
      downloadUrl: `${config.baseUrl}/api/v1/orgs/${r.org.slug}/applications/${a.id}/files/${f.id}`,
    })),
    approvals: r.approvals.map((p) => ({ reviewerName: p.reviewerName, createdAt: isoSeconds(p.createdAt) })),
    approvalsRequired: r.approvalsRequired,
    events: r.events.map((e) => ({
      kind: e.kind,
      actorRole: e.actorRole,
      actorName: e.actorName,
      fromState: e.fromState,
      toState: e.toState,
      message: e.message,
      createdAt: isoSeconds(e.createdAt),
    })),
    renewsAwardId: a.renewsAwardId,
    awardId: a.awardId,
    awardUrl: a.awardId ? `${config.baseUrl}/api/v1/orgs/${r.org.slug}/awards/${a.awardId}` : null,
  };
}

export const DecisionSchema = Type.Object({
  id: Uuid,
  state: STATE,
  approvals: Type.Integer({ description: 'Approvals of this submission so far.' }),
  approvalsRequired: Type.Integer(),
  awardId: Type.Union([Uuid, Type.Null()], { description: 'The badge this decision issued, if it did.' }),
});

export function presentDecision(o: DecisionOutcome) {
  return {
    id: o.application.id,
    state: o.application.state,
    approvals: o.approvals,
    approvalsRequired: o.required,
    awardId: o.awardId,
  };
}
