// The claim-codes JSON API: an organization's issuers (API key with codes:manage, or a session
// with x-csrf-token) create, list, export and disable codes; an earner's session redeems one.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { orgActorOf, userOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import { problem, statusOf } from '../http/problem.ts';
import { NoBody, SlugIdParams, SlugParams, Uuid, problems } from '../http/schemas.ts';
import { MAX_BATCH } from './codes.ts';
import { MAX_USES } from './policy.ts';
import {
  CodeSetSchema,
  CreatedSetSchema,
  RedemptionSchema,
  codesCsv,
  csvFilename,
  presentRedemption,
  presentSet,
} from './presenters.ts';
import { REFUSALS, RedeemLimited, RedeemRefusal, redeemCode } from './redeem.ts';
import {
  type CreatedSet,
  createSharedCode,
  generateBatch,
  getCodeSet,
  listCodeSets,
  listRedemptions,
  setCodes,
  setDisabled,
} from './service.ts';

const When = Type.Optional(
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'RFC 3339; null: none.' }),
);
const common = {
  templateId: Uuid,
  label: Type.Optional(
    Type.String({ maxLength: 200, description: 'For the issuers’ lists; defaults to one.' }),
  ),
  opensAt: When,
  closesAt: When,
};
const SharedBody = Type.Object(
  {
    ...common,
    code: Type.Optional(
      Type.String({
        maxLength: 64,
        description:
          '6 to 32 letters and digits (dashes and spaces are ignored); left out: one is generated.',
      }),
    ),
    maxUses: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: MAX_USES }), Type.Null()], {
        description: 'How many people may redeem it; null or left out: no limit.',
      }),
    ),
  },
  { additionalProperties: false },
);
const BatchBody = Type.Object(
  {
    ...common,
    count: Type.Integer({ minimum: 1, maximum: MAX_BATCH, description: 'Single-use codes to generate.' }),
  },
  { additionalProperties: false },
);
const RedeemBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
const Redeemed = Type.Object({
  awardId: Uuid,
  itemId: Uuid,
  badgeName: Type.String(),
  orgName: Type.String(),
  walletUrl: Type.String(),
});

const dateOf = (v: string | null | undefined) => (v ? new Date(v) : null);

