// The review JSON API: an organization's reviewers (a session with x-csrf-token, or an API key
// with applications:read / applications:review) list and read applications, download their
// files, decide and write to the thread. Illegal transitions answer 409 with the current state.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { listApiKeys } from '../apikeys/service.ts';
import type { Actor } from '../applications/transitions.ts';
import { readFile, sendAsDownload } from '../applications/files.ts';
import { LaurelError, notFound } from '../errors.ts';
import { orgActorOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import { Slug, SlugIdParams, SlugParams, Uuid, problems } from '../http/schemas.ts';
import { orgApplication } from './policy.ts';
import {
  ApplicationSchema,
  DecisionSchema,
  QueueSchema,
  presentApplication,
  presentDecision,
  presentQueueRow,
} from './presenters.ts';
import { QUEUE_STATES, queueCounts, queuePage } from './queue.ts';
import { addToThread, decide, loadReview } from './service.ts';

const read = { access: { role: 'reviewer' as const, scope: 'applications:read' as const } };
const review = { access: { role: 'reviewer' as const, scope: 'applications:review' as const } };

export const QueueQuery = Type.Object({
  templateId: Type.Optional(Uuid),
  state: Type.Optional(
    Type.Union([...QUEUE_STATES.map((s) => Type.Literal(s)), Type.Literal('all')], {
      description: 'Default submitted (waiting for a decision); all: every state but draft.',
    }),
  ),
  minAgeDays: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 3650, description: 'Waiting at least this many days.' }),
  ),
  cursor: Type.Optional(Type.String({ maxLength: 200, description: 'The `next` of the previous page.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

/**
 * Who decides through the API: the member signed in, or for an API key the person who created it
 * (an approval is someone's: with N approvals required, one key counts as one reviewer).
 */
async function reviewerOf(ctx: AppContext, request: FastifyRequest): Promise<Actor & { id: string }> {
  const { org, userId, apiKeyId } = orgActorOf(request);
  if (userId) return { id: userId, role: 'reviewer' };
  const key = (await listApiKeys(ctx.db, org.id)).find((k) => k.id === apiKeyId);
  if (!key?.createdBy)
    throw new LaurelError(
      'FORBIDDEN',
      'This API key has no owner any more (the member who created it left): create a new key to decide.',
    );
  return { id: key.createdBy, role: 'reviewer' };
}

export function registerReviewRoutes(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const tags = ['Applications'];
  const security = [{ apiKey: [] }];
  const base = '/api/v1/orgs/:slug/applications';

  app.get(
    base,
    {
      config: read,
      schema: {
        tags,
        summary: 'List applications (the review queue)',
        description: 'Oldest submission first, 50 a page; follow `next` as `cursor` for the next page.',
        params: SlugParams,
        querystring: QueueQuery,
        security,
        response: { 200: QueueSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      const q = request.query;
      const filter = { orgId: org.id, templateId: q.templateId };
      const [page, counts] = await Promise.all([
        queuePage(db, {
          ...filter,
          state: q.state,
          minAgeDays: q.minAgeDays,
          after: q.cursor,
          limit: q.limit,
        }),
        queueCounts(db, filter),
      ]);
      return { items: page.rows.map(presentQueueRow), next: page.next, counts };
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Read an application',
        description:
          'Its answers by the questions of its form version, files, approvals and the whole thread (private notes included).',
        params: SlugIdParams,
        security,
        response: { 200: ApplicationSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      await orgApplication(db, org.id, request.params.id);
      return presentApplication(config, await loadReview(db, request.params.id));
    },
  );

  app.get(
    `${base}/:id/files/:fileId`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Download a file of an application',
        description:
          'Always an attachment (`Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, a sandboxing CSP), whatever its type.',
        params: Type.Object({ slug: Slug, id: Uuid, fileId: Uuid }),
        security,
        response: {
          200: {
            description: 'The file, as an attachment',
            content: { 'application/octet-stream': { schema: Type.String({ format: 'binary' }) } },
          },
          ...problems(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { org } = orgActorOf(request);
      await orgApplication(db, org.id, request.params.id);
      const file = await readFile(db, request.params.fileId);
      if (!file || file.applicationId !== request.params.id) throw notFound('That file');
      return sendAsDownload(reply, file);
    },
  );

  app.post(
    `${base}/:id/decision`,
    {
      config: review,
      schema: {
        tags,
        summary: 'Approve, return for revision or reject',
        description:
          'A return needs `message` (what to change) and a rejection its reason; both are shown to the applicant. With several approvals required, each approval before the last keeps the application submitted; the last issues the badge into the applicant’s wallet. 409 when the application is not submitted (its current state in `errors`).',
        params: SlugIdParams,
        body: Type.Object(
          {
            decision: Type.Union([Type.Literal('approve'), Type.Literal('return'), Type.Literal('reject')]),
            message: Type.Optional(Type.String({ maxLength: 5000 })),
          },
          { additionalProperties: false },
        ),
        security,
        response: { 200: DecisionSchema, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      await orgApplication(db, org.id, request.params.id);
      const outcome = await decide(ctx, {
        applicationId: request.params.id,
        decision: request.body.decision,
        message: request.body.message,
        reviewer: await reviewerOf(ctx, request),
      });
      return presentDecision(outcome);
    },
  );

  app.post(
    `${base}/:id/messages`,
    {
      config: review,
      schema: {
        tags,
        summary: 'Write to the applicant, or a private note',
        description:
          'A message is shown to the applicant and emailed to them; `private: true` makes a note only reviewers see.',
        params: SlugIdParams,
        body: Type.Object(
          {
            text: Type.String({ minLength: 1, maxLength: 5000 }),
            private: Type.Optional(Type.Boolean({ default: false })),
          },
          { additionalProperties: false },
        ),
        security,
        response: { 201: Type.Object({ ok: Type.Boolean() }), ...problems(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { org } = orgActorOf(request);
      await orgApplication(db, org.id, request.params.id);
      await addToThread(ctx, {
        applicationId: request.params.id,
        kind: request.body.private ? 'note' : 'message',
        text: request.body.text,
        actor: await reviewerOf(ctx, request),
      });
      return reply.status(201).send({ ok: true });
    },
  );
}
