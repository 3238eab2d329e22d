// Dashboard pages of the issuing feature: issue one badge, the issued list, an award's detail.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { type FieldError, LaurelError, notFound } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { ManageLayout } from '../ui/manage-layout.tsx';
import { roleAtLeast } from '../orgs/access.ts';
import { listTemplates, type Template } from '../templates/service.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  Field,
  FormErrors,
  PageHeader,
  Pager,
  Pill,
  Select,
  TextArea,
  formatDate,
} from '../ui/components.tsx';
import { awardVisibility } from '../wallet/service.ts';
import { type Member, memberOf } from '../http/access.ts';
import { field } from '../orgs/forms.ts';
import { type PublicPageStatus, publicPageStatus } from './presenters.ts';
import {
  type Award,
  type AwardFilterState,
  displayState,
  getAward,
  issueAward,
  listOrgAwards,
  resendClaimEmail,
  revokeAward,
} from './service.ts';
import { parseDate } from './validate.ts';

const PAGE_SIZE = 25;
const STATES: AwardFilterState[] = ['pending', 'accepted', 'rejected', 'revoked', 'expired'];
const STATE_LABEL: Record<AwardFilterState, string> = {
  pending: 'Not yet claimed',
  accepted: 'Accepted',
  rejected: 'Declined',
  revoked: 'Revoked',
  expired: 'Expired',
};
const STATE_PILL: Record<AwardFilterState, 'ok' | 'warn' | 'bad' | 'neutral'> = {
  pending: 'neutral',
  accepted: 'ok',
  rejected: 'bad',
  revoked: 'bad',
  expired: 'warn',
};

export function StatePill(props: { award: Award }) {
  const s = displayState(props.award);
  return <Pill kind={STATE_PILL[s]}>{STATE_LABEL[s]}</Pill>;
}

