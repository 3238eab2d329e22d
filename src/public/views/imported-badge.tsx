import type { SafeHtml } from '@laurel/jsx';
import type { User } from '../../accounts/service.ts';
import { formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { VerificationReport } from '../../verification/platform-verify.ts';
import type { WalletItem } from '../../wallet/service.ts';
import {
  BadgePlaceholder,
  OwnerNotice,
  StateLine,
  VerificationPanel,
  importedBadgeUrl,
  reportState,
} from '../components.tsx';

/** The public face of an imported badge, with its verification run again on view. */
export function ImportedBadgePage(props: {
  ctx: PageContext;
  user: User;
  item: WalletItem;
  isOwner: boolean;
  isPublic: boolean;
  report: VerificationReport | null;
  checkedAt: Date | null;
  imageSrc: string | null | undefined;
  baseUrl: string;
}): SafeHtml {
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.item.badgeName} — ${props.item.issuerName}`}
      description={
        props.item.badgeDescription?.slice(0, 280) ?? `A badge issued by ${props.item.issuerName}.`
      }
      noindex={!props.isPublic || props.isOwner}
      meta={
        props.isPublic
          ? {
              'og:title': `${props.item.badgeName} — ${props.item.issuerName}`,
              'og:type': 'website',
              'og:url': importedBadgeUrl(props.baseUrl, props.user.handle!, props.item.id),
            }
          : {}
      }
    >
      {props.isOwner ? (
        <OwnerNotice isPublic={props.isPublic} itemId={props.item.id} link="Change its visibility" />
      ) : null}
      <section class="badge-hero">
        {props.imageSrc ? (
          <img src={props.imageSrc} alt={`${props.item.badgeName} badge`} width="240" height="240" />
        ) : (
          <BadgePlaceholder name={props.item.badgeName} size={240} />
        )}
        <div class="stack">
          <h1>{props.item.badgeName}</h1>
          <p>
            Issued by <strong>{props.item.issuerName}</strong>
            {props.report?.validFrom ? ` on ${formatDate(props.report.validFrom)}` : ''}.{' '}
            {/* The earner's name only where they made it public already: on their profile. */}
            {props.user.profilePublic ? (
              <>
                Imported by <a href={`/u/${props.user.handle}`}>{props.user.name}</a> from elsewhere.
              </>
            ) : (
              'Imported from elsewhere.'
            )}
          </p>
          <StateLine
            state={reportState(props.report)}
            validUntil={props.report?.validUntil ?? props.item.validUntil}
          />
          {props.item.badgeDescription ? <p>{props.item.badgeDescription}</p> : null}
        </div>
      </section>
      {props.report ? <VerificationPanel report={props.report} checkedAt={props.checkedAt} /> : null}
    </Layout>
  );
}
