// The development mailbox: every email the server wrote, and one email with its links.
import type { MailMessage, MailSummary } from '../../mail/mailbox.ts';
import { EmptyState, Field, FilterForm, PageHeader, Pill } from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { when } from './when.ts';

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
      <FilterForm action="/admin/mail" button="Find">
        <Field label="Recipient address contains" name="to" type="search" value={p.to ?? ''} />
      </FilterForm>
      <DataTable
        rows={p.items}
        stackOnPhone
        empty={
          <EmptyState title={p.to ? `No emails to addresses containing “${p.to}”.` : 'No emails yet.'} />
        }
        pager={{ base: '/admin/mail', query: { to: p.to }, page: p.page, hasNext: p.hasNext }}
        columns={[
          { label: 'To', cell: (m) => m.to },
          {
            label: 'Subject',
            cell: (m) => <a href={`/admin/mail/${m.id}`}>{m.subject || '(no subject)'}</a>,
          },
          { label: 'Written', cell: (m) => when(m.createdAt) },
          { label: 'State', cell: (m) => <MailState m={m} /> },
        ]}
      />
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