const FormBody = Type.Object(
  {},
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]) },
);
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 63 }) });
const AwardParams = Type.Object({ slug: Type.String({ maxLength: 63 }), id: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  templateId: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(Type.String({ maxLength: 20 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
});
const DetailQuery = Type.Object({
  issued: Type.Optional(Type.String({ maxLength: 4 })),
  resent: Type.Optional(Type.String({ maxLength: 4 })),
  revoked: Type.Optional(Type.String({ maxLength: 4 })),
});
const hidden = { hide: true };

interface IssueValues {
  templateId: string;
  recipientName: string;
  recipientEmail: string;
  issuedAt: string;
  validUntil: string;
  evidenceUrl: string;
  evidenceNarrative: string;
}

function IssueForm(props: {
  request: FastifyRequest;
  access: Member;
  templates: Template[];
  values: IssueValues;
  message?: string;
  errors?: FieldError[];
}) {
  const { access, values, errors } = props;
  return (
    <ManageLayout
      ctx={pageContext(props.request)}
      org={access.org}
      role={access.role}
      active="issue"
      title="Issue a badge"
    >
      <PageHeader title="Issue a badge" lead="The recipient gets an email with a link to claim the badge." />
      {props.templates.length === 0 ? (
        <EmptyState title="No active badge templates">
          <p>
            <a href={`/manage/${access.org.slug}/templates`}>Create or activate a template</a> first.
          </p>
        </EmptyState>
      ) : (
        <form method="post" action={`/manage/${access.org.slug}/issue`} class="stack" novalidate>
          <CsrfField token={props.request.csrfToken} />
          <FormErrors message={props.message} errors={errors} />
          <Select
            label="Badge"
            name="templateId"
            value={values.templateId}
            errors={errors}
            required
            options={props.templates.map((t) => ({ value: t.id, label: t.name }))}
          />
          <Field
            label="Recipient name"
            name="recipientName"
            value={values.recipientName}
            errors={errors}
            required
            autocomplete="off"
          />
          <Field
            label="Recipient email"
            name="recipientEmail"
            type="email"
            value={values.recipientEmail}
            errors={errors}
            required
            autocomplete="off"
          />
          <Field
            label="Issue date"
            name="issuedAt"
            type="date"
            value={values.issuedAt}
            errors={errors}
            hint="Leave empty for today."
          />
          <Field
            label="Expiry date"
            name="validUntil"
            type="date"
            value={values.validUntil}
            errors={errors}
            hint="Leave empty to use the template’s expiry policy."
          />
          <Field
            label="Evidence URL"
            name="evidenceUrl"
            type="url"
            value={values.evidenceUrl}
            errors={errors}
            hint="A page showing the work this badge recognizes (optional)."
          />
          <TextArea
            label="Evidence narrative"
            name="evidenceNarrative"
            value={values.evidenceNarrative}
            errors={errors}
            hint="What the recipient did, in a few sentences (optional)."
          />
          <div class="actions">
            <button type="submit">Issue and email the recipient</button>
          </div>
        </form>
      )}
    </ManageLayout>
  );
}

function AwardsList(props: {
  request: FastifyRequest;
  access: Member;
  templates: Template[];
  items: Award[];
  total: number;
  page: number;
  query: { q?: string; templateId?: string; state?: string };
  engagement: Map<string, { views: number; shares: number }> | null;
}) {
  const { access, items, query } = props;
  const names = new Map(props.templates.map((t) => [t.id, t.name]));
  const base = `/manage/${access.org.slug}/awards`;
  return (
    <ManageLayout
      ctx={pageContext(props.request)}
      org={access.org}
      role={access.role}
      active="awards"
      title="Issued badges"
    >
      <PageHeader
        title="Issued badges"
        lead={`${props.total} award${props.total === 1 ? '' : 's'} match.`}
        actions={
          roleAtLeast(access.role, 'issuer') ? (
            <>
              <a class="button" href={`/manage/${access.org.slug}/issue`}>
                Issue a badge
              </a>
              <a class="button secondary" href={`/manage/${access.org.slug}/bulk`}>
                Bulk issue
              </a>
            </>
          ) : undefined
        }
      />
      <search>
        <form method="get" action={base} class="filters">
          <Field label="Search name or email" name="q" type="search" value={query.q ?? ''} />
          <Select
            label="Badge"
            name="templateId"
            value={query.templateId ?? ''}
            options={[
              { value: '', label: 'All badges' },
              ...props.templates.map((t) => ({ value: t.id, label: t.name })),
            ]}
          />
          <Select
            label="State"
            name="state"
            value={query.state ?? ''}
            options={[
              { value: '', label: 'Any state' },
              ...STATES.map((s) => ({ value: s, label: STATE_LABEL[s] })),
            ]}
          />
          <div class="actions">
            <button type="submit">Filter</button>
          </div>
        </form>
      </search>
      {items.length === 0 ? (
        <EmptyState title="No awards match." />
      ) : (
        <div class="table-wrap stack-on-phone">
          <table>
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Badge</th>
                <th scope="col">Issued</th>
                <th scope="col">State</th>
                {props.engagement ? <th scope="col">Views</th> : null}
                {props.engagement ? <th scope="col">Shares</th> : null}
              </tr>
            </thead>
            <tbody>
              {items.map((a) => {
                const e = props.engagement?.get(a.id);
                return (
                  <tr>
                    <td data-label="Recipient">
                      <a href={`${base}/${a.id}`}>{a.recipientName ?? '(declined)'}</a>
                      <div class="muted">{a.recipientEmail ?? ''}</div>
                    </td>
                    <td data-label="Badge">{names.get(a.templateId) ?? 'Archived badge'}</td>
                    <td data-label="Issued">{formatDate(a.issuedAt)}</td>
                    <td data-label="State">
                      <StatePill award={a} />
                    </td>
                    {props.engagement ? <td data-label="Views">{e?.views ?? 0}</td> : null}
                    {props.engagement ? <td data-label="Shares">{e?.shares ?? 0}</td> : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager base={base} query={query} page={props.page} hasNext={props.page * PAGE_SIZE < props.total} />
    </ManageLayout>
  );
}

function AwardDetail(props: {
  request: FastifyRequest;
  access: Member;
  award: Award;
  templateName: string;
  baseUrl: string;
  publicPage: PublicPageStatus;
  notice?: string;
  revokeErrors?: FieldError[];
  revokeMessage?: string;
  reason?: string;
}) {
  const { access, award: a } = props;
  const canIssue = roleAtLeast(access.role, 'issuer');
  const base = `/manage/${access.org.slug}/awards/${a.id}`;
  let pretty = '';
  if (a.credentialJson) pretty = JSON.stringify(JSON.parse(a.credentialJson), null, 2);
  return (
    <ManageLayout
      ctx={pageContext(props.request)}
      org={access.org}
      role={access.role}
      active="awards"
      title="Award"
    >
      <PageHeader
        title={`${props.templateName} — ${a.recipientName ?? 'declined by the recipient'}`}
        breadcrumbs={[[`/manage/${access.org.slug}/awards`, 'Issued badges']]}
      />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StatePill award={a} />
        </dd>
        <dt>Recipient</dt>
        <dd>
          {a.recipientName ?? '—'}{' '}
          {a.recipientEmail ? <span class="muted">&lt;{a.recipientEmail}&gt;</span> : null}
        </dd>
        <dt>Issued</dt>
        <dd>{formatDate(a.issuedAt)}</dd>
        <dt>Expires</dt>
        <dd>{a.validUntil ? formatDate(a.validUntil) : 'Never'}</dd>
        <dt>Claimed</dt>
        <dd>{a.claimedAt ? formatDate(a.claimedAt) : 'Not yet'}</dd>
        {a.revokedAt ? (
          <>
            <dt>Revoked</dt>
            <dd>
              {formatDate(a.revokedAt)}: {a.revocationReason ?? ''}
            </dd>
          </>
        ) : null}
        {a.evidenceUrl ? (
          <>
            <dt>Evidence</dt>
            <dd>
              <a href={a.evidenceUrl} rel="nofollow noopener">
                {a.evidenceUrl}
              </a>
            </dd>
          </>
        ) : null}
        {a.evidenceNarrative ? (
          <>
            <dt>Narrative</dt>
            <dd>{a.evidenceNarrative}</dd>
          </>
        ) : null}
        <dt>Links</dt>
        <dd>
          {props.publicPage.open ? (
            <>
              <a href={`/c/${a.id}`}>Public page</a> ·{' '}
              <a href={`/ob2/assertions/${a.id}`}>OB 2.0 assertion</a>
              {props.publicPage.note ? <span class="muted"> ({props.publicPage.note})</span> : null}
            </>
          ) : (
            <span class="muted" id="public-page-status">
              {props.publicPage.why}
            </span>
          )}
        </dd>
      </dl>
      {canIssue && a.state === 'pending' && !a.revokedAt ? (
        <section>
          <h2>Claim link</h2>
          <p>Sends the award email again with a new claim link; the previous link stops working.</p>
          <form method="post" action={`${base}/resend`}>
            <CsrfField token={props.request.csrfToken} />
            <button type="submit" class="secondary">
              Re-send the claim email
            </button>
          </form>
        </section>
      ) : null}
      {canIssue && !a.revokedAt ? (
        <section>
          <h2>Revoke</h2>
          <form
            method="post"
            action={`${base}/revoke`}
            class="stack"
            data-confirm="Revoke this badge? Verifiers will see it as revoked; this cannot be undone."
          >
            <CsrfField token={props.request.csrfToken} />
            <FormErrors message={props.revokeMessage} errors={props.revokeErrors} />
            <TextArea
              label="Reason"
              name="reason"
              value={props.reason ?? ''}
              errors={props.revokeErrors}
              required
              hint="Shown to anyone who verifies this badge."
              rows={2}
            />
            <div class="field">
              <label>
                <input type="checkbox" name="confirm" value="yes" id="f-confirm" /> I understand that revoking
                cannot be undone.
              </label>
            </div>
            <div class="actions">
              <button type="submit" class="danger">
                Revoke this badge
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {pretty ? (
        <section>
          <h2>Signed credential</h2>
          <pre class="code" id="credential-json" tabindex="0">
            {pretty}
          </pre>
          <button type="button" data-copy="#credential-json" class="secondary small">
            Copy
          </button>
        </section>
      ) : null}
    </ManageLayout>
  );
}

function issueValues(request: FastifyRequest): IssueValues {
  return {
    templateId: field(request, 'templateId'),
    recipientName: field(request, 'recipientName'),
    recipientEmail: field(request, 'recipientEmail'),
    issuedAt: field(request, 'issuedAt'),
    validUntil: field(request, 'validUntil'),
    evidenceUrl: field(request, 'evidenceUrl'),
    evidenceNarrative: field(request, 'evidenceNarrative'),
  };
}

async function loadAward(ctx: AppContext, access: Member, id: string): Promise<Award> {
  const award = await getAward(ctx.db, id);
  if (!award || award.orgId !== access.org.id) throw notFound('That award');
  return award;
}

export type EngagementLookup = (
  ctx: AppContext,
  awardIds: string[],
) => Promise<Map<string, { views: number; shares: number }> | null>;

export function issuingPages(app: FastifyInstance, ctx: AppContext, engagement: EngagementLookup) {
  const renderDetail = async (
    request: FastifyRequest,
    reply: FastifyReply,
    access: Member,
    award: Award,
    extra: { notice?: string; revokeErrors?: FieldError[]; revokeMessage?: string; reason?: string } = {},
    status = 200,
  ) => {
    const templates = await listTemplates(ctx.db, access.org.id);
    const name = templates.find((t) => t.id === award.templateId)?.name ?? 'Badge';
    const earner = award.state === 'accepted' ? await awardVisibility(ctx.db, award.id) : null;
    return reply.html(
      <AwardDetail
        request={request}
        access={access}
        award={award}
        templateName={name}
        baseUrl={ctx.config.baseUrl}
        publicPage={publicPageStatus(award, earner)}
        {...extra}
      />,
      status,
    );
  };

  app.get<{ Params: { slug: string } }>(
    '/manage/:slug/issue',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams } },
    async (request, reply) => {
      const access = memberOf(request);
      const templates = await listTemplates(ctx.db, access.org.id, { status: 'active' });
      const values = issueValues(request);
      values.templateId = String((request.query as Record<string, unknown>)?.templateId ?? '');
      return reply.html(
        <IssueForm request={request} access={access} templates={templates} values={values} />,
      );
    },
  );

  app.post<{ Params: { slug: string } }>(
    '/manage/:slug/issue',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: SlugParams, body: FormBody } },
    async (request, reply) => {
      const access = memberOf(request);
      const values = issueValues(request);
      const errors: FieldError[] = [];
      const issuedAt = values.issuedAt ? parseDate(values.issuedAt) : undefined;
      if (issuedAt === null) errors.push({ field: 'issuedAt', message: 'The issue date is not a date.' });
      const validUntil = values.validUntil ? parseDate(values.validUntil) : undefined;
      if (validUntil === null)
        errors.push({ field: 'validUntil', message: 'The expiry date is not a date.' });
      try {
        if (errors.length) throw new LaurelError('INVALID', 'The badge was not issued.', errors);
        const award = await issueAward(ctx, {
          orgId: access.org.id,
          templateId: values.templateId,
          recipientName: values.recipientName,
          recipientEmail: values.recipientEmail,
          issuedAt: issuedAt ?? undefined,
          validUntil: validUntil ?? undefined,
          evidenceUrl: values.evidenceUrl || undefined,
          evidenceNarrative: values.evidenceNarrative || undefined,
          createdBy: access.user.id,
        });
        return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?issued=1`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'INVALID') throw e;
        const templates = await listTemplates(ctx.db, access.org.id, { status: 'active' });
        return reply.html(
          <IssueForm
            request={request}
            access={access}
            templates={templates}
            values={values}
            message={e.message}
            errors={e.fields}
          />,
          422,
        );
      }
    },
  );

  app.get<{
    Params: { slug: string };
    Querystring: { q?: string; templateId?: string; state?: string; page?: number };
  }>(
    '/manage/:slug/awards',
    {
      config: { access: { role: 'viewer' } },
      schema: { ...hidden, params: SlugParams, querystring: ListQuery },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const page = request.query.page ?? 1;
      const state = STATES.includes(request.query.state as AwardFilterState)
        ? (request.query.state as AwardFilterState)
        : undefined;
      const query = {
        q: request.query.q || undefined,
        templateId: request.query.templateId || undefined,
        state,
      };
      const [templates, result] = await Promise.all([
        listTemplates(ctx.db, access.org.id),
        listOrgAwards(ctx.db, access.org.id, { ...query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
      ]);
      const counts = await engagement(
        ctx,
        result.items.map((a) => a.id),
      );
      return reply.html(
        <AwardsList
          request={request}
          access={access}
          templates={templates}
          items={result.items}
          total={result.total}
          page={page}
          query={query}
          engagement={counts}
        />,
      );
    },
  );

  app.get<{
    Params: { slug: string; id: string };
    Querystring: { issued?: string; resent?: string; revoked?: string };
  }>(
    '/manage/:slug/awards/:id',
    {
      config: { access: { role: 'viewer' } },
      schema: { ...hidden, params: AwardParams, querystring: DetailQuery },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await loadAward(ctx, access, request.params.id);
      const q = request.query;
      const notice = q.issued
        ? 'The badge was issued and the recipient will get an email with the claim link.'
        : q.resent
          ? 'The claim email was sent again with a new link.'
          : q.revoked
            ? 'The badge was revoked.'
            : undefined;
      return renderDetail(request, reply, access, award, { notice });
    },
  );

  app.post<{ Params: { slug: string; id: string } }>(
    '/manage/:slug/awards/:id/resend',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: AwardParams, body: FormBody } },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await loadAward(ctx, access, request.params.id);
      await resendClaimEmail(ctx, award.id);
      return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?resent=1`, 303);
    },
  );

  app.post<{ Params: { slug: string; id: string } }>(
    '/manage/:slug/awards/:id/revoke',
    { config: { access: { role: 'issuer' } }, schema: { ...hidden, params: AwardParams, body: FormBody } },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await loadAward(ctx, access, request.params.id);
      const reason = field(request, 'reason');
      try {
        if (field(request, 'confirm') !== 'yes')
          throw new LaurelError('INVALID', 'The badge was not revoked.', [
            { field: 'confirm', message: 'Tick the box to confirm that revoking cannot be undone.' },
          ]);
        await revokeAward(ctx, award.id, reason, access.user.id);
        return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?revoked=1`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || e.code !== 'INVALID') throw e;
        return renderDetail(
          request,
          reply,
          access,
          award,
          { revokeErrors: e.fields, revokeMessage: e.message, reason },
          422,
        );
      }
    },
  );
}
