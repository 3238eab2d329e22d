// Dashboard pages of the issuing feature: issue one badge, the issued list, an award's detail.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FieldError } from '../errors.ts';
import { type Member, memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { type FormFailure, fieldFailure, formFailure, formRoute, readForm } from '../http/forms.ts';
import { statusOf } from '../http/problem.ts';
import {
  FormBody,
  FormFlag,
  FormText,
  NoFields,
  QueryFlag,
  SlugIdParams,
  SlugParams,
} from '../http/schemas.ts';
import { listTemplates } from '../templates/service.ts';
import { awardVisibility } from '../wallet/service.ts';
import { issueAward, resendClaimEmail } from './issue.ts';
import { AWARD_FILTER_STATES } from './policy.ts';
import { publicPageStatus } from './presenters.ts';
import { type Award, countOrgAwards, getOrgAward, pageOrgAwards, revokeAward } from './service.ts';
import { parseDate } from './validate.ts';
import { AwardDetail } from './views/award-detail.tsx';
import { AwardsList } from './views/awards-list.tsx';
import { IssueForm, type IssueValues } from './views/issue-form.tsx';

const PAGE_SIZE = 25;
const hidden = { hide: true };

// The award rules (issueAward) report every field at once; the schema only bounds the sizes.
const IssueFields = FormBody({
  templateId: FormText({ maxLength: 64 }),
  recipientName: FormText(),
  recipientEmail: FormText(),
  issuedAt: FormText({ maxLength: 64 }),
  validUntil: FormText({ maxLength: 64 }),
  evidenceUrl: FormText(),
  evidenceNarrative: FormText({ maxLength: 100_000 }),
});
const RevokeFields = FormBody({ reason: FormText(), confirm: FormFlag });

const IssueQuery = Type.Object({ templateId: Type.Optional(Type.String({ maxLength: 64 })) });
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  templateId: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(Type.String({ maxLength: 20 })),
  // Keyset cursors (award ids): the page after (older than) or before (newer than) an award.
  after: Type.Optional(Type.String({ maxLength: 64 })),
  before: Type.Optional(Type.String({ maxLength: 64 })),
});
const DetailQuery = Type.Object({ issued: QueryFlag, resent: QueryFlag, revoked: QueryFlag });

const EMPTY_ISSUE: IssueValues = {
  templateId: '',
  recipientName: '',
  recipientEmail: '',
  issuedAt: '',
  validUntil: '',
  evidenceUrl: '',
  evidenceNarrative: '',
};

/** The form's dates, parsed; a date that does not parse is a field failure. */
function issueDates(values: IssueValues) {
  const errors: FieldError[] = [];
  const issuedAt = values.issuedAt ? parseDate(values.issuedAt) : undefined;
  if (issuedAt === null) errors.push({ field: 'issuedAt', message: 'The issue date is not a date.' });
  const validUntil = values.validUntil ? parseDate(values.validUntil) : undefined;
  if (validUntil === null) errors.push({ field: 'validUntil', message: 'The expiry date is not a date.' });
  const failure: FormFailure | null = errors.length
    ? { status: statusOf('INVALID'), message: 'The badge was not issued.', errors }
    : null;
  return { issuedAt: issuedAt ?? undefined, validUntil: validUntil ?? undefined, failure };
}

export type EngagementLookup = (
  ctx: AppContext,
  awardIds: string[],
) => Promise<Map<string, { views: number; shares: number }> | null>;

const DETAIL_NOTICES = {
  issued: 'The badge was issued and the recipient will get an email with the claim link.',
  resent: 'The claim email was sent again with a new link.',
  revoked: 'The badge was revoked.',
} as const;

