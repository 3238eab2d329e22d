// The administrator's overview: counts, the state of email, failed emails and failed jobs.
import type { FailedJob, JobCounts } from '../../jobs/queue.ts';
import type { FailedMail } from '../../mail/failures.ts';
import type { MailCounts } from '../../mail/mailbox.ts';
import { Alert, EmptyState, PageHeader, StatCard, PostButton } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { when } from './when.ts';

export interface Overview {
  users: number;
  orgs: number;
  jobs: JobCounts;
  mail: MailCounts;
  failed: FailedJob[];
  /** The most recently failed emails (o.mail.failed counts them all). */
  failedMail: FailedMail[];
  smtp: boolean;
}

export function AdminPage(p: { ctx: PageContext; o: Overview; notice?: string }) {
  const { o } = p;
  return (
    <Layout ctx={p.ctx} title="Platform administration" section="admin" noindex>
      <PageHeader title="Platform administration" lead="The state of this Laurel server." />
      {p.notice ? <Alert kind="success">{p.notice}</Alert> : null}
      <div class="grid" style="margin-bottom:1rem">
        <StatCard label="Accounts" value={o.users} />
        <StatCard label="Organizations" value={o.orgs} />
        <StatCard label="Jobs waiting" value={o.jobs.pending} />
        <StatCard label="Jobs failed" value={o.jobs.failed} />
        <StatCard label="Emails waiting" value={o.mail.pending} href="/admin/mail" />
        <StatCard label="Emails failed" value={o.mail.failed} href="#h-failed-mail" />
        <StatCard label="Emails sent" value={o.mail.sent} href="/admin/mail" />
      </div>
      <section class="card" aria-labelledby="h-mail">
        <h2 id="h-mail">Email</h2>
        <p>
          {o.smtp
            ? 'Email goes out through the SMTP server set in SMTP_URL.'
            : 'No SMTP_URL is set: emails are kept here, in the development mailbox, and not sent.'}{' '}
          <a href="/admin/mail">Open the mailbox</a>
        </p>
        <p class="muted">
          An email the recipient's server refuses (a 5xx reply, such as an unknown mailbox) fails at once; one
          that cannot be delivered for other reasons is tried again, less and less often, for three days.
        </p>
      </section>
      <FailedMailSection ctx={p.ctx} count={o.mail.failed} items={o.failedMail} />
      <section class="card" aria-labelledby="h-failed">
        <h2 id="h-failed">Failed jobs</h2>
        <DataTable
          rows={o.failed}
          empty={
            <EmptyState title="No failed jobs.">
              <p class="muted">Jobs that run out of attempts appear here with their last error.</p>
            </EmptyState>
          }
          columns={[
            { label: 'Kind', cell: (j) => <code>{j.kind}</code> },
            { label: 'Failed', cell: (j) => when(j.failedAt) },
            { label: 'Attempts', cell: (j) => j.attempts },
            { label: 'Last error', class: 'small', cell: (j) => j.lastError ?? '' },
            {
              label: 'Action',
              cell: (j) => (
                <PostButton
                  action={`/admin/jobs/${j.id}/retry`}
                  csrfToken={p.ctx.csrfToken}
                  class="small secondary"
                  formClass="inline"
                >
                  Retry
                </PostButton>
              ),
            },
          ]}
        />
      </section>
    </Layout>
  );
}

/** Mail that failed for good, with the reasons, and the button that tries it all again. */
function FailedMailSection(p: { ctx: PageContext; count: number; items: FailedMail[] }) {
  return (
    <section class="card" aria-labelledby="h-failed-mail">
      <h2 id="h-failed-mail">Failed emails</h2>
      {p.count === 0 ? (
        <EmptyState title="No failed emails.">
          <p class="muted">Emails that cannot be delivered appear here with the reason.</p>
        </EmptyState>
      ) : (
        <>
          <PostButton action="/admin/mail/retry-failed" csrfToken={p.ctx.csrfToken} formClass="inline">
            Retry all {p.count} failed emails
          </PostButton>
          {p.count > p.items.length ? <p class="muted">The {p.items.length} most recent of them:</p> : null}
          <DataTable
            rows={p.items}
            columns={[
              { label: 'To', cell: (m) => m.to },
              {
                label: 'Subject',
                cell: (m) => <a href={`/admin/mail/${m.id}`}>{m.subject || '(no subject)'}</a>,
              },
              { label: 'Failed', cell: (m) => when(m.failedAt) },
              { label: 'Attempts', cell: (m) => m.attempts },
              { label: 'Reason', class: 'small', cell: (m) => m.reason },
            ]}
          />
        </>
      )}
    </section>
  );
}
