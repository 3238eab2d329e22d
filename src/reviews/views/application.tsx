// An application as its reviewers see it: the answers by question of the form version it was
// answered on, the files (downloads only), the decision with the approvals of this round, and
// one thread that is also the timeline: transitions, approvals, messages to the applicant and
// private notes (marked as such; the applicant never sees them).
import type { SafeHtml } from '@laurel/jsx';
import { STATE_LABELS } from '../../applications/policy.ts';
import type { Answer, Question } from '../../applications/tables.ts';
import type { FieldError } from '../../errors.ts';
import { Alert, PageHeader, Pill, PostForm, TextArea, formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { OrgRole } from '../../orgs/tables.ts';
import type { Review, TimelineEvent } from '../service.ts';
import { reviewPath } from './queue.tsx';

export interface ApplicationViewProps {
  ctx: PageContext;
  review: Review;
  /** A member sees the page in the dashboard; an external reviewer outside it. */
  orgRole: OrgRole | null;
  external: boolean;
  /** The reviewer looking has approved this submission already. */
  approvedByMe: boolean;
  notice?: string;
  failure?: {
    form: 'decision' | 'thread';
    message: string;
    errors: FieldError[];
    values: Record<string, string>;
  };
}

const NOTICES: Record<string, string> = {
  approve: 'Your approval was recorded.',
  approved: 'Approved: the badge was issued into the applicant’s wallet.',
  return: 'Returned to the applicant for revision.',
  reject: 'The application was rejected; the applicant sees your reason.',
  message: 'Your message was sent to the applicant.',
  note: 'Your note was added. Only reviewers see it.',
};
export const noticeFor = (key: string | undefined) => (key ? NOTICES[key] : undefined);

function AnswerOf(p: { q: Question; a: Answer | undefined }): SafeHtml {
  const a = p.a;
  if (a === undefined || a === '' || (Array.isArray(a) && !a.length)) return <p class="muted">No answer.</p>;
  if (p.q.kind === 'attestation') return <p>{a === true || a === 'true' ? 'Confirmed' : 'Not confirmed'}</p>;
  if (Array.isArray(a))
    return (
      <ul>
        {a.map((x) => (
          <li>{x}</li>
        ))}
      </ul>
    );
  if (p.q.kind === 'url' && /^https?:\/\//i.test(String(a)))
    return (
      <p>
        <a href={String(a)} rel="noopener noreferrer nofollow" target="_blank">
          {String(a)}
        </a>
      </p>
    );
  return <p style="white-space:pre-wrap">{String(a)}</p>;
}

const ROLE_NAMES: Record<string, string> = {
  applicant: 'the applicant',
  reviewer: 'reviewer',
  external: 'external reviewer',
  system: 'Laurel',
};

function EventLine(p: { e: TimelineEvent }) {
  const e = p.e;
  const who = e.actorName ? `${e.actorName} (${ROLE_NAMES[e.actorRole]})` : ROLE_NAMES[e.actorRole];
  const what =
    e.kind === 'transition'
      ? `${STATE_LABELS[e.fromState as keyof typeof STATE_LABELS] ?? e.fromState} → ${STATE_LABELS[e.toState as keyof typeof STATE_LABELS] ?? e.toState}`
      : e.kind === 'approval'
        ? 'Approved'
        : e.kind === 'note'
          ? 'Private note'
          : 'Message';
  return (
    <li class={`event event-${e.kind}`}>
      <p>
        <strong>{what}</strong>{' '}
        <span class="muted">
          — {who}, {formatDate(e.createdAt)}
        </span>{' '}
        {e.kind === 'note' ? <Pill kind="warn">Only reviewers see this</Pill> : null}
      </p>
      {e.message ? <p style="white-space:pre-wrap">{e.message}</p> : null}
    </li>
  );
}

export function ApplicationReviewPage(p: ApplicationViewProps) {
  const { review: r } = p;
  const a = r.application;
  const here = reviewPath(a.id);
  const title = `${a.applicantName} — ${r.templateName}`;
  const files = (qid: string) => r.files.filter((f) => f.questionId === qid);
  const fail = (form: 'decision' | 'thread') => (p.failure?.form === form ? p.failure : undefined);
  const body = (
    <>
      <PageHeader
        title={title}
        lead={`Application for “${r.templateName}” (form version ${r.form.version}).`}
        breadcrumbs={
          p.external ? [['/reviews', 'Reviews']] : [[`/manage/${r.org.slug}/reviews`, 'Applications']]
        }
      />
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      {/* A decision that came too late: the form is gone with the state that allowed it. */}
      {p.failure?.form === 'decision' && a.state !== 'submitted' ? (
        <Alert kind="error">{p.failure.message}</Alert>
      ) : null}
      <section class="card">
        <p>
          <Pill kind={a.state === 'approved' ? 'ok' : a.state === 'rejected' ? 'bad' : 'neutral'}>
            {STATE_LABELS[a.state]}
          </Pill>{' '}
          {a.submittedAt ? <>Submitted {formatDate(a.submittedAt)}</> : null}
          {a.submission > 1 ? <> (submission {a.submission})</> : null}
        </p>
        <p>
          Applicant: <strong>{a.applicantName}</strong> &lt;{a.applicantEmail}&gt;
        </p>
        {r.renews ? (
          <p>
            Renewal of the badge issued {formatDate(r.renews.issuedAt)}:{' '}
            <a href={`/c/${r.renews.awardId}`}>the credential it renews</a>.
          </p>
        ) : null}
        {a.awardId ? (
          <p>
            Issued: <a href={`/c/${a.awardId}`}>the badge</a> (its public page opens once the earner shares
            it).
          </p>
        ) : null}
      </section>

      <section>
        <h2>Answers</h2>
        {r.form.instructions ? (
          <p class="muted" style="white-space:pre-wrap">
            {r.form.instructions}
          </p>
        ) : null}
        <dl class="answers">
          {r.form.questions.map((q) => (
            <>
              <dt>
                {q.label}
                {q.required ? <span class="muted"> (required)</span> : null}
              </dt>
              <dd>
                {q.kind === 'file' ? (
                  files(q.id).length ? (
                    <ul>
                      {files(q.id).map((f) => (
                        <li>
                          <a href={`${here}/files/${f.id}`} download>
                            {f.filename}
                          </a>{' '}
                          <span class="muted">
                            ({f.contentType}, {Math.max(1, Math.round(f.size / 1024))} KB)
                          </span>{' '}
                          {f.public ? <Pill kind="ok">Public evidence</Pill> : <Pill>Private</Pill>}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="muted">No file.</p>
                  )
                ) : (
                  <AnswerOf q={q} a={a.answers[q.id]} />
                )}
              </dd>
            </>
          ))}
        </dl>
      </section>

      {a.state === 'submitted' && a.applicantId === p.ctx.user?.id ? (
        <section class="card">
          <h2>Decision</h2>
          <p>This is your own application: another reviewer decides on it.</p>
        </section>
      ) : a.state === 'submitted' ? (
        <section class="card">
          <h2>Decision</h2>
          <p>
            Approvals of this submission: {r.approvals.length} of {r.approvalsRequired}
            {r.approvals.length ? ` (${r.approvals.map((x) => x.reviewerName).join(', ')})` : ''}.
            {r.approvalsRequired - r.approvals.length === 1 && !p.approvedByMe
              ? ' Approving issues the badge into the applicant’s wallet.'
              : ''}
          </p>
          {p.approvedByMe ? <p>You have approved this submission.</p> : null}
          <PostForm
            action={`${here}/decision`}
            csrfToken={p.ctx.csrfToken}
            failure={fail('decision')}
            class="stack"
          >
            <TextArea
              label="Message to the applicant"
              name="message"
              value={fail('decision')?.values.message}
              errors={fail('decision')?.errors}
              hint="Needed to return (what to change) or reject (the reason); optional with an approval. The applicant sees it."
              rows={4}
            />
            <div class="actions">
              {p.approvedByMe ? null : (
                <button type="submit" name="decision" value="approve">
                  Approve
                </button>
              )}
              <button type="submit" name="decision" value="return" class="secondary">
                Return for revision
              </button>
              <button type="submit" name="decision" value="reject" class="danger">
                Reject
              </button>
            </div>
          </PostForm>
        </section>
      ) : null}

      <section>
        <h2>Thread and timeline</h2>
        <ol class="timeline" style="list-style:none;padding:0">
          {r.events.map((e) => (
            <EventLine e={e} />
          ))}
        </ol>
        <PostForm
          action={`${here}/thread`}
          csrfToken={p.ctx.csrfToken}
          failure={fail('thread')}
          class="stack"
        >
          <TextArea
            label="Write"
            name="text"
            value={fail('thread')?.values.text}
            errors={fail('thread')?.errors}
            rows={3}
            required
          />
          <fieldset class="field">
            <legend>Who sees it</legend>
            <label class="check">
              <input
                type="radio"
                name="kind"
                value="note"
                checked={fail('thread')?.values.kind !== 'message'}
              />{' '}
              A private note: reviewers only
            </label>
            <label class="check">
              <input
                type="radio"
                name="kind"
                value="message"
                checked={fail('thread')?.values.kind === 'message'}
              />{' '}
              A message to the applicant (also emailed)
            </label>
          </fieldset>
          <div class="actions">
            <button type="submit" class="secondary">
              Add to the thread
            </button>
          </div>
        </PostForm>
      </section>
    </>
  );
  return p.orgRole && !p.external ? (
    <ManageLayout ctx={p.ctx} org={r.org} role={p.orgRole} active="reviews" title={title}>
      {body}
    </ManageLayout>
  ) : (
    <Layout ctx={p.ctx} title={title} noindex>
      {body}
    </Layout>
  );
}
