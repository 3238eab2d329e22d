// Every route of an award's public face. Each one asks loadBadgeView first: a private badge is
// 404 for everyone but its earner, on every route, exactly like a badge that does not exist.
import { randomBytes } from 'node:crypto';
import { bakeImage } from '@laurel/openbadges/bake';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { Type } from 'typebox';
import type { App, AppContext } from '../http/context.ts';
import { slot } from '../http/runtime.ts';
import { IdParams, Uuid } from '../http/schemas.ts';
import { ob2AssertionFor } from '../issuing/ob2.ts';
import type { Award } from '../issuing/service.ts';
import {
  isNetwork,
  linkedInAddToProfileUrl,
  qrSvg,
  shareTargetUrl,
  shareableAward,
} from '../sharing/links.ts';
import { templateImage } from '../templates/service.ts';
import { recordEngagement } from '../wallet/engagement.ts';
import { badgeUrl, slugify } from './presenters.ts';
import { BadgeBody, BadgePage, EmbedCard } from './views/badge.tsx';
import { type BadgeView, awardReport, loadBadgeView } from './badge-view.ts';
import { renderPreviewPng } from './preview.ts';

const ShareParams = Type.Object({
  id: Uuid,
  network: Type.String({ maxLength: 30 }),
});
const ImageQuery = Type.Object({ ob: Type.Optional(Type.String({ maxLength: 2 })) });

/*
 * Rendered previews, kept under every input of the picture (the badge's state and names, read
 * from the database on each request, and the template's last change): a change to any of them is
 * a new key, so a preview is never shown stale and no other process has to be told.
 */
const previewsSlot = slot('public.previews', () => new LRUCache<string, Buffer>({ max: 500 }));

/** Private pages must never sit in a shared cache; public ones are revalidated so privacy changes apply. */
function cacheHeaders(reply: FastifyReply, view: BadgeView) {
  if (view.visibility.visibility === 'public') reply.header('cache-control', 'no-cache');
  else reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex');
}

const HTML = 'text/html; charset=utf-8';
/** Where a kept page takes each visitor's form token: random, so no badge's text can contain it. */
const TOKEN_SLOT = `csrf-${randomBytes(16).toString('hex')}`;
/**
 * Pages for visitors who are not signed in, by the (kept, never changed) award object of their
 * view: the page's bytes, encoded once, around the places of the form token.
 */
const anonymousPages = new WeakMap<Award, Buffer[]>();
/** The credential's bytes, by the same award object: a kept view's answer is encoded once, not per request. */
const credentialBytes = new WeakMap<Award, Buffer>();

/** The kept page with this visitor's token in each place: bytes copied, no text encoded or measured again. */
function pageWithToken(parts: Buffer[], token: string): Buffer {
  const tok = Buffer.from(token, 'latin1');
  const chunks: Buffer[] = [parts[0]!];
  for (let i = 1; i < parts.length; i++) chunks.push(tok, parts[i]!);
  return Buffer.concat(chunks);
}

function credentialOf(award: Award): Buffer {
  let bytes = credentialBytes.get(award);
  if (!bytes) {
    bytes = Buffer.from(award.credentialJson);
    credentialBytes.set(award, bytes);
  }
  return bytes;
}

const wantsCredentialJson = (request: FastifyRequest) => {
  const accept = request.headers.accept ?? '';
  return /application\/(vc\+)?ld\+json/.test(accept) && !/text\/html/.test(accept);
};

