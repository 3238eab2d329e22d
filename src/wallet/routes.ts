// `/api/v1/me/badges`: the signed-in earner's wallet as JSON (session cookie; writes need x-csrf-token).
import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { getUser, updateProfile } from '../accounts/service.ts';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import type { AppContext } from '../http/context.ts';
import { awardReport, loadBadgeView } from '../public/badge-view.ts';
import { importedBadgeUrl } from '../public/components.tsx';
import { decodeBase64Image } from '../verification/input.ts';
import {
  type ImportInput,
  MAX_IMPORT_BYTES,
  currentReport,
  importBadge,
  importTooLarge,
  stripCredential,
} from './import.ts';
import { type WalletEntry, walletEntries } from './pages.tsx';
import { PendingBadgeSchema, pendingBadges, presentPending } from './pending.ts';
import { getOwnItem, setShowRecipientName, setVisibility } from './service.ts';

const Badge = Type.Object({
  id: Type.String({ description: 'The wallet item id.' }),
  awardId: Type.Union([Type.String(), Type.Null()], {
    description: 'Set for a badge issued on this platform.',
  }),
  imported: Type.Boolean(),
  name: Type.String(),
  issuer: Type.Object({ name: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  state: Type.Union([
    Type.Literal('valid'),
    Type.Literal('expired'),
    Type.Literal('revoked'),
    Type.Literal('unverified'),
  ]),
  visibility: Type.Union([Type.Literal('private'), Type.Literal('public')]),
  showRecipientName: Type.Boolean(),
  publicUrl: Type.Union([Type.String(), Type.Null()], { description: 'The public page, while public.' }),
  validUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  addedAt: Type.String({ format: 'date-time' }),
});

const ItemParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

// Base64 of the largest importable file in a JSON body, with room for the braces.
const IMPORT_BODY_LIMIT = Math.ceil((MAX_IMPORT_BYTES * 4) / 3) + 64 * 1024;
const ImportBody = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2000, description: 'An https address of a hosted badge.' })),
    credential: Type.Optional(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()], {
        description: 'An OB 3.0 credential or OB 2.0 assertion, as an object or as JSON text.',
      }),
    ),
    jwt: Type.Optional(Type.String({ description: 'A VC-JWT or an OB 2.0 signed assertion.' })),
    imageBase64: Type.Optional(
      Type.String({ description: 'A baked PNG or SVG, base64-encoded (5 MB at most).' }),
    ),
  },
  { additionalProperties: false, description: 'Exactly one of url, credential, jwt or imageBase64.' },
);
type ImportBody = Static<typeof ImportBody>;

function importInput(body: ImportBody): ImportInput {
  const given = (['url', 'credential', 'jwt', 'imageBase64'] as const).filter(
    (k) => body[k] !== undefined && body[k] !== '',
  );
  if (given.length !== 1) {
    const message = 'Send exactly one of url, credential, jwt or imageBase64.';
    throw new LaurelError('INVALID', message, [{ field: given[1] ?? 'url', message }]);
  }
  const key = given[0]!;
  if (key === 'imageBase64') {
    // Sized before decoding (3/4 of the text), so the refusal names the import's own limit.
    if (Math.floor((body.imageBase64!.length * 3) / 4) > MAX_IMPORT_BYTES + 4) throw importTooLarge();
    return { file: decodeBase64Image(body.imageBase64!) };
  }
  const value = body[key]!;
  return { text: typeof value === 'string' ? value : JSON.stringify(value) };
}

const Patch = Type.Object(
  {
    visibility: Type.Optional(Type.Union([Type.Literal('private'), Type.Literal('public')])),
    showRecipientName: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** `handle`: the owner's, which gives a public imported badge its address. */
function present(ctx: AppContext, e: WalletEntry, handle: string | null): Static<typeof Badge> {
  const { item } = e;
  return {
    id: item.id,
    awardId: item.awardId,
    imported: item.awardId === null,
    name: item.badgeName,
    issuer: { name: item.issuerName, id: item.issuerId },
    state: e.state,
    visibility: item.visibility,
    showRecipientName: item.showRecipientName,
    publicUrl:
      item.visibility !== 'public'
        ? null
        : item.awardId
          ? `${ctx.config.baseUrl}/c/${item.awardId}`
          : handle
            ? importedBadgeUrl(ctx.config.baseUrl, handle, item.id)
            : null,
    validUntil: (e.award?.validUntil ?? item.validUntil)?.toISOString() ?? null,
    addedAt: item.addedAt.toISOString(),
  };
}

const Profile = Type.Object({
  name: Type.String(),
  handle: Type.Union([Type.String(), Type.Null()]),
  bio: Type.Union([Type.String(), Type.Null()]),
  profilePublic: Type.Boolean(),
  profileUrl: Type.Union([Type.String(), Type.Null()], {
    description: 'The public profile page, while the profile is public.',
  }),
});
const ProfilePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    handle: Type.Optional(Type.String({ maxLength: 100, description: 'Empty to remove it.' })),
    bio: Type.Optional(Type.String({ maxLength: 2000 })),
    profilePublic: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

async function profileOf(ctx: AppContext, userId: string): Promise<Static<typeof Profile>> {
  const u = await getUser(ctx.db, userId);
  if (!u) throw new LaurelError('UNAUTHENTICATED', 'Log in to see your profile.');
  return {
    name: u.name,
    handle: u.handle,
    bio: u.bio,
    profilePublic: u.profilePublic,
    profileUrl: u.profilePublic && u.handle ? `${ctx.config.baseUrl}/u/${u.handle}` : null,
  };
}

/** `/api/v1/me/profile`: the same settings as the profile form on /account. */
function profileRoutes(app: FastifyInstance, ctx: AppContext) {
  app.get(
    '/api/v1/me/profile',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'My public profile settings',
        description: 'Signed-in session only (not API keys).',
        response: { 200: Profile },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      reply.header('cache-control', 'private, no-store');
      return profileOf(ctx, user.id);
    },
  );

  app.patch<{ Body: Static<typeof ProfilePatch> }>(
    '/api/v1/me/profile',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Change my name, handle, bio, or make my profile public or private',
        description:
          'Signed-in session with the `x-csrf-token` header. A public profile needs a handle: it lives at /u/HANDLE and lists only public badges.',
        body: ProfilePatch,
        response: { 200: Profile },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const now = await profileOf(ctx, user.id);
      const b = request.body;
      await updateProfile(ctx.db, user.id, {
        name: b.name ?? now.name,
        handle: b.handle ?? now.handle ?? '',
        bio: b.bio ?? now.bio ?? '',
        profilePublic: b.profilePublic ?? now.profilePublic,
      });
      reply.header('cache-control', 'private, no-store');
      return profileOf(ctx, user.id);
    },
  );
}

