// An earner's public pages: `/u/:handle`, their profile (only when they made it public, only public
// badges), and `/u/:handle/badges/:itemId`, the public face of a badge they imported from elsewhere.
// Like `/c/:id`, a badge answers only while its earner keeps it public (404 otherwise, the same as
// a badge that does not exist), and it shows the verification run again on view.
import { Type } from 'typebox';
import { getUserByHandle } from '../accounts/service.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { Uuid } from '../http/schemas.ts';
import { currentReport } from '../wallet/import.ts';
import { itemImageSrc, walletEntries } from '../wallet/presenters.ts';
import { getWalletItem } from '../wallet/service.ts';
import { ImportedBadgePage } from './views/imported-badge.tsx';
import { ProfilePage } from './views/profile.tsx';

const Handle = Type.String({ maxLength: 64 });
const HandleParams = Type.Object({ handle: Handle });
const ImportedParams = Type.Object({ handle: Handle, itemId: Uuid });

export function profilePages(app: App, ctx: AppContext) {
  app.get(
    '/u/:handle',
    { config: { access: 'public' }, schema: { hide: true, params: HandleParams } },
    async (request, reply) => {
      const user = await getUserByHandle(ctx.db, request.params.handle);
      const isOwner = !!user && request.user?.id === user.id;
      if (!user || (!user.profilePublic && !isOwner)) return reply.callNotFound();
      // A revoked badge is never listed here, for visitors or the owner (who still has it in the
      // wallet): the profile shows what stands; the badge's own page still says it was revoked.
      const entries = (await walletEntries(ctx, user.id)).filter(
        (e) => e.item.visibility === 'public' && e.state !== 'revoked',
      );
      reply.header('cache-control', user.profilePublic ? 'no-cache' : 'private, no-store');
      return reply.html(
        ProfilePage({
          ctx: pageContext(request),
          user,
          isOwner,
          entries,
          url: `${ctx.config.baseUrl}/u/${user.handle}`,
        }),
      );
    },
  );

  app.get(
    '/u/:handle/badges/:itemId',
    { config: { access: 'public' }, schema: { hide: true, params: ImportedParams } },
    async (request, reply) => {
      const [user, item] = await Promise.all([
        getUserByHandle(ctx.db, request.params.handle),
        getWalletItem(ctx.db, request.params.itemId),
      ]);
      // Badges issued here have their own page (/c/:id); this one is for imported badges only.
      if (!user || item?.userId !== user.id || item.awardId || !item.credentialText)
        return reply.callNotFound();
      const isOwner = request.user?.id === user.id;
      const isPublic = item.visibility === 'public';
      if (!isPublic && !isOwner) return reply.callNotFound();
      const { report, checkedAt } = await currentReport(ctx, item);
      reply.header('cache-control', isPublic ? 'no-cache' : 'private, no-store');
      if (!isPublic) reply.header('x-robots-tag', 'noindex');
      return reply.html(
        ImportedBadgePage({
          ctx: pageContext(request),
          user,
          item,
          isOwner,
          isPublic,
          report,
          checkedAt,
          imageSrc: itemImageSrc(item),
          baseUrl: ctx.config.baseUrl,
        }),
      );
    },
  );
}
