// The claim-codes pages: the issuers' lists, forms and set pages under /manage/:slug, and the
// earners' /redeem.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TObject, Type } from 'typebox';
import { verifiedEmailsOf } from '../accounts/service.ts';
import { type FieldError, LaurelError } from '../errors.ts';
import { memberOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { type FormFailure, fieldFailure, formFailure, formRoute, readForm } from '../http/forms.ts';
import { statusOf } from '../http/problem.ts';
import {
  FormBody,
  FormText,
  NoFields,
  QueryFlag,
  RequiredText,
  SlugIdParams,
  SlugParams,
} from '../http/schemas.ts';
import { getOrgTemplate, listTemplates } from '../templates/service.ts';
import { formatCode, normalizeCode } from './codes.ts';
import { RedeemLimited, RedeemRefusal, redeemCode } from './redeem.ts';
import { TOGGLES, sendSetCsv } from './routes.ts';
import {
  createSharedCode,
  deleteCodeSet,
  disableCode,
  generateBatch,
  getCodeSet,
  listCodeSets,
  listRedemptions,
  setCodes,
  setDisabled,
} from './service.ts';
import { type CodesForm, OrgCodesPage, TemplateCodesPage } from './views/lists.tsx';
import { RedeemPage, type RedeemView, SignInFirstPage } from './views/redeem.tsx';
import { SetPage } from './views/set.tsx';

const When = FormText({
  pattern: '^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?)?$',
  'x-message': 'Give a date and time, or leave it empty.',
});
const Label = FormText({ maxLength: 200 });
const SharedForm = FormBody({
  label: Label,
  code: FormText({ maxLength: 64 }),
  maxUses: FormText({
    pattern: '^\\d{0,7}$',
    'x-message': 'Give a whole number, or leave it empty for no limit.',
  }),
  opensAt: When,
  closesAt: When,
});
const BatchForm = FormBody({
  batchLabel: Label,
  count: RequiredText({ pattern: '^\\d{1,5}$', 'x-message': 'Give a whole number from 1 to 10,000.' }),
  batchOpensAt: When,
  batchClosesAt: When,
});
const CodeForm = FormBody({ code: RequiredText({ maxLength: 100, 'x-message': 'Enter the code.' }) });
const DeleteForm = FormBody({ confirm: FormText({ maxLength: 10 }) });
const SetQuery = Type.Object({ created: QueryFlag, saved: QueryFlag });
const RedeemQuery = Type.Object({ code: Type.Optional(Type.String({ maxLength: 100 })) });

/** A datetime-local value, read as UTC (the pages say so), or null when empty. */
const utc = (v: string) => (v ? new Date(`${v.length === 16 ? `${v}:00` : v}Z`) : null);

/** Field errors of the service named as the batch form names its fields. */
const renamed = (errors: FieldError[], names: Record<string, string>) =>
  errors.map((e) => ({ ...e, field: names[e.field] ?? e.field }));

export function registerClaimCodePages(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const issuer = { access: { role: 'issuer' as const } };
  const setUrl = (slug: string, id: string) => `/manage/${slug}/claim-codes/${id}`;

  app.get(
    '/manage/:slug/claim-codes',
    { schema: { hide: true, params: SlugParams }, config: issuer },
    async (request, reply) => {
      const { org, role } = memberOf(request);
      const [sets, templates] = await Promise.all([
        listCodeSets(db, org.id),
        listTemplates(db, org.id, { status: 'active' }),
      ]);
      return reply.html(
        <OrgCodesPage ctx={pageContext(request)} org={org} role={role} sets={sets} templates={templates} />,
      );
    },
  );

  /** A template's page, with the failure of one of its forms when there was one. */
  async function templatePage(
    request: FastifyRequest,
    reply: FastifyReply,
    templateId: string,
    form?: { name: CodesForm; values: Record<string, string>; failure: FormFailure },
  ) {
    const { org, role } = memberOf(request);
    const template = await getOrgTemplate(db, org, templateId);
    const sets = await listCodeSets(db, org.id, template.id);
    return reply.html(
      <TemplateCodesPage
        ctx={pageContext(request)}
        org={org}
        role={role}
        template={template}
        sets={sets}
        form={form?.name}
        values={form?.values}
        failure={form?.failure}
      />,
      form?.failure.status,
    );
  }

  app.get(
    '/manage/:slug/templates/:id/claim-codes',
    { schema: { hide: true, params: SlugIdParams }, config: issuer },
    async (request, reply) => templatePage(request, reply, request.params.id),
  );

  /** A create form's post: the set's page on success, the template's page with the errors otherwise. */
  function createRoute<S extends TObject>(
    path: string,
    schema: S,
    name: CodesForm,
    create: (
      values: Record<string, string>,
      orgId: string,
      templateId: string,
      userId: string,
    ) => Promise<{ set: { id: string } }>,
  ) {
    app.post(
      `/manage/:slug/templates/:id/claim-codes/${path}`,
      { ...formRoute(schema, { params: SlugIdParams }), config: issuer },
      async (request, reply) => {
        const { org, user } = memberOf(request);
        const form = readForm(request, schema);
        const values = form.values as Record<string, string>;
        if (!form.ok)
          return templatePage(request, reply, request.params.id, { name, values, failure: form.failure });
        try {
          const { set } = await create(values, org.id, request.params.id, user.id);
          return reply.redirect(`${setUrl(org.slug, set.id)}?created=1`, 303);
        } catch (e) {
          return templatePage(request, reply, request.params.id, { name, values, failure: formFailure(e) });
        }
      },
    );
  }

  createRoute('shared', SharedForm, 'shared', (v, orgId, templateId, userId) =>
    createSharedCode(
      db,
      config,
      {
        orgId,
        templateId,
        label: v.label,
        code: v.code,
        maxUses: v.maxUses ? Number(v.maxUses) : null,
        opensAt: utc(v.opensAt!),
        closesAt: utc(v.closesAt!),
      },
      { userId },
    ),
  );

  createRoute('batches', BatchForm, 'batch', async (v, orgId, templateId, userId) => {
    try {
      return await generateBatch(
        db,
        config,
        {
          orgId,
          templateId,
          label: v.batchLabel,
          count: Number(v.count),
          opensAt: utc(v.batchOpensAt!),
          closesAt: utc(v.batchClosesAt!),
        },
        { userId },
      );
    } catch (e) {
      if (!(e instanceof LaurelError)) throw e;
      const names = { label: 'batchLabel', opensAt: 'batchOpensAt', closesAt: 'batchClosesAt' };
      throw new LaurelError(e.code, e.message, renamed(e.fields, names));
    }
  });

  /** A set's page, with a notice or the failure of the one-code form. */
  async function showSet(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    view: { notice?: string; failure?: FormFailure; values?: Record<string, string> } = {},
  ) {
    const { org, role } = memberOf(request);
    const set = await getCodeSet(db, org.id, id);
    const sharedCode = set.kind === 'shared' ? (await setCodes(db, config, set))[0]?.code : undefined;
    const redeemUrl = `${config.baseUrl}/redeem${sharedCode ? `?code=${encodeURIComponent(sharedCode)}` : ''}`;
    reply.header('cache-control', 'private, no-store');
    return reply.html(
      <SetPage
        ctx={pageContext(request)}
        org={org}
        role={role}
        set={set}
        sharedCode={sharedCode}
        redeemUrl={redeemUrl}
        redemptions={await listRedemptions(db, set.id)}
        {...view}
      />,
      view.failure?.status,
    );
  }

  app.get(
    '/manage/:slug/claim-codes/:id',
    { schema: { hide: true, params: SlugIdParams, querystring: SetQuery }, config: issuer },
    async (request, reply) =>
      showSet(request, reply, request.params.id, {
        notice: request.query.created ? 'The codes are ready.' : request.query.saved ? 'Saved.' : undefined,
      }),
  );

  app.get(
    '/manage/:slug/claim-codes/:id/codes.csv',
    { schema: { hide: true, params: SlugIdParams }, config: issuer },
    async (request, reply) => sendSetCsv(ctx, reply, memberOf(request).org.id, request.params.id),
  );

  for (const [action, disabled] of TOGGLES) {
    app.post(
      `/manage/:slug/claim-codes/:id/${action}`,
      { ...formRoute(NoFields, { params: SlugIdParams }), config: issuer },
      async (request, reply) => {
        const { org } = memberOf(request);
        await setDisabled(db, org.id, request.params.id, disabled);
        return reply.redirect(`${setUrl(org.slug, request.params.id)}?saved=1`, 303);
      },
    );
  }

  app.post(
    '/manage/:slug/claim-codes/:id/delete',
    { ...formRoute(DeleteForm, { params: SlugIdParams }), config: issuer },
    async (request, reply) => {
      const { org } = memberOf(request);
      if (readForm(request, DeleteForm).values.confirm !== 'yes')
        return showSet(request, reply, request.params.id, {
          failure: fieldFailure('confirm', 'Confirm that the codes go for good.'),
        });
      try {
        const set = await getCodeSet(db, org.id, request.params.id);
        await deleteCodeSet(db, org.id, set.id);
        return reply.redirect(`/manage/${org.slug}/templates/${set.templateId}/claim-codes`, 303);
      } catch (e) {
        return showSet(request, reply, request.params.id, { failure: formFailure(e) });
      }
    },
  );

  app.post(
    '/manage/:slug/claim-codes/:id/disable-code',
    { ...formRoute(CodeForm, { params: SlugIdParams }), config: issuer },
    async (request, reply) => {
      const { org } = memberOf(request);
      const form = readForm(request, CodeForm);
      const values = form.values;
      if (!form.ok) return showSet(request, reply, request.params.id, { failure: form.failure, values });
      const set = await getCodeSet(db, org.id, request.params.id);
      if (!(await disableCode(db, config, set, values.code)))
        return showSet(request, reply, request.params.id, {
          failure: fieldFailure('code', 'This set has no such code.'),
          values,
        });
      return showSet(request, reply, request.params.id, {
        notice: `${formatCode(normalizeCode(values.code))} is disabled.`,
      });
    },
  );

  // ------------------------------------------------------------------ /redeem

  const redeemPage = (
    request: FastifyRequest,
    reply: FastifyReply,
    view: Omit<RedeemView, 'ctx'>,
    status?: number,
  ) => {
    reply.header('cache-control', 'private, no-store');
    return reply.html(<RedeemPage ctx={pageContext(request)} {...view} />, status);
  };

  app.get(
    '/redeem',
    { schema: { hide: true, querystring: RedeemQuery }, config: { access: 'public' } },
    async (request, reply) => {
      const user = request.user;
      const unverified = user ? (await verifiedEmailsOf(db, user.id)).length === 0 : false;
      return redeemPage(request, reply, { code: request.query.code, unverified });
    },
  );

  app.post(
    '/redeem',
    {
      ...formRoute(CodeForm),
      config: { access: 'public' },
    },
    async (request, reply) => {
      const form = readForm(request, CodeForm);
      const code = form.values.code;
      if (!form.ok)
        return redeemPage(
          request,
          reply,
          { code, error: form.failure.errors[0]?.message },
          form.failure.status,
        );
      const user = request.user;
      // Nothing is looked up for a visitor: the code is checked once they are signed in.
      if (!user) return reply.html(<SignInFirstPage ctx={pageContext(request)} code={code} />);
      try {
        const r = await redeemCode(ctx, { userId: user.id, name: user.name, ip: request.ip }, code);
        return reply.redirect(`/wallet/${r.itemId}?accepted=1`, 303);
      } catch (e) {
        if (e instanceof RedeemLimited) reply.header('retry-after', String(e.retryAfterSeconds));
        if (!(e instanceof RedeemRefusal || e instanceof RedeemLimited)) throw e;
        return redeemPage(
          request,
          reply,
          {
            code,
            error: e.message,
            itemId: e instanceof RedeemRefusal ? e.itemId : null,
            unverified: e instanceof RedeemRefusal && e.reason === 'email not verified',
          },
          statusOf(e.code),
        );
      }
    },
  );
}