export function walletRoutes(app: FastifyInstance, ctx: AppContext) {
  profileRoutes(app, ctx);
  app.get(
    '/api/v1/me/badges',
    {
      config: { access: 'user' },
      schema: {
        tags: ['My badges'],
        summary: 'The badges in my wallet',
        description:
          'Signed-in session only (not API keys). `pending` lists badges sent to my confirmed addresses that wait for me to accept or decline them (`POST /api/v1/me/pending/{id}/accept` or `/decline`).',
        response: {
          200: Type.Object({ items: Type.Array(Badge), pending: Type.Array(PendingBadgeSchema) }),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const [entries, pending] = await Promise.all([
        walletEntries(ctx, user.id),
        pendingBadges(ctx, user.id),
      ]);
      reply.header('cache-control', 'private, no-store');
      return {
        items: entries.map((e) => present(ctx, e, user.handle)),
        pending: pending.map((b) => presentPending(ctx, b)),
      };
    },
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof Patch> }>(
    '/api/v1/me/badges/:id',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Make a badge public or private, show or hide my name on its page',
        description: 'Signed-in session with the `x-csrf-token` header.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Patch,
        response: { 200: Badge },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      let item = await getOwnItem(ctx.db, user.id, request.params.id);
      const { visibility, showRecipientName } = request.body;
      if (visibility) item = await setVisibility(ctx.db, user.id, item.id, visibility);
      if (showRecipientName !== undefined)
        item = await setShowRecipientName(ctx.db, user.id, item.id, showRecipientName);
      const entry = (await walletEntries(ctx, user.id)).find((e) => e.item.id === item.id)!;
      reply.header('cache-control', 'private, no-store');
      return present(ctx, entry, user.handle);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/me/badges/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['My badges'],
        summary: 'One badge of my wallet with its verification report',
        description:
          'Signed-in session only. An imported badge is verified again when its last report is over a minute old, so a revocation or expiry since shows.',
        params: ItemParams,
        response: {
          200: Type.Object({
            ...Badge.properties,
            verification: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
              description: 'The verification report (as from POST /api/v1/verify, without the credential).',
            }),
          }),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.id);
      const entry = (await walletEntries(ctx, user.id)).find((e) => e.item.id === item.id)!;
      let verification: unknown = null;
      if (item.awardId) {
        const view = await loadBadgeView(ctx, item.awardId, user.id);
        if (view) verification = stripCredential(await awardReport(ctx, view.award));
      } else verification = (await currentReport(ctx, item)).report;
      reply.header('cache-control', 'private, no-store');
      return { ...present(ctx, entry, user.handle), verification };
    },
  );

  // Each import verifies (and may fetch a URL): bounded per client like the import page.
  app.post<{ Body: ImportBody }>(
    '/api/v1/me/badges/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['My badges'],
        summary: 'Import a badge issued elsewhere',
        description:
          'Signed-in session with the `x-csrf-token` header. The badge is verified (URLs are fetched through the SSRF guard) and must be issued to one of my confirmed email addresses; it is stored private. A refusal is a 422 problem that says why, and stores nothing.',
        body: ImportBody,
        response: { 201: Badge },
      },
      config: {
        access: 'user session',
        rateLimit: { max: 20, timeWindow: '1 minute' },
      } as FastifyContextConfig,
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await importBadge(ctx, user.id, importInput(request.body));
      const entry = (await walletEntries(ctx, user.id)).find((e) => e.item.id === item.id)!;
      reply.header('cache-control', 'private, no-store');
      return reply.status(201).send(present(ctx, entry, user.handle));
    },
  );
}
