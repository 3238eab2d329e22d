// Renewing a badge from the wallet: at once (instant renewal) or through a renewal application.
import { PageHeader, PostButton, formatDate } from '../../../ui/components.tsx';
import { Layout, type PageContext } from '../../../ui/layout.tsx';
import type { RenewalOffer } from '../renewal.ts';

export function RenewPage(p: {
  ctx: PageContext;
  awardId: string;
  offer: RenewalOffer | null;
  walletItemId: string;
}) {
  const { offer } = p;
  return (
    <Layout ctx={p.ctx} title="Renew a badge" section="wallet" noindex>
      <PageHeader
        title={offer ? `Renew “${offer.badgeName}”` : 'Renew a badge'}
        breadcrumbs={[['/wallet', 'My badges']]}
      />
      <div class="card form-narrow stack">
        {!offer ? (
          <p>This badge cannot be renewed here. Ask its issuer about renewing it.</p>
        ) : offer.how === 'instant' ? (
          <>
            <p>
              This badge {offer.validUntil < new Date() ? 'expired' : 'expires'} on{' '}
              {formatDate(offer.validUntil)}. Its issuer renews it without review: the new badge goes into
              your wallet at once, and this one shows as renewed by it.
            </p>
            <PostButton action={`/apply/renew/${p.awardId}`} csrfToken={p.ctx.csrfToken} class="button">
              Renew now
            </PostButton>
          </>
        ) : (
          <>
            <p>
              This badge {offer.validUntil < new Date() ? 'expired' : 'expires'} on{' '}
              {formatDate(offer.validUntil)}. Its issuer reviews renewals: start a renewal application,
              prefilled from your last one, check it and submit it.
            </p>
            <PostButton action={`/apply/renew/${p.awardId}`} csrfToken={p.ctx.csrfToken} class="button">
              Start the renewal application
            </PostButton>
          </>
        )}
        <p>
          <a href={`/wallet/${p.walletItemId}`}>Back to the badge</a>
        </p>
      </div>
    </Layout>
  );
}
