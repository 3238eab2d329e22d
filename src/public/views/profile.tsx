import type { SafeHtml } from '@laurel/jsx';
import type { User } from '../../accounts/service.ts';
import { Alert, EmptyState, Pill } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { WalletEntry } from '../../wallet/presenters.ts';
import { BadgePlaceholder, importedBadgePath } from '../components.tsx';

/** An earner's profile: their public badges that stand (none revoked), with a notice for the owner. */
export function ProfilePage(props: {
  ctx: PageContext;
  user: User;
  isOwner: boolean;
  entries: WalletEntry[];
  url: string;
}): SafeHtml {
  return (
    <Layout
      ctx={props.ctx}
      title={props.user.name}
      description={`Badges earned by ${props.user.name}`}
      noindex={!props.user.profilePublic || props.isOwner}
      meta={
        props.user.profilePublic
          ? { 'og:title': `${props.user.name} — badges`, 'og:type': 'profile', 'og:url': props.url }
          : {}
      }
    >
      {props.isOwner ? (
        <Alert kind={props.user.profilePublic ? 'info' : 'warning'}>
          {props.user.profilePublic
            ? 'This is your public profile: it lists your public badges only. '
            : 'Your profile is private: anyone else who opens this address gets “not found”. '}
          <a href="/account">Change it on your account page</a>
        </Alert>
      ) : null}
      <div class="page-header">
        <h1>{props.user.name}</h1>
        {props.user.bio ? <p class="lead">{props.user.bio}</p> : null}
      </div>
      {props.entries.length === 0 ? (
        <EmptyState title="No public badges yet" />
      ) : (
        <ul class="grid" aria-label="Badges">
          {props.entries.map(({ item, state }) => (
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
                  <a href={importedBadgePath(props.user.handle!, item.id)}>
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
    </Layout>
  );
}
