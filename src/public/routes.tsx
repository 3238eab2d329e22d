// Every route of an award's public face. Each one asks loadBadgeView first: a private badge is
// 404 for everyone but its earner, on every route, exactly like a badge that does not exist.
import { raw } from '@laurel/jsx';
import { bakeImage } from '@laurel/openbadges/bake';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { pageContext } from '../http/auth.ts';
import type { AppContext } from '../http/context.ts';
import { ob2AssertionFor } from '../issuing/ob2.ts';
import {
  isNetwork,
  linkedInAddToProfileUrl,
  qrSvg,
  shareTargetUrl,
  shareableAward,
} from '../sharing/links.ts';
import { templateImage } from '../templates/service.ts';
import { recordEngagement } from '../wallet/service.ts';
import { BadgeBody, BadgePage, EmbedCard, badgeUrl, slugify } from './badge-page.tsx';
import { type BadgeView, awardReport, loadBadgeView } from './badge-view.ts';
import { renderPreviewPng } from './preview.ts';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ShareParams = Type.Object({
  id: Type.String({ maxLength: 64 }),
  network: Type.String({ maxLength: 30 }),
});
const ImageQuery = Type.Object({ ob: Type.Optional(Type.String({ maxLength: 2 })) });

const BODY_TTL_MS = 15_000;
const MAX_CACHED = 1000;
const bodies = new Map<string, { html: string; at: number }>();
const pages = new Map<string, { html: string; at: number }>();
const previews = new Map<string, Buffer>();

function remember<V>(map: Map<string, V>, key: string, value: V) {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** Private pages must never sit in a shared cache; public ones are revalidated so privacy changes apply. */
function cacheHeaders(reply: FastifyReply, view: BadgeView) {
  if (view.visibility.visibility === 'public') reply.header('cache-control', 'no-cache');
  else reply.header('cache-control', 'private, no-store').header('x-robots-tag', 'noindex');
}

const wantsCredentialJson = (request: FastifyRequest) => {
  const accept = request.headers.accept ?? '';
  return /application\/(vc\+)?ld\+json/.test(accept) && !/text\/html/.test(accept);
};

export function publicBadgeRoutes(app: FastifyInstance, ctx: AppContext) {
  const view = async (request: FastifyRequest<{ Params: { id: string } }>) =>
    loadBadgeView(ctx, request.params.id, request.user?.id ?? null);

  const sendJson = (reply: FastifyReply, v: BadgeView) => {
    cacheHeaders(reply, v);
    if (v.visibility.visibility === 'public') reply.header('access-control-allow-origin', '*');
    return reply.type('application/ld+json').send(v.award.credentialJson);
  };

  app.get<{ Params: { id: string } }>(
    '/c/:id',
    { schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      if (wantsCredentialJson(request)) return sendJson(reply.header('vary', 'accept'), v);
      if (!v.isOwner) recordEngagement(ctx.db, v.award, 'view');
      const key = `${v.award.id}|${v.state}|${v.visibility.showRecipientName}|${v.visibility.updatedAt.getTime()}`;
      cacheHeaders(reply, v);
      reply.header('vary', 'accept');
      reply.header('link', `</c/${v.award.id}.json>; rel="alternate"; type="application/ld+json"`);
      // A visitor who is not signed in gets the same bytes as every other such visitor (the
      // layout differs only for signed-in people): the whole page is kept for them.
      const anonymous = !request.user;
      const whole = anonymous ? pages.get(key) : undefined;
      if (whole && Date.now() - whole.at <= BODY_TTL_MS)
        return reply.type('text/html; charset=utf-8').send(whole.html);
      let cached = bodies.get(key);
      if (!cached || Date.now() - cached.at > BODY_TTL_MS) {
        const report = await awardReport(ctx, v.award);
        cached = { html: BadgeBody({ view: v, report }).toString(), at: Date.now() };
        remember(bodies, key, cached);
      }
      const html = `<!doctype html>${(
        (
          <BadgePage
            ctx={pageContext(request)}
            config={ctx.config}
            view={v}
            body={raw(cached.html)}
            walletItemId={v.visibility.itemId}
          />
        )
      ).toString()}`;
      if (anonymous) remember(pages, key, { html, at: cached.at });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/c/:id.json',
    {
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

  app.get<{ Params: { id: string } }>(
    '/c/:id.jwt',
    {
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
  // serves it. loadBadgeView has already decided who may see the badge.
  const ob2Bake = async (awardId: string) => {
    const answer = await ob2AssertionFor(ctx.db, ctx.config, awardId, { accessChecked: true });
    return answer.kind === 'assertion'
      ? { kind: 'ob2-json' as const, text: JSON.stringify(answer.assertion) }
      : undefined;
  };

  for (const format of ['png', 'svg'] as const) {
    app.get<{ Params: { id: string }; Querystring: { ob?: string } }>(
      `/c/:id/image.${format}`,
      {
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
        const credential = request.query.ob === '2' ? await ob2Bake(v.award.id) : ob3Bake(v);
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

  app.get<{ Params: { id: string } }>(
    '/c/:id/preview.png',
    { schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      const key = `${v.award.id}|${v.state}|${v.recipientName ?? ''}`;
      let png = previews.get(key);
      if (!png) {
        const image = await templateImage(ctx.db, v.template.id, 'png');
        png = await renderPreviewPng({
          badgeName: v.template.name,
          issuerName: v.org.name,
          recipientName: v.recipientName,
          image: image ? { data: image, type: 'png' } : null,
          state: v.state,
        });
        remember(previews, key, png);
      }
      cacheHeaders(reply, v);
      return reply.type('image/png').send(png);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/c/:id/qr.svg',
    { schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      cacheHeaders(reply, v);
      return reply.type('image/svg+xml').send(await qrSvg(badgeUrl(ctx.config, v.award.id)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/c/:id/embed',
    { schema: { hide: true, params: IdParams }, config: { frameable: true } as FastifyContextConfig },
    async (request, reply) => {
      const v = await view(request);
      if (!v) return reply.callNotFound();
      cacheHeaders(reply, v);
      return reply.html(<EmbedCard view={v} />);
    },
  );

  app.get<{ Params: { id: string; network: string } }>(
    '/c/:id/share/:network',
    { schema: { hide: true, params: ShareParams } },
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
      recordEngagement(ctx.db, v.award, `share:${network}`);
      return reply.header('cache-control', 'no-store').redirect(target, 303);
    },
  );
}