export function registerClaimCodeRoutes(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const tags = ['Claim codes'];
  const security = [{ apiKey: [] }];
  const manage = { access: { role: 'issuer' as const, scope: 'codes:manage' as const } };
  const base = '/api/v1/orgs/:slug/claim-codes';
  const created = (reply: FastifyReply, slug: string, c: CreatedSet) =>
    reply
      .status(201)
      .header('location', `/api/v1/orgs/${slug}/claim-codes/${c.set.id}`)
      .send({ ...presentSet(config.baseUrl, slug, c.set), codes: c.codes });

  app.get(
    base,
    {
      config: manage,
      schema: {
        tags,
        summary: 'List claim code sets',
        params: SlugParams,
        querystring: Type.Object({ templateId: Type.Optional(Uuid) }),
        security,
        response: { 200: Type.Object({ items: Type.Array(CodeSetSchema) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      const sets = await listCodeSets(db, org.id, request.query.templateId);
      return { items: sets.map((s) => presentSet(config.baseUrl, org.slug, s)) };
    },
  );

  app.post(
    `${base}/shared`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a shared event code',
        description:
          'One code many people redeem (an event, a webinar), optionally limited in uses and open only between two times. Codes are unique on the server: a taken one answers 409.',
        params: SlugParams,
        body: SharedBody,
        security,
        response: { 201: CreatedSetSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { org, userId, apiKeyId } = orgActorOf(request);
      const b = request.body;
      const c = await createSharedCode(
        db,
        config,
        { ...b, orgId: org.id, opensAt: dateOf(b.opensAt), closesAt: dateOf(b.closesAt) },
        { userId, apiKeyId },
      );
      return created(reply, org.slug, c);
    },
  );

  app.post(
    `${base}/batches`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Generate a batch of single-use codes',
        description: `Up to ${MAX_BATCH.toLocaleString('en')} codes such as K7QF-93XM-R2TW (no 0, O, 1 or I), each redeemable once; one person redeems at most one code of a batch. The codes come back in the answer and stay exportable as CSV.`,
        params: SlugParams,
        body: BatchBody,
        security,
        response: { 201: CreatedSetSchema, ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { org, userId, apiKeyId } = orgActorOf(request);
      const b = request.body;
      const c = await generateBatch(
        db,
        config,
        { ...b, orgId: org.id, opensAt: dateOf(b.opensAt), closesAt: dateOf(b.closesAt) },
        { userId, apiKeyId },
      );
      return created(reply, org.slug, c);
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Read a claim code set',
        params: SlugIdParams,
        security,
        response: { 200: CodeSetSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      return presentSet(config.baseUrl, org.slug, await getCodeSet(db, org.id, request.params.id));
    },
  );

  app.get(
    `${base}/:id/uses`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Who redeemed the codes of a set',
        description: 'Newest first, at most 1,000.',
        params: SlugIdParams,
        security,
        response: { 200: Type.Object({ items: Type.Array(RedemptionSchema) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      const set = await getCodeSet(db, org.id, request.params.id);
      return { items: (await listRedemptions(db, set.id, 1000)).map(presentRedemption) };
    },
  );

  app.get(
    `${base}/:id/codes.csv`,
    {
      config: manage,
      schema: {
        tags,
        summary: 'Export the codes of a set as CSV',
        description: 'Columns: code, status (available, used, disabled), uses, max_uses.',
        params: SlugIdParams,
        security,
        produces: ['text/csv'],
        response: {
          200: { description: 'CSV', content: { 'text/csv': { schema: Type.String() } } },
          ...problems(401, 403, 404),
        },
      },
    },
    async (request, reply) => sendSetCsv(ctx, reply, orgActorOf(request).org.id, request.params.id),
  );

  for (const [action, disabled] of TOGGLES) {
    app.post(
      `${base}/:id/${action}`,
      {
        config: manage,
        schema: {
          tags,
          summary: disabled ? 'Disable every code of a set' : 'Enable a disabled set again',
          description: disabled ? 'A disabled code answers as an unknown one.' : undefined,
          params: SlugIdParams,
          body: NoBody,
          security,
          response: { 200: CodeSetSchema, ...problems(401, 403, 404) },
        },
      },
      async (request) => {
        const { org } = orgActorOf(request);
        await setDisabled(db, org.id, request.params.id, disabled);
        return presentSet(config.baseUrl, org.slug, await getCodeSet(db, org.id, request.params.id));
      },
    );
  }

  app.post(
    '/api/v1/redeem',
    {
      config: { access: 'user session' },
      schema: {
        tags,
        summary: 'Redeem a claim code',
        description:
          'Signed-in session with the `x-csrf-token` header. The badge is issued to my confirmed primary address and is in my wallet, accepted. Refusals are problems with a stable `code`: CODE_NOT_VALID (422, for any code that does not exist or is disabled), CODE_NOT_OPEN_YET, CODE_ALREADY_REDEEMED (409), CODE_CLOSED, CODE_USED_UP, BADGE_UNAVAILABLE (410), EMAIL_NOT_VERIFIED (403); too many codes that were not valid: 429 with Retry-After.',
        body: RedeemBody,
        response: { 201: Redeemed, ...problems(400, 401, 403, 409, 410, 422, 429) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      reply.header('cache-control', 'private, no-store');
      try {
        const r = await redeemCode(
          ctx,
          { userId: user.id, name: user.name, ip: request.ip },
          request.body.code,
        );
        const walletUrl = `${config.baseUrl}/wallet/${r.itemId}`;
        return reply
          .status(201)
          .header('location', walletUrl)
          .send({ ...r, walletUrl });
      } catch (e) {
        return refusal(reply, e);
      }
    },
  );
}

/** A refusal as its problem, named by its own stable code; a rate limit with its Retry-After. */
export function refusal(reply: FastifyReply, e: unknown): FastifyReply {
  if (e instanceof RedeemLimited) reply.header('retry-after', String(e.retryAfterSeconds));
  if (!(e instanceof RedeemRefusal)) throw e;
  const p = problem(statusOf(e.code), REFUSALS[e.reason].problem, e.message);
  return reply.status(p.status).type('application/problem+json').send(p);
}

/** The two actions on a whole set, and whether each leaves it disabled. */
export const TOGGLES = [
  ['disable', true],
  ['enable', false],
] as const;

/** A set's codes as a CSV download (never cached: it holds every code in clear). */
export async function sendSetCsv(ctx: AppContext, reply: FastifyReply, orgId: string, setId: string) {
  const set = await getCodeSet(ctx.db, orgId, setId);
  const csv = codesCsv(await setCodes(ctx.db, ctx.config, set));
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csvFilename(set)}"`)
    .header('cache-control', 'private, no-store')
    .send(csv);
}
