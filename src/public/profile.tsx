// `/u/:handle`: an earner's public profile — only when they made it public, only public badges.
import { Type } from 'typebox';
import { getUserByHandle } from '../accounts/service.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext } from '../http/context.ts';
import { Alert, EmptyState, Pill } from '../ui/components.tsx';
import { Layout } from '../ui/layout.tsx';
import { walletEntries } from '../wallet/presenters.ts';
import { BadgePlaceholder, importedBadgePath } from './components.tsx';

const HandleParams = Type.Object({ handle: Type.String({ maxLength: 64 }) });

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
      const url = `${ctx.config.baseUrl}/u/${user.handle}`;
      reply.header('cache-control', user.profilePublic ? 'no-cache' : 'private, no-store');
      return reply.html(
        <Layout
          ctx={pageContext(request)}
          title={user.name}
          description={`Badges earned by ${user.name}`}
          noindex={!user.profilePublic || isOwner}
          meta={
            user.profilePublic
              ? { 'og:title': `${user.name} — badges`, 'og:type': 'profile', 'og:url': url }
              : {}
          }
        >
          {isOwner ? (
            <Alert kind={user.profilePublic ? 'info' : 'warning'}>
              {user.profilePublic
                ? 'This is your public profile: it lists your public badges only. '
                : 'Your profile is private: anyone else who opens this address gets “not found”. '}
              <a href="/account">Change it on your account page</a>
            </Alert>
          ) : null}
          <div class="page-header">
            <h1>{user.name}</h1>
            {user.bio ? <p class="lead">{user.bio}</p> : null}
          </div>
          {entries.length === 0 ? (
            <EmptyState title="No public badges yet" />
          ) : (
            <ul class="grid" aria-label="Badges">
              {entries.map(({ item, state }) => (
                <li class="card badge-tile">
                  {item.awardId ? (
                    <>
                      <img src={`/c/${item.awardId}/image.png`} alt="" width="140" height="140" />
                      <a href={`/c/${item.awardId}`}>
                        <strong>{item.badgeName}</strong>
                      </a>
                    </>
                  ) : (
                    <>
                      {item.hasImage ? (
                        <img src={`/wallet/${item.id}/image`} alt="" width="140" height="140" />
                      ) : (
                        <BadgePlaceholder name={item.badgeName} size={140} />
                      )}
                      <a href={importedBadgePath(user.handle!, item.id)}>
                        <strong>{item.badgeName}</strong>
                      </a>
                    </>
                  )}
                  <span class="muted">{item.issuerName}</span>
                  {state === 'valid' ? null : (
                    <Pill kind={state === 'expired' ? 'warn' : 'bad'}>
                      {state === 'expired' ? 'Expired' : 'Not verified'}
                    </Pill>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Layout>,
      );
    },
  );
}