export function publicBadgeRoutes(app: App, ctx: AppContext) {
  const previews = ctx.runtime.get(previewsSlot);
  const view = async (request: { params: { id: string }; user?: { id: string } | null }) =>
    loadBadgeView(ctx, request.params.id, request.user?.id ?? null);

  const sendJson = (reply: FastifyReply, v: BadgeView) => {
    cacheHeaders(reply, v);
    if (v.visibility.visibility === 'public') reply.header('access-control-allow-origin', '*');
    return reply.type('application/ld+json').send(credentialOf(v.award));
  };

  app.get(
    '/c/:id',
    { config: { access: 'public' }, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      if (wantsCredentialJson(request)) return sendJson(reply.header('vary', 'accept'), v);
      if (!v.isOwner) recordEngagement(ctx, v.award, 'view');
      cacheHeaders(reply, v);
      reply.header('vary', 'accept');
      reply.header('link', `</c/${v.award.id}.json>; rel="alternate"; type="application/ld+json"`);
      // A visitor who is not signed in sees what every such visitor sees but for the form token:
      // that page is kept beside the view it was made from (a change to the view is a new
      // object, so the page goes with it) and the token is put in for each request.
      const anonymous = !request.user;
      const kept = anonymous ? anonymousPages.get(v.award) : undefined;
      if (kept) return reply.type(HTML).send(pageWithToken(kept, request.csrfToken));
      const csrfToken = anonymous ? TOKEN_SLOT : request.csrfToken;
      const report = await awardReport(ctx, v.award, { statusListVersion: v.statusListVersion });
      const html = `<!doctype html>${(
        (
          <BadgePage
            ctx={{ user: request.user, csrfToken }}
            config={ctx.config}
            view={v}
            body={BadgeBody({ view: v, report, csrfToken, baseUrl: ctx.config.baseUrl })}
            walletItemId={v.visibility.itemId}
          />
        )
      ).toString()}`;
      if (!anonymous) return reply.type(HTML).send(html);
      const parts = html.split(TOKEN_SLOT).map((part) => Buffer.from(part));
      // A report that could not check everything may be a passing failure: its page is not kept.
      if (report.verdict !== 'indeterminate') anonymousPages.set(v.award, parts);
      return reply.type(HTML).send(pageWithToken(parts, request.csrfToken));
    },
  );

  app.get(
    '/c/:id.json',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Public badges'],
        summary: 'The signed Open Badges 3.0 credential of a public badge, byte for byte as issued',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      return sendJson(reply, v);
    },
  );

  app.get(
    '/c/:id.jwt',
    {
      config: { access: 'public' },
      schema: {
        tags: ['Public badges'],
        summary: 'The same credential as a compact VC-JWT',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      cacheHeaders(reply, v);
      if (v.visibility.visibility === 'public') reply.header('access-control-allow-origin', '*');
      return reply.type('application/jwt').send(v.award.credentialJwt);
    },
  );

  const ob3Bake = (v: BadgeView) => ({ kind: 'ob3-json' as const, text: v.award.credentialJson });
  // OB 2.0 baking carries the hosted assertion itself (its id is its URL), as /ob2/assertions/ID
  // serves it, under the same visibility rule for this viewer.
  const ob2Bake = async (awardId: string, viewerId: string | null) => {
    const answer = await ob2AssertionFor(ctx.db, ctx.config, awardId, viewerId);
    return answer.kind === 'assertion'
      ? { kind: 'ob2-json' as const, text: JSON.stringify(answer.assertion) }
      : undefined;
  };

  for (const format of ['png', 'svg'] as const) {
    app.get(
      `/c/:id/image.${format}`,
      {
        config: { access: 'public' },
        schema: {
          tags: ['Public badges'],
          summary: `The badge image (${format.toUpperCase()}) with the credential baked in (OB 3.0; ?ob=2 bakes the OB 2.0 hosted assertion)`,
          params: IdParams,
          querystring: ImageQuery,
        },
      },
      async (request, reply) => {
        const v = await view(request);
        if (!v) return reply.callNotFound();
        const image = await templateImage(ctx.db, v.template.id, format);
        if (!image) return reply.callNotFound();
        const credential =
          request.query.ob === '2' ? await ob2Bake(v.award.id, request.user?.id ?? null) : ob3Bake(v);
        if (!credential) return reply.callNotFound();
        const baked = Buffer.from(bakeImage(image, credential));
        cacheHeaders(reply, v);
        return reply
          .type(format === 'png' ? 'image/png' : 'image/svg+xml')
          .header('content-disposition', `inline; filename="${slugify(v.template.name)}.${format}"`)
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
          .send(baked);
      },
    );
  }

  app.get(
    '/c/:id/preview.png',
    { config: { access: 'public' }, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      const key = JSON.stringify([v.award.id, v.state, v.recipientName, v.org.name, v.template.updatedAt]);
      let png = previews.get(key);
      if (!png) {
        const image = await templateImage(ctx.db, v.template.id, 'png');
        png = await renderPreviewPng(ctx.runtime, {
          badgeName: v.template.name,
          issuerName: v.org.name,
          recipientName: v.recipientName,
          image: image ? { data: image, type: 'png' } : null,
          state: v.state,
        });
        previews.set(key, png);
      }
      cacheHeaders(reply, v);
      return reply.type('image/png').send(png);
    },
  );

  app.get(
    '/c/:id/qr.svg',
    { config: { access: 'public' }, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      cacheHeaders(reply, v);
      return reply.type('image/svg+xml').send(await qrSvg(badgeUrl(ctx.config, v.award.id)));
    },
  );

  app.get(
    '/c/:id/embed',
    {
      schema: { hide: true, params: IdParams },
      config: { access: 'public', frameable: true },
    },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      cacheHeaders(reply, v);
      return reply.html(<EmbedCard view={v} />);
    },
  );

  app.get(
    '/c/:id/share/:network',
    { config: { access: 'public' }, schema: { hide: true, params: ShareParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      const network = request.params.network;
      const badge = shareableAward(ctx.config.baseUrl, v.award, {
        badgeName: v.template.name,
        issuerName: v.org.name,
        linkedinOrgId: v.org.linkedinOrgId,
      });
      let target: string;
      if (network === 'linkedin-profile') target = linkedInAddToProfileUrl(badge);
      else if (isNetwork(network)) target = shareTargetUrl(badge, network);
      else return reply.callNotFound();
      recordEngagement(ctx, v.award, `share:${network}`);
      return reply.header('cache-control', 'no-store').redirect(target, 303);
    },
  );
}
