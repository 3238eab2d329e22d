// The JSON API for awards: issue, list, read, revoke. Authenticated by an API key of the
// organization (scoped) or a member's session (role; x-csrf-token on POST).
import type { FastifySchemaValidationError } from 'fastify';
import { type Static, Type } from 'typebox';
import { type FieldError, invalid } from '../errors.ts';
import { orgActorOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import { SlugIdParams, SlugParams, Uuid, problems } from '../http/schemas.ts';
import { issueAward } from './issue.ts';
import {
  AwardDetailSchema,
  AwardSummarySchema,
  IssuedAwardSchema,
  presentAward,
  presentAwardDetail,
  repeatWarning,
  warningHeader,
} from './presenters.ts';
import { findRecentRepeats, getOrgAward, listOrgAwards, revokeAward } from './service.ts';
import { awardFieldErrors, parseDate } from './validate.ts';

const IssueBody = Type.Object({
  templateId: Type.String({ format: 'uuid', description: 'An active badge template of the organization.' }),
  recipientName: Type.String({ minLength: 1, maxLength: 200 }),
  recipientEmail: Type.String({ minLength: 3, maxLength: 254 }),
  issuedAt: Type.Optional(Type.String({ description: 'YYYY-MM-DD or RFC 3339 date-time; defaults to now.' })),
  validUntil: Type.Optional(
    Type.String({ description: 'YYYY-MM-DD or RFC 3339; defaults to the template’s expiry policy.' }),
  ),
  evidenceUrl: Type.Optional(Type.String({ maxLength: 2000, description: 'An http(s) URL.' })),
  evidenceNarrative: Type.Optional(Type.String({ maxLength: 10000 })),
});

const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Search in recipient name and email.' })),
  templateId: Type.Optional(Uuid),
  state: Type.Optional(
    Type.Union([
      Type.Literal('pending'),
      Type.Literal('accepted'),
      Type.Literal('rejected'),
      Type.Literal('revoked'),
      Type.Literal('expired'),
    ]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

const RevokeBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'Shown to verifiers.' }),
});

const security = [{ apiKey: [] }];

type IssueInput = Partial<Record<keyof Static<typeof IssueBody>, unknown>>;

/** The optional dates of an issue request, and a field error for each one that does not parse. */
function readDates(body: IssueInput) {
  const errors: FieldError[] = [];
  const date = (field: 'issuedAt' | 'validUntil') => {
    const value = body[field];
    if (typeof value !== 'string' || value === '') return undefined;
    const d = parseDate(value);
    if (!d) errors.push({ field, message: 'Use YYYY-MM-DD or an RFC 3339 date-time.' });
    return d ?? undefined;
  };
  return { issuedAt: date('issuedAt'), validUntil: date('validUntil'), errors };
}

/**
 * Every invalid field of an issue request at once. The schema sees types, lengths and required
 * fields; the award rules (address, URL, dates) run over the same body and add the fields the
 * schema let through. A schema failure stays a 400 (its error, with the rule errors added);
 * the rules alone make a 422. Returns the parsed dates.
 */
function checkIssueRequest(
  schemaError: { validation?: FastifySchemaValidationError[] } | undefined,
  body: IssueInput,
) {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const dates = readDates(body);
  // A field that is missing or empty is the schema's to report.
  const ruleErrors = [
    ...dates.errors,
    ...awardFieldErrors({
      recipientName: text(body.recipientName),
      recipientEmail: text(body.recipientEmail),
      issuedAt: dates.issuedAt,
      validUntil: dates.validUntil,
      evidenceUrl: text(body.evidenceUrl) || null,
      evidenceNarrative: text(body.evidenceNarrative) || null,
    }).filter((e) => text(body[e.field as keyof IssueInput]) !== ''),
  ];
  if (schemaError?.validation) {
    const named = (v: FastifySchemaValidationError) =>
      v.instancePath.split('/')[1] || String(v.params?.missingProperty ?? '');
    const seen = new Set(schemaError.validation.map(named));
    for (const e of ruleErrors) {
      if (!seen.has(e.field))
        schemaError.validation.push({
          instancePath: `/${e.field}`,
          message: e.message,
          keyword: 'award',
          params: {},
          schemaPath: '',
        });
    }
    throw schemaError;
  }
  if (ruleErrors.length) throw invalid('The award could not be issued.', ruleErrors);
  return dates;
}

