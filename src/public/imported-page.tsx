// `/u/:handle/badges/:itemId`: the public face of a badge its earner imported from elsewhere.
// Like `/c/:id`, it answers only while the earner keeps the badge public (404 otherwise, the
// same as a badge that does not exist), and it shows the verification run again on view.
import { Type } from 'typebox';
import { getUserByHandle } from '../accounts/service.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { Uuid } from '../http/schemas.ts';
import { formatDate } from '../ui/components.tsx';
import { Layout } from '../ui/layout.tsx';
import { currentReport } from '../wallet/import.ts';
import { itemImageSrc } from '../wallet/presenters.ts';
import { getWalletItem } from '../wallet/service.ts';
import {
  BadgePlaceholder,
  OwnerNotice,
  StateLine,
  VerificationPanel,
  importedBadgeUrl,
  reportState,
} from './components.tsx';

const Params = Type.Object({
  handle: Type.String({ maxLength: 64 }),
  itemId: Uuid,
});

export function importedBadgePages(app: App, ctx: AppContext) {
  app.get(
    '/u/:handle/badges/:itemId',
    { config: { access: 'public' }, schema: { hide: true, params: Params } },
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
      const state = reportState(report);
      const src = itemImageSrc(item);
      const issuedOn = report?.validFrom ?? null;
      reply.header('cache-control', isPublic ? 'no-cache' : 'private, no-store');
      if (!isPublic) reply.header('x-robots-tag', 'noindex');
      return reply.html(
        <Layout
          ctx={pageContext(request)}
          title={`${item.badgeName} — ${item.issuerName}`}
          description={item.badgeDescription?.slice(0, 280) ?? `A badge issued by ${item.issuerName}.`}
          noindex={!isPublic || isOwner}
          meta={
            isPublic
              ? {
                  'og:title': `${item.badgeName} — ${item.issuerName}`,
                  'og:type': 'website',
                  'og:url': importedBadgeUrl(ctx.config.baseUrl, user.handle!, item.id),
                }
              : {}
          }
        >
          {isOwner ? <OwnerNotice isPublic={isPublic} itemId={item.id} link="Change its visibility" /> : null}
          <section class="badge-hero">
            {src ? (
              <img src={src} alt={`${item.badgeName} badge`} width="240" height="240" />
            ) : (
              <BadgePlaceholder name={item.badgeName} size={240} />
            )}
            <div class="stack">
              <h1>{item.badgeName}</h1>
              <p>
                Issued by <strong>{item.issuerName}</strong>
                {issuedOn ? ` on ${formatDate(issuedOn)}` : ''}.{' '}
                {/* The earner's name only where they made it public already: on their profile. */}
                {user.profilePublic ? (
                  <>
                    Imported by <a href={`/u/${user.handle}`}>{user.name}</a> from elsewhere.
                  </>
                ) : (
                  'Imported from elsewhere.'
                )}
              </p>
              <StateLine state={state} validUntil={report?.validUntil ?? item.validUntil} />
              {item.badgeDescription ? <p>{item.badgeDescription}</p> : null}
            </div>
          </section>
          {report ? <VerificationPanel report={report} checkedAt={checkedAt} /> : null}
        </Layout>,
      );
    },
  );
}
