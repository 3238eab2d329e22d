// The JSON API for badge templates. Authenticated by an API key of the organization (scoped)
// or a member's session (role; x-csrf-token on writes).
import { type Static, Type } from 'typebox';
import { ACHIEVEMENT_TYPES } from '@laurel/openbadges/ob3';
import { LaurelError } from '../errors.ts';
import { orgActorOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import type { Runtime } from '../http/runtime.ts';
import { SlugIdParams, SlugParams, Uuid, problems } from '../http/schemas.ts';
import { ICONS, SHAPES, parseDesign } from './designer.ts';
import { MAX_TEMPLATE_IMAGE_BYTES, prepareUpload } from './images.ts';
import { MAX_ALIGNMENTS, MAX_TAGS, type TemplateInput } from './policy.ts';
import { presentTemplate } from './presenters.ts';
import {
  type TemplateImageInput,
  createTemplate,
  getOrgTemplate,
  listTemplates,
  updateTemplate,
} from './service.ts';

const Status = Type.Union([Type.Literal('draft'), Type.Literal('active'), Type.Literal('archived')]);
const AlignmentSchema = Type.Object(
  {
    targetName: Type.String({ minLength: 1, maxLength: 1000 }),
    targetUrl: Type.String({ minLength: 1, maxLength: 1000 }),
    targetFramework: Type.Optional(Type.String({ maxLength: 1000 })),
    targetCode: Type.Optional(Type.String({ maxLength: 1000 })),
    targetDescription: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const ExpirySchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('none'), Type.Literal('date'), Type.Literal('months')]),
    date: Type.Optional(Type.String({ description: 'YYYY-MM-DD or RFC 3339, for kind "date".' })),
    months: Type.Optional(Type.Integer({ minimum: 1, maximum: 1200 })),
  },
  { additionalProperties: false },
);
const DesignSchema = Type.Object(
  {
    shape: Type.Optional(Type.Union(SHAPES.map((s) => Type.Literal(s)))),
    icon: Type.Optional(Type.Union(ICONS.map((s) => Type.Literal(s)))),
    primary: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    secondary: Type.Optional(Type.String({ pattern: '^#[0-9a-fA-F]{6}$' })),
    title: Type.Optional(Type.String({ maxLength: 48 })),
    subtitle: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false, description: 'Draw the image with the built-in designer.' },
);
const ImageSchema = Type.Object(
  {
    data: Type.String({
      maxLength: Math.ceil((MAX_TEMPLATE_IMAGE_BYTES * 4) / 3) + 8,
      description: 'Base64 of a PNG or SVG file (at most 2 MB decoded); the type is read from the bytes.',
    }),
  },
  { additionalProperties: false },
);

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  criteriaNarrative: Type.String({ minLength: 1, maxLength: 10000 }),
  criteriaUrl: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: MAX_TAGS })),
  alignments: Type.Optional(Type.Array(AlignmentSchema, { maxItems: MAX_ALIGNMENTS })),
  achievementType: Type.Optional(
    Type.String({ maxLength: 64, description: `One of ${ACHIEVEMENT_TYPES.join(', ')}, or ext:Name.` }),
  ),
  creditsAvailable: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 10000 }), Type.Null()])),
  level: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  expiry: Type.Optional(ExpirySchema),
  status: Type.Optional(Status),
  image: Type.Optional(ImageSchema),
  design: Type.Optional(DesignSchema),
};

const CreateBody = Type.Object(fields, { additionalProperties: false });
const PatchBody = Type.Object(
  {
    ...fields,
    name: Type.Optional(fields.name),
    description: Type.Optional(fields.description),
    criteriaNarrative: Type.Optional(fields.criteriaNarrative),
  },
  { additionalProperties: false },
);

const TemplateSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  criteriaNarrative: Type.String(),
  criteriaUrl: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  alignments: Type.Array(AlignmentSchema),
  achievementType: Type.String(),
  creditsAvailable: Type.Union([Type.Number(), Type.Null()]),
  level: Type.Union([Type.String(), Type.Null()]),
  expiry: ExpirySchema,
  status: Status,
  achievementId: Type.String({ description: 'The OB3 Achievement id (its public page).' }),
  imageUrl: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

