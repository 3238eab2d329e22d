// What the applicant sees of their applications: the list, and one application with its state,
// answers, files (and which are public evidence), the timeline with the messages addressed to
// them (never the reviewers' notes), and what they can do next.
import type { ApplicationState } from '../../tables.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  FormErrors,
  PageHeader,
  Pill,
  PostButton,
  TextArea,
  formatDate,
} from '../../../ui/components.tsx';
import { Layout, type PageContext } from '../../../ui/layout.tsx';
import { STATE_LABELS } from '../../policy.ts';
import type { Answer, Question } from '../../tables.ts';
import type { ApplicationView, MyApplication, TimelineEntry } from '../service.ts';

const PILL: Record<ApplicationState, 'ok' | 'warn' | 'bad' | 'neutral'> = {
  draft: 'neutral',
  submitted: 'neutral',
  returned: 'warn',
  approved: 'ok',
  rejected: 'bad',
  withdrawn: 'neutral',
};

export const StatePill = (p: { state: ApplicationState }) => (
  <Pill kind={PILL[p.state]}>{STATE_LABELS[p.state]}</Pill>
);

export function MyApplicationsPage(p: { ctx: PageContext; applications: MyApplication[] }) {
  return (
    <Layout ctx={p.ctx} title="My applications" section="wallet" noindex>
      <PageHeader
        title="My applications"
        lead="Badges you applied for, and where each application stands."
        breadcrumbs={[['/wallet', 'My badges']]}
      />
      {p.applications.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Badge</th>
                <th scope="col">Organization</th>
                <th scope="col">State</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {p.applications.map((a) => (
                <tr>
                  <td>
                    <a href={`/applications/${a.id}`}>{a.badgeName}</a>
                    {a.renewal ? ' (renewal)' : ''}
                  </td>
                  <td>{a.orgName}</td>
                  <td>
                    <StatePill state={a.state} />
                  </td>
                  <td>{formatDate(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <EmptyState title="No applications yet">
          When an organization opens a badge to applications, its page has an “Apply for this badge” link.
        </EmptyState>
      )}
    </Layout>
  );
}

function answerText(q: Question, a: Answer | undefined): string {
  if (a === undefined || a === '' || (Array.isArray(a) && !a.length)) return '—';
  if (q.kind === 'attestation') return a === true ? 'Confirmed' : 'Not confirmed';
  return Array.isArray(a) ? a.join(', ') : String(a);
}

const OPEN: ApplicationState[] = ['draft', 'submitted', 'returned'];

export function ApplicationPage(p: {
  ctx: PageContext;
  view: ApplicationView;
  /** The wallet item of the badge an approved application issued. */
  walletItemId: string | null;
  notice?: string | undefined;
  failure?: { message?: string; errors?: { field: string; message: string }[] } | undefined;
}) {
  const { application: a, template, org, form, files, timeline } = p.view;
  const last = [...timeline].reverse().find((e) => e.kind === 'transition' && e.toState === a.state);
  const base = `/applications/${a.id}`;
  return (
    <Layout ctx={p.ctx} title={`Application for “${template.name}”`} section="wallet" noindex>
      <PageHeader
        title={`${a.renewsAwardId ? 'Renewal' : 'Application'}: “${template.name}”`}
        lead={`A badge from ${org.name}.`}
        breadcrumbs={[['/applications', 'My applications']]}
      />
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      <FormErrors message={p.failure?.message} errors={p.failure?.errors} />
      <section class="card stack" aria-labelledby="state">
        <h2 id="state">
          <StatePill state={a.state} />
        </h2>
        {a.state === 'draft' ? (
          <p>
            Not submitted yet. <a href={`/apply/${a.templateId}`}>Continue your application</a>.
          </p>
        ) : null}
        {a.state === 'submitted' ? (
          <p>Submitted on {formatDate(a.submittedAt)}. You will get an email when it is reviewed.</p>
        ) : null}
        {a.state === 'returned' ? (
          <>
            <p>
              {last?.message ? `${org.name} asks: “${last.message}”` : `${org.name} asks you to revise it.`}
            </p>
            <p>
              <a class="button" href={`/apply/${a.templateId}`}>
                Revise and submit again
              </a>
            </p>
          </>
        ) : null}
        {a.state === 'approved' ? (
          <p>
            Approved on {formatDate(a.decidedAt)}.{' '}
            {p.walletItemId ? <a href={`/wallet/${p.walletItemId}`}>See the badge in your wallet</a> : null}
          </p>
        ) : null}
        {a.state === 'rejected' ? (
          <p>{last?.message ? `Not approved. ${org.name} wrote: “${last.message}”` : 'Not approved.'}</p>
        ) : null}
        {OPEN.includes(a.state) ? (
          <PostButton
            action={`${base}/withdraw`}
            csrfToken={p.ctx.csrfToken}
            class="button secondary"
            confirm="Withdraw this application? It cannot be submitted again; you can start a new one while the badge is open."
          >
            Withdraw
          </PostButton>
        ) : null}
      </section>

      <section class="card stack" aria-labelledby="answers">
        <h2 id="answers">Your answers</h2>
        <dl>
          {form.questions
            .filter((q) => q.kind !== 'file')
            .map((q) => (
              <>
                <dt>{q.label}</dt>
                <dd style="white-space:pre-wrap">{answerText(q, a.answers[q.id])}</dd>
              </>
            ))}
        </dl>
      </section>

      <section class="card stack" aria-labelledby="files">
        <h2 id="files">Files</h2>
        {files.length ? (
          <form method="post" action={`${base}/evidence`} class="stack">
            <CsrfField token={p.ctx.csrfToken} />
            <p class="hint">
              Files are private to you and the reviewers. A file you make public evidence is linked from the
              badge once it is issued, and can be downloaded by anyone with the badge until you make it
              private again.
            </p>
            <ul class="stack">
              {files.map((f) => (
                <li>
                  <a href={`${base}/files/${f.id}`}>{f.filename}</a> ({Math.max(1, Math.round(f.size / 1024))}{' '}
                  KB){' '}
                  <label class="checks">
                    <input type="checkbox" name="publicFile" value={f.id} checked={f.public} /> Public
                    evidence
                  </label>
                </li>
              ))}
            </ul>
            <div class="form-actions">
              <button type="submit" class="button secondary">
                Save evidence choices
              </button>
            </div>
          </form>
        ) : (
          <p class="muted">No files.</p>
        )}
      </section>

      <section class="card stack" aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol class="stack">
          {timeline.map((e) => (
            <li>
              <TimelineLine e={e} orgName={org.name} />
            </li>
          ))}
        </ol>
        {OPEN.includes(a.state) ? (
          <form method="post" action={`${base}/reply`} class="stack">
            <CsrfField token={p.ctx.csrfToken} />
            <TextArea label={`Write to ${org.name}`} name="message" rows={3} attrs={{ maxlength: 4000 }} />
            <div class="form-actions">
              <button type="submit" class="button secondary">
                Send
              </button>
            </div>
          </form>
        ) : null}
      </section>
    </Layout>
  );
}

const WHO = { you: 'You', organization: '', platform: 'Laurel' } as const;

function TimelineLine(p: { e: TimelineEntry; orgName: string }) {
  const who = p.e.by === 'organization' ? p.orgName : WHO[p.e.by];
  const what =
    p.e.kind === 'message'
      ? `${who} wrote`
      : `${who}: ${STATE_LABELS[(p.e.toState ?? 'draft') as ApplicationState].toLowerCase()}`;
  return (
    <>
      <strong>{formatDate(p.e.at)}</strong> — {what}
      {p.e.message ? <span style="white-space:pre-wrap">: “{p.e.message}”</span> : null}
    </>
  );
}
