// `/api/v1/me/badges`: the signed-in earner's wallet as JSON (session cookie; writes need x-csrf-token).
import { Type, type Static } from 'typebox';
import { getUser, updateProfile } from '../accounts/service.ts';
import { LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import type { App, AppContext } from '../http/context.ts';
import { IdParams, NoBody, problems, Uuid } from '../http/schemas.ts';
import { AcceptedSchema, RejectedSchema, presentAccepted } from '../claims/presenters.ts';
import { acceptPendingAward, declinePendingAward } from '../claims/service.ts';
import { awardReport, loadBadgeView } from '../public/badge-view.ts';
import { decodeBase64Image } from '../verification/input.ts';
import type { VerificationReport } from '../verification/platform-verify.ts';
import {
  type ImportInput,
  MAX_IMPORT_BYTES,
  currentReport,
  importBadge,
  importTooLarge,
  stripCredential,
} from './import.ts';
import { pendingBadges } from './pending.ts';
import { declineRefused } from './policy.ts';
import {
  BadgeSchema,
  PendingBadgeSchema,
  presentBadge,
  presentPending,
  walletEntries,
  walletEntry,
} from './presenters.ts';
import { getOwnItem, setShowRecipientName, setVisibility } from './service.ts';

/** A POST that reads no body: whatever comes is ignored, as before schemas were declared. */

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
function profileRoutes(app: App, ctx: AppContext) {
  app.get(
    '/api/v1/me/profile',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'My public profile settings',
        description: 'Signed-in session only (not API keys).',
        response: { 200: Profile, ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      reply.header('cache-control', 'private, no-store');
      return profileOf(ctx, user.id);
    },
  );

  app.patch(
    '/api/v1/me/profile',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Change my name, handle, bio, or make my profile public or private',
        description:
          'Signed-in session with the `x-csrf-token` header. A public profile needs a handle: it lives at /u/HANDLE and lists only public badges.',
        body: ProfilePatch,
        response: { 200: Profile, ...problems(400, 401, 403, 409, 422) },
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

export function walletRoutes(app: App, ctx: AppContext) {
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
          200: Type.Object({ items: Type.Array(BadgeSchema), pending: Type.Array(PendingBadgeSchema) }),
          ...problems(401),
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
        items: entries.map((e) => presentBadge(ctx, e, user.handle)),
        pending: pending.map((b) => presentPending(ctx, b)),
      };
    },
  );

  app.patch(
    '/api/v1/me/badges/:id',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Make a badge public or private, show or hide my name on its page',
        description: 'Signed-in session with the `x-csrf-token` header.',
        params: IdParams,
        body: Patch,
        response: { 200: BadgeSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      let item = await getOwnItem(ctx.db, user.id, request.params.id);
      const { visibility, showRecipientName } = request.body;
      if (visibility) item = await setVisibility(ctx.db, user.id, item.id, visibility);
      if (showRecipientName !== undefined)
        item = await setShowRecipientName(ctx.db, user.id, item.id, showRecipientName);
      const entry = await walletEntry(ctx, user.id, item.id);
      reply.header('cache-control', 'private, no-store');
      return presentBadge(ctx, entry, user.handle);
    },
  );

  app.get(
    '/api/v1/me/badges/:id',
    {
      config: { access: 'user' },
      schema: {
        tags: ['My badges'],
        summary: 'One badge of my wallet with its verification report',
        description:
          'Signed-in session only. An imported badge is verified again when its last report is over a minute old, so a revocation or expiry since shows.',
        params: IdParams,
        response: {
          200: Type.Object({
            ...BadgeSchema.properties,
            verification: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()], {
              description: 'The verification report (as from POST /api/v1/verify, without the credential).',
            }),
          }),
          ...problems(401, 404),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.id);
      const entry = await walletEntry(ctx, user.id, item.id);
      let verification: VerificationReport | null = null;
      if (item.awardId) {
        const view = await loadBadgeView(ctx, item.awardId, user.id);
        if (view)
          verification = stripCredential(
            await awardReport(ctx, view.award, { statusListVersion: view.statusListVersion }),
          );
      } else verification = (await currentReport(ctx, item)).report;
      reply.header('cache-control', 'private, no-store');
      return { ...presentBadge(ctx, entry, user.handle), verification };
    },
  );

  // Each import verifies (and may fetch a URL): bounded per client like the import page.
  app.post(
    '/api/v1/me/badges/import',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['My badges'],
        summary: 'Import a badge issued elsewhere',
        description:
          'Signed-in session with the `x-csrf-token` header. The badge is verified (URLs are fetched through the SSRF guard) and must be issued to one of my confirmed email addresses; it is stored private. A refusal is a 422 problem that says why, and stores nothing.',
        body: ImportBody,
        response: { 201: BadgeSchema, ...problems(400, 401, 403, 409, 413, 415, 422) },
      },
      config: {
        access: 'user session',
        rateLimit: { max: 20, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await importBadge(ctx, user.id, importInput(request.body));
      const entry = await walletEntry(ctx, user.id, item.id);
      reply.header('cache-control', 'private, no-store');
      return reply.status(201).send(presentBadge(ctx, entry, user.handle));
    },
  );
  pendingApi(app, ctx);
}

/** Accepting and declining a waiting badge (in `pending` of GET /api/v1/me/badges). */
function pendingApi(app: App, ctx: AppContext) {
  const AwardParams = Type.Object({ id: Uuid });
  const DeclineBody = Type.Object(
    {
      confirm: Type.Boolean({
        description: 'Must be true: declining revokes the badge and deletes my name and address from it.',
      }),
    },
    { additionalProperties: false },
  );

  app.post(
    '/api/v1/me/pending/:id/accept',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Accept a badge waiting for me',
        description:
          'Signed-in session with the `x-csrf-token` header. For a badge in `pending` of `GET /api/v1/me/badges` (sent to one of my confirmed addresses); any other award is 404. Its claim link stops working; the new wallet item is private.',
        params: AwardParams,
        body: NoBody,
        response: {
          200: AcceptedSchema,
          ...problems(401, 403, 404, 409, 410),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptPendingAward(ctx, request.params.id, user.id);
      reply.header('cache-control', 'private, no-store');
      return presentAccepted(item);
    },
  );

  app.post(
    '/api/v1/me/pending/:id/decline',
    {
      config: { access: 'user session' },
      schema: {
        tags: ['My badges'],
        summary: 'Decline a badge waiting for me, for good',
        description:
          'Signed-in session with the `x-csrf-token` header. Revokes the credential and deletes my name and address from it; cannot be undone.',
        params: AwardParams,
        body: DeclineBody,
        response: {
          200: RejectedSchema,
          ...problems(400, 401, 403, 404, 422),
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      if (request.body.confirm !== true) throw declineRefused();
      await declinePendingAward(ctx, request.params.id, user.id);
      reply.header('cache-control', 'private, no-store');
      return { state: 'rejected' as const };
    },
  );
}