async function imageInput(
  runtime: Runtime,
  body: Static<typeof PatchBody>,
): Promise<TemplateImageInput | undefined> {
  if (body.image && body.design) {
    throw new LaurelError('INVALID', 'Send either an image or a design, not both.', [
      { field: 'image', message: 'Send either image or design.' },
    ]);
  }
  if (body.image) {
    const data = Buffer.from(body.image.data, 'base64');
    return {
      upload: await prepareUpload(runtime, data, { maxBytes: MAX_TEMPLATE_IMAGE_BYTES, field: 'image' }),
    };
  }
  if (body.design) return { design: parseDesign(body.design, body.name) };
  return undefined;
}

function expiryInput(e: Static<typeof ExpirySchema> | undefined): TemplateInput['expiry'] {
  if (!e) return undefined;
  return { kind: e.kind, date: e.date ? new Date(e.date) : null, months: e.months ?? null };
}

export function registerTemplateRoutes(app: App, ctx: AppContext) {
  const { db, config } = ctx;
  const tags = ['Templates'];
  const security = [{ apiKey: [] }];
  const bodyLimit = 4 * 1024 * 1024;

  app.get(
    '/api/v1/orgs/:slug/templates',
    {
      config: { access: { role: 'viewer', scope: 'templates:read' } },
      schema: {
        tags,
        summary: 'List badge templates',
        params: SlugParams,
        querystring: Type.Object({ status: Type.Optional(Status) }),
        security,
        response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      const { status } = request.query;
      const list = await listTemplates(db, org.id, status ? { status } : {});
      return { items: list.map((t) => presentTemplate(config, org, t)) };
    },
  );

  app.post(
    '/api/v1/orgs/:slug/templates',
    {
      config: { access: { role: 'admin', scope: 'templates:write' } },
      bodyLimit,
      schema: {
        tags,
        summary: 'Create a badge template',
        description:
          'The image is an upload (base64 PNG/SVG) or a design; with neither, the designer draws one from the name.',
        params: SlugParams,
        body: CreateBody,
        security,
        response: { 201: TemplateSchema, ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { org, userId } = orgActorOf(request);
      const b = request.body;
      const image = (await imageInput(ctx.runtime, b)) ?? { design: parseDesign({}, b.name) };
      const t = await createTemplate(
        ctx,
        org.id,
        { ...b, expiry: expiryInput(b.expiry) },
        image,
        userId ?? undefined,
      );
      return reply
        .status(201)
        .header('location', `/api/v1/orgs/${org.slug}/templates/${t.id}`)
        .send(presentTemplate(config, org, t));
    },
  );

  app.get(
    '/api/v1/orgs/:slug/templates/:id',
    {
      config: { access: { role: 'viewer', scope: 'templates:read' } },
      schema: {
        tags,
        summary: 'Read a badge template',
        params: SlugIdParams,
        security,
        response: { 200: TemplateSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      return presentTemplate(config, org, await getOrgTemplate(db, org, request.params.id));
    },
  );

  app.patch(
    '/api/v1/orgs/:slug/templates/:id',
    {
      config: { access: { role: 'admin', scope: 'templates:write' } },
      bodyLimit,
      schema: {
        tags,
        summary: 'Change a badge template',
        description: 'Fields left out keep their value. Status moves draft → active → archived only.',
        params: SlugIdParams,
        body: PatchBody,
        security,
        response: { 200: TemplateSchema, ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request) => {
      const { org } = orgActorOf(request);
      const current = await getOrgTemplate(db, org, request.params.id);
      const { image: _i, design: _d, expiry, ...rest } = request.body;
      const t = await updateTemplate(
        ctx,
        current.id,
        { ...rest, expiry: expiryInput(expiry) },
        await imageInput(ctx.runtime, request.body),
      );
      return presentTemplate(config, org, t);
    },
  );
}