export function awardRoutes(app: App, ctx: AppContext) {
  app.post(
    '/api/v1/orgs/:slug/awards',
    {
      config: { access: { role: 'issuer', scope: 'awards:issue' } },
      // The handler reports the schema's errors together with the award rules' (checkIssueRequest).
      attachValidation: true,
      schema: {
        tags: ['Awards'],
        summary: 'Issue a badge to a recipient',
        description:
          'Signs an OpenBadgeCredential (Data Integrity and VC-JWT), stores it and emails the recipient a claim link. ' +
          'Send an `Idempotency-Key` header to make retries safe: the same key with the same body returns the first award (200); ' +
          'the same key with a different body is a 409. ' +
          'Without a key, a retry issues a second award: when the new award repeats earlier ones (the same template to the same ' +
          'email, compared trimmed and lower-cased, within 24 hours, not revoked), it is still issued (201), and the answer carries a ' +
          '`warnings` entry `POSSIBLE_DUPLICATE` listing the earlier award ids, and the same text in a `Warning: 299 - "…"` header. ' +
          'A 400 lists every invalid field in `errors`.',
        security,
        params: SlugParams,
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        body: IssueBody,
        response: {
          201: IssuedAwardSchema,
          200: AwardSummarySchema,
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const actor = orgActorOf(request);
      const dates = checkIssueRequest(request.validationError, (request.body ?? {}) as IssueInput);
      const b = request.body;
      const key = request.headers['idempotency-key'];
      const award = await issueAward(ctx, {
        orgId: actor.org.id,
        templateId: b.templateId,
        recipientName: b.recipientName,
        recipientEmail: b.recipientEmail,
        issuedAt: dates.issuedAt,
        validUntil: dates.validUntil,
        evidenceUrl: b.evidenceUrl,
        evidenceNarrative: b.evidenceNarrative,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        createdBy: actor.userId ?? undefined,
        apiKeyId: actor.apiKeyId ?? undefined,
      });
      reply.header('location', `/api/v1/orgs/${actor.org.slug}/awards/${award.id}`);
      if (award.replayed) return reply.status(200).send(presentAward(ctx.config, award));
      const repeats = await findRecentRepeats(ctx.db, award);
      if (repeats.length === 0) return reply.status(201).send(presentAward(ctx.config, award));
      const warning = repeatWarning(repeats);
      reply.header('warning', warningHeader(warning));
      return reply.status(201).send({ ...presentAward(ctx.config, award), warnings: [warning] });
    },
  );

  app.get(
    '/api/v1/orgs/:slug/awards',
    {
      config: { access: { role: 'viewer', scope: 'awards:read' } },
      schema: {
        tags: ['Awards'],
        summary: 'List and search issued awards',
        description:
          'Newest first, `limit` at a time from `offset`; `total` counts every match (also in the `X-Total-Count` header).',
        security,
        params: SlugParams,
        querystring: ListQuery,
        response: {
          // The same envelope as the template list.
          200: Type.Object({ items: Type.Array(AwardSummarySchema), total: Type.Integer() }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const actor = orgActorOf(request);
      const q = request.query;
      const { items, total } = await listOrgAwards(ctx.db, actor.org.id, {
        q: q.q,
        templateId: q.templateId,
        state: q.state,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      reply.header('x-total-count', String(total));
      return { items: items.map((a) => presentAward(ctx.config, a)), total };
    },
  );

  app.get(
    '/api/v1/orgs/:slug/awards/:id',
    {
      config: { access: { role: 'viewer', scope: 'awards:read' } },
      schema: {
        tags: ['Awards'],
        summary: 'Read one award with its signed credential',
        security,
        params: SlugIdParams,
        response: { 200: AwardDetailSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      return presentAwardDetail(ctx.config, await getOrgAward(ctx.db, actor.org.id, request.params.id));
    },
  );

  app.post(
    '/api/v1/orgs/:slug/awards/:id/revoke',
    {
      config: { access: { role: 'issuer', scope: 'awards:revoke' } },
      schema: {
        tags: ['Awards'],
        summary: 'Revoke an award',
        description:
          'Sets the award’s bit in the organization’s status list (the next fetch of the list is re-signed) and marks the OB 2.0 assertion revoked.',
        security,
        params: SlugIdParams,
        body: RevokeBody,
        response: { 200: AwardSummarySchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const actor = orgActorOf(request);
      const award = await getOrgAward(ctx.db, actor.org.id, request.params.id);
      const revoked = await revokeAward(ctx, award.id, request.body.reason, actor.userId ?? undefined);
      return presentAward(ctx.config, revoked);
    },
  );
}