export function issuingPages(app: App, ctx: AppContext, engagement: EngagementLookup) {
  const renderIssueForm = async (
    request: FastifyRequest,
    reply: FastifyReply,
    values: IssueValues,
    failure?: FormFailure,
  ) => {
    const access = memberOf(request);
    const templates = await listTemplates(ctx.db, access.org.id, { status: 'active' });
    return reply.html(
      <IssueForm
        page={pageContext(request)}
        access={access}
        templates={templates}
        values={values}
        message={failure?.message}
        errors={failure?.errors}
      />,
      failure?.status,
    );
  };

  const renderDetail = async (
    request: FastifyRequest,
    reply: FastifyReply,
    access: Member,
    award: Award,
    extra: { notice?: string; failure?: FormFailure; reason?: string } = {},
  ) => {
    const templates = await listTemplates(ctx.db, access.org.id);
    const name = templates.find((t) => t.id === award.templateId)?.name ?? 'Badge';
    const earner = award.state === 'accepted' ? await awardVisibility(ctx.db, award.id) : null;
    return reply.html(
      <AwardDetail
        page={pageContext(request)}
        access={access}
        award={award}
        templateName={name}
        publicPage={publicPageStatus(award, earner)}
        notice={extra.notice}
        revokeErrors={extra.failure?.errors}
        revokeMessage={extra.failure?.message}
        reason={extra.reason}
      />,
      extra.failure?.status,
    );
  };

  app.get(
    '/manage/:slug/issue',
    {
      config: { access: { role: 'issuer' } },
      schema: { ...hidden, params: SlugParams, querystring: IssueQuery },
    },
    async (request, reply) =>
      renderIssueForm(request, reply, { ...EMPTY_ISSUE, templateId: request.query.templateId ?? '' }),
  );

  app.post(
    '/manage/:slug/issue',
    { ...formRoute(IssueFields, { params: SlugParams }), config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const access = memberOf(request);
      const form = readForm(request, IssueFields);
      if (!form.ok) return renderIssueForm(request, reply, form.values, form.failure);
      const values = form.values;
      const dates = issueDates(values);
      if (dates.failure) return renderIssueForm(request, reply, values, dates.failure);
      try {
        const award = await issueAward(ctx, {
          orgId: access.org.id,
          templateId: values.templateId,
          recipientName: values.recipientName,
          recipientEmail: values.recipientEmail,
          issuedAt: dates.issuedAt,
          validUntil: dates.validUntil,
          evidenceUrl: values.evidenceUrl || undefined,
          evidenceNarrative: values.evidenceNarrative || undefined,
          createdBy: access.user.id,
        });
        return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?issued=1`, 303);
      } catch (e) {
        return renderIssueForm(request, reply, values, formFailure(e));
      }
    },
  );

  app.get(
    '/manage/:slug/awards',
    {
      config: { access: { role: 'viewer' } },
      schema: { ...hidden, params: SlugParams, querystring: ListQuery },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const state = AWARD_FILTER_STATES.find((s) => s === request.query.state);
      const query = {
        q: request.query.q || undefined,
        templateId: request.query.templateId || undefined,
        state,
      };
      const { after, before } = request.query;
      const [templates, page] = await Promise.all([
        listTemplates(ctx.db, access.org.id),
        pageOrgAwards(ctx.db, access.org.id, { ...query, after, before, limit: PAGE_SIZE }),
      ]);
      // A page that holds every match is its own count; otherwise count, up to the cap.
      const matching =
        page.newer || page.older
          ? await countOrgAwards(ctx.db, access.org.id, query)
          : { count: page.items.length, more: false };
      const counts = await engagement(
        ctx,
        page.items.map((a) => a.id),
      );
      return reply.html(
        <AwardsList
          page={pageContext(request)}
          access={access}
          templates={templates}
          items={page.items}
          matching={matching}
          newer={page.newer}
          older={page.older}
          query={query}
          engagement={counts}
        />,
      );
    },
  );

  app.get(
    '/manage/:slug/awards/:id',
    {
      config: { access: { role: 'viewer' } },
      schema: { ...hidden, params: SlugIdParams, querystring: DetailQuery },
    },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await getOrgAward(ctx.db, access.org.id, request.params.id);
      const shown = (['issued', 'resent', 'revoked'] as const).find((k) => request.query[k]);
      return renderDetail(request, reply, access, award, {
        notice: shown ? DETAIL_NOTICES[shown] : undefined,
      });
    },
  );

  app.post(
    '/manage/:slug/awards/:id/resend',
    { ...formRoute(NoFields, { params: SlugIdParams }), config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await getOrgAward(ctx.db, access.org.id, request.params.id);
      await resendClaimEmail(ctx, award.id);
      return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?resent=1`, 303);
    },
  );

  app.post(
    '/manage/:slug/awards/:id/revoke',
    { ...formRoute(RevokeFields, { params: SlugIdParams }), config: { access: { role: 'issuer' } } },
    async (request, reply) => {
      const access = memberOf(request);
      const award = await getOrgAward(ctx.db, access.org.id, request.params.id);
      const form = readForm(request, RevokeFields);
      const reason = form.values.reason;
      if (!form.ok) return renderDetail(request, reply, access, award, { failure: form.failure, reason });
      if (form.values.confirm !== 'yes') {
        const failure = fieldFailure(
          'confirm',
          'Tick the box to confirm that revoking cannot be undone.',
          'The badge was not revoked.',
        );
        return renderDetail(request, reply, access, award, { failure, reason });
      }
      try {
        await revokeAward(ctx, award.id, reason, access.user.id);
        return reply.redirect(`/manage/${access.org.slug}/awards/${award.id}?revoked=1`, 303);
      } catch (e) {
        return renderDetail(request, reply, access, award, { failure: formFailure(e), reason });
      }
    },
  );
}
