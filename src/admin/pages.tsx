import type { FailedJob, JobCounts } from '../jobs/queue.ts';
import type { FailedMail } from '../mail/failures.ts';
import type { MailCounts, MailMessage, MailSummary } from '../mail/mailbox.ts';
import { Alert, CsrfField, EmptyState, Field, PageHeader, Pager, Pill, StatCard } from '../ui/components.tsx';
import { Layout, type PageContext } from '../ui/layout.tsx';

const when = (d: Date | null) =>
  d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC')
    : '';

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
        {o.failed.length === 0 ? (
          <EmptyState title="No failed jobs.">
            <p class="muted">Jobs that run out of attempts appear here with their last error.</p>
          </EmptyState>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {o.failed.map((j) => (
                  <tr>
                    <td>
                      <code>{j.kind}</code>
                    </td>
                    <td>{when(j.failedAt)}</td>
                    <td>{j.attempts}</td>
                    <td class="small">{j.lastError ?? ''}</td>
                    <td>
                      <form method="post" action={`/admin/jobs/${j.id}/retry`} class="inline">
                        <CsrfField token={p.ctx.csrfToken} />
                        <button type="submit" class="small secondary">
                          Retry
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
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
          <form method="post" action="/admin/mail/retry-failed" class="inline">
            <CsrfField token={p.ctx.csrfToken} />
            <button type="submit">Retry all {p.count} failed emails</button>
          </form>
          {p.count > p.items.length ? <p class="muted">The {p.items.length} most recent of them:</p> : null}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Failed</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {p.items.map((m) => (
                  <tr>
                    <td>{m.to}</td>
                    <td>
                      <a href={`/admin/mail/${m.id}`}>{m.subject || '(no subject)'}</a>
                    </td>
                    <td>{when(m.failedAt)}</td>
                    <td>{m.attempts}</td>
                    <td class="small">{m.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function MailState(p: { m: MailSummary }) {
  if (p.m.sentAt) return p.m.devMailbox ? <Pill kind="neutral">Kept here</Pill> : <Pill kind="ok">Sent</Pill>;
  if (p.m.failedAt) return <Pill kind="bad">Failed</Pill>;
  return p.m.lastError ? <Pill kind="bad">Retrying</Pill> : <Pill kind="warn">Waiting</Pill>;
}

export function MailboxPage(p: {
  ctx: PageContext;
  items: MailSummary[];
  page: number;
  hasNext: boolean;
  to?: string;
}) {
  return (
    <Layout ctx={p.ctx} title="Mailbox" section="admin" noindex>
      <PageHeader
        title="Mailbox"
        lead="Every email this server has written, newest first. Without SMTP_URL they stay here: open one to follow its links."
        breadcrumbs={[['/admin', 'Administration']]}
      />
      <search>
        <form method="get" action="/admin/mail" class="filters">
          <Field label="Recipient address contains" name="to" type="search" value={p.to ?? ''} />
          <div class="actions">
            <button type="submit">Find</button>
          </div>
        </form>
      </search>
      {p.items.length === 0 ? (
        <EmptyState title={p.to ? `No emails to addresses containing “${p.to}”.` : 'No emails yet.'} />
      ) : (
        <div class="table-wrap stack-on-phone">
          <table>
            <thead>
              <tr>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Written</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {p.items.map((m) => (
                <tr>
                  <td data-label="To">{m.to}</td>
                  <td data-label="Subject">
                    <a href={`/admin/mail/${m.id}`}>{m.subject || '(no subject)'}</a>
                  </td>
                  <td data-label="Written">{when(m.createdAt)}</td>
                  <td data-label="State">
                    <MailState m={m} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager base="/admin/mail" query={{ to: p.to }} page={p.page} hasNext={p.hasNext} />
    </Layout>
  );
}

export function MailPage(p: {
  ctx: PageContext;
  m: MailMessage;
  from: string;
  html: string;
  links: string[];
}) {
  const { m } = p;
  return (
    <Layout ctx={p.ctx} title={m.subject || 'Email'} section="admin" noindex>
      <PageHeader
        title={m.subject || '(no subject)'}
        breadcrumbs={[
          ['/admin', 'Administration'],
          ['/admin/mail', 'Mailbox'],
        ]}
      />
      <dl class="facts card">
        <dt>From</dt>
        <dd>{p.from}</dd>
        <dt>To</dt>
        <dd>{m.to}</dd>
        <dt>Written</dt>
        <dd>{when(m.createdAt)}</dd>
        <dt>State</dt>
        <dd>
          <MailState m={m} /> {m.sentAt ? when(m.sentAt) : ''}
        </dd>
        {m.messageId ? (
          <>
            <dt>Message-ID</dt>
            <dd>
              <code>{m.messageId}</code>
            </dd>
          </>
        ) : null}
        {m.smtpResponse ? (
          <>
            <dt>Server's answer</dt>
            <dd>
              <code>{m.smtpResponse}</code>
            </dd>
          </>
        ) : null}
        {m.lastError ? (
          <>
            <dt>{m.failedAt ? 'Why it failed' : 'Last error'}</dt>
            <dd>{m.lastError}</dd>
          </>
        ) : null}
        {m.attachments.length ? (
          <>
            <dt>Attachments</dt>
            <dd>{m.attachments.map((a) => a.filename).join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <section aria-labelledby="h-links" class="card">
        <h2 id="h-links">Links in this email</h2>
        {p.links.length ? (
          <ul>
            {p.links.map((l) => (
              <li>
                <a href={l}>{l}</a>
              </li>
            ))}
          </ul>
        ) : (
          <p class="muted">None.</p>
        )}
      </section>
      <section aria-labelledby="h-html">
        <h2 id="h-html">HTML</h2>
        {/* No scripts, forms or popups; allow-same-origin only lets app.js read the height to
            show the whole email (without scripts the content cannot reach this page). */}
        <iframe
          class="mailbox-body"
          title="The HTML part of the email"
          sandbox="allow-same-origin"
          srcdoc={p.html}
          data-fit-content=""
        ></iframe>
      </section>
      <section aria-labelledby="h-text">
        <h2 id="h-text">Text</h2>
        <pre style="white-space:pre-wrap">{m.text}</pre>
      </section>
    </Layout>
  );
}
