// External reviewers: the organization's list and invitation form, the invitation as its
// recipient sees it, and the "Reviews" page of someone who reviews for others.
import type { FieldError } from '../../errors.ts';
import type { Member } from '../../http/access.ts';
import {
  Alert,
  EmptyState,
  Field,
  PageHeader,
  Pill,
  PostButton,
  PostForm,
  Select,
  formatDate,
} from '../../ui/components.tsx';
import { DataTable } from '../../ui/data-table.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import { ManageLayout } from '../../ui/manage-layout.tsx';
import type { OrgRole } from '../../orgs/tables.ts';
import type { ExternalReviewer, FoundReviewerInvitation } from '../reviewers.ts';
import { QueueBody, type QueueView } from './queue.tsx';

export function ReviewersPage(props: {
  ctx: PageContext;
  access: Member;
  reviewers: ExternalReviewer[];
  templates: { id: string; name: string }[];
  notice?: string;
  values?: { templateId: string; email: string; name: string };
  message?: string;
  errors?: FieldError[];
}) {
  const { access } = props;
  const base = `/manage/${access.org.slug}/reviewers`;
  return (
    <ManageLayout
      ctx={props.ctx}
      org={access.org}
      role={access.role}
      active="reviews"
      title="External reviewers"
    >
      <PageHeader
        title="External reviewers"
        lead="People outside the organization who review the applications for one badge. They see only that badge’s applications, and they cannot issue anything else."
        breadcrumbs={[[`/manage/${access.org.slug}/reviews`, 'Applications']]}
      />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <section>
        <DataTable
          rows={props.reviewers}
          stackOnPhone
          empty={<EmptyState title="No external reviewers yet." />}
          columns={[
            {
              label: 'Reviewer',
              rowHeader: true,
              cell: (r) => (r.name ? `${r.name} <${r.email}>` : r.email),
            },
            { label: 'Badge', cell: (r) => r.templateName },
            {
              label: 'Status',
              cell: (r) =>
                r.revokedAt ? (
                  <Pill kind="bad">Revoked {formatDate(r.revokedAt)}</Pill>
                ) : r.acceptedAt ? (
                  <Pill kind="ok">Reviewing since {formatDate(r.acceptedAt)}</Pill>
                ) : (
                  <Pill>Invited {formatDate(r.createdAt)}</Pill>
                ),
            },
            {
              label: 'Actions',
              hideLabel: true,
              cell: (r) =>
                r.revokedAt ? null : (
                  <PostButton
                    action={`${base}/${r.id}/revoke`}
                    csrfToken={props.ctx.csrfToken}
                    class="danger small"
                    formClass="inline"
                    confirm={`Stop ${r.email} reviewing “${r.templateName}”?`}
                  >
                    Revoke
                  </PostButton>
                ),
            },
          ]}
        />
      </section>
      <section>
        <h2>Invite a reviewer</h2>
        {props.templates.length ? (
          <PostForm action={base} csrfToken={props.ctx.csrfToken} failure={props} class="stack">
            <Select
              label="Badge"
              name="templateId"
              value={props.values?.templateId}
              errors={props.errors}
              options={props.templates.map((t) => ({ value: t.id, label: t.name }))}
              required
            />
            <Field
              label="Email"
              name="email"
              type="email"
              value={props.values?.email}
              errors={props.errors}
              required
              hint="They accept with a Laurel account that has this address confirmed."
            />
            <Field label="Name" name="name" value={props.values?.name} errors={props.errors} />
            <div class="actions">
              <button type="submit">Send the invitation</button>
            </div>
          </PostForm>
        ) : (
          <p class="muted">Create a badge template first.</p>
        )}
      </section>
    </ManageLayout>
  );
}

export function ReviewerInvitationPage(props: {
  ctx: PageContext;
  token: string;
  found: FoundReviewerInvitation | null;
  message?: string;
}) {
  const f = props.found;
  const here = `/reviewers/${props.token}`;
  return (
    <Layout ctx={props.ctx} title="Invitation to review" noindex>
      {!f ? (
        <PageHeader title="This invitation does not exist" lead="Check the link in your email." />
      ) : !f.usable ? (
        <PageHeader
          title="This invitation cannot be used"
          lead="It has been accepted already or withdrawn. Ask the organization for a new one."
        />
      ) : (
        <>
          <PageHeader
            title={`Review applications for “${f.reviewer.templateName}”`}
            lead={`${f.orgName} invited ${f.reviewer.email} to review the applications for this badge. You will see only those applications.`}
          />
          {props.message ? <Alert kind="error">{props.message}</Alert> : null}
          {props.ctx.user ? (
            <PostButton action={here} csrfToken={props.ctx.csrfToken} class="button">
              Accept as {props.ctx.user.name}
            </PostButton>
          ) : (
            <p class="row">
              <a class="button" href={`/login?next=${encodeURIComponent(here)}`}>
                Log in to accept
              </a>
              <a
                href={`/signup?email=${encodeURIComponent(f.reviewer.email)}&next=${encodeURIComponent(here)}`}
              >
                Create an account
              </a>
            </p>
          )}
        </>
      )}
    </Layout>
  );
}

/** What someone reviews: the organizations they review for as members, and their external grants' queues. */
export function MyReviewsPage(props: {
  ctx: PageContext;
  memberships: { slug: string; name: string; role: OrgRole }[];
  external: { orgName: string; queue: QueueView }[];
  notice?: string;
}) {
  const empty = !props.memberships.length && !props.external.length;
  return (
    <Layout ctx={props.ctx} title="Reviews" noindex>
      <PageHeader title="Reviews" lead="The applications you may review." />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {empty ? <EmptyState title="You review no applications." /> : null}
      {props.memberships.length ? (
        <section>
          <h2>Your organizations</h2>
          <ul>
            {props.memberships.map((m) => (
              <li>
                <a href={`/manage/${m.slug}/reviews`}>{m.name}</a> <span class="muted">({m.role})</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {props.external.map((x) => (
        <section>
          <h2>For {x.orgName}</h2>
          <QueueBody {...x.queue} />
        </section>
      ))}
    </Layout>
  );
}
