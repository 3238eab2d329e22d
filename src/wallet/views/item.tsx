// One badge of the wallet: its state and verification, visibility, sharing, downloads, declining.
import type { FieldError } from '../../errors.ts';
import type { Award } from '../../issuing/service.ts';
import { badgeState } from '../../public/badge-view.ts';
import {
  BadgePlaceholder,
  StateLine,
  VerificationPanel,
  importedBadgePath,
  importedBadgeUrl,
  reportState,
} from '../../public/components.tsx';
import { linkedInAddToProfileUrl, shareTargetUrl, shareableAward } from '../../sharing/links.ts';
import { Alert, CsrfField, FormErrors, PageHeader, Pill, formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { VerificationReport } from '../../verification/platform-verify.ts';
import { type ImportedShare, type ItemState, itemImageSrc } from '../presenters.ts';
import type { WalletItem } from '../service.ts';
import { SharePanel } from './share.tsx';

export function ItemPage(props: {
  ctx: PageContext;
  /** The platform's public address. */
  baseUrl: string;
  item: WalletItem;
  award: Award | null;
  report: VerificationReport | null;
  /** When an imported badge's report ran. */
  checkedAt: Date | null;
  /** Set for a public imported badge with a public address. */
  importedShare: ImportedShare | null;
  /** A renewal its issuer offers for this badge (applications/apply/renewal.ts). */
  renewal?: { how: 'instant' | 'review' } | null;
  notice?: string;
  errors?: FieldError[];
}) {
  const { item, award } = props;
  const state: ItemState = award ? badgeState(award) : reportState(props.report);
  const src = itemImageSrc(item);
  const isPublic = item.visibility === 'public';
  const issuedOn = award?.issuedAt ?? props.report?.validFrom ?? null;
  // The organization's LinkedIn id is added by /c/:id/share/…, not needed for the snippets.
  const shareable = award
    ? shareableAward(props.baseUrl, award, {
        badgeName: item.badgeName,
        issuerName: item.issuerName,
        linkedinOrgId: null,
      })
    : null;
  const imported = props.importedShare;
  return (
    <Layout ctx={props.ctx} title={item.badgeName} section="wallet" noindex>
      <PageHeader title={item.badgeName} breadcrumbs={[['/wallet', 'My badges']]} />
      {props.notice ? <Alert kind="success">{props.notice}</Alert> : null}
      {props.errors?.length ? <FormErrors errors={props.errors} /> : null}
      <section class="badge-hero">
        {src ? (
          <img src={src} alt={`${item.badgeName} badge`} width="240" height="240" />
        ) : (
          <BadgePlaceholder name={item.badgeName} size={240} />
        )}
        <div class="stack">
          <p>
            Issued by <strong>{item.issuerName}</strong>
            {issuedOn ? ` on ${formatDate(issuedOn)}` : ''}.{item.awardId ? '' : ' Imported.'}
          </p>
          <StateLine
            state={state}
            validUntil={award?.validUntil ?? item.validUntil}
            reason={award?.revocationReason ?? null}
          />
          {item.badgeDescription ? <p>{item.badgeDescription}</p> : null}
          {award?.renewedBy ? (
            <p>
              Renewed by <a href={`/c/${award.renewedBy}`}>a newer badge</a>.
            </p>
          ) : null}
          {award && props.renewal ? (
            <p>
              <a class="button secondary" href={`/apply/renew/${award.id}`}>
                Renew
              </a>
            </p>
          ) : null}
          <p>
            <Pill kind={isPublic ? 'ok' : 'neutral'}>{isPublic ? 'Public' : 'Private'}</Pill>{' '}
            {isPublic ? (
              award ? (
                'Anyone with the address can see it, and it shows on your public profile when that is public.'
              ) : props.ctx.user?.handle ? (
                <>
                  Anyone with its address can see it, at{' '}
                  <a href={importedBadgePath(props.ctx.user.handle, item.id)}>
                    {importedBadgeUrl(props.baseUrl, props.ctx.user.handle, item.id)}
                  </a>
                  , and it shows on your public profile when that is public.
                </>
              ) : (
                <>
                  Choose a handle on <a href="/account">your account page</a> to give it a public address.
                </>
              )
            ) : (
              'Only you can see it.'
            )}
          </p>
          <div class="form-actions">
            <form method="post" action={`/wallet/${item.id}/visibility`} class="inline">
              <CsrfField token={props.ctx.csrfToken} />
              <input type="hidden" name="visibility" value={isPublic ? 'private' : 'public'} />
              <button type="submit" class="button">
                {isPublic ? 'Make private' : 'Make public'}
              </button>
            </form>
            {award ? (
              <form method="post" action={`/wallet/${item.id}/recipient-name`} class="inline">
                <CsrfField token={props.ctx.csrfToken} />
                <input type="hidden" name="show" value={item.showRecipientName ? 'no' : 'yes'} />
                <button type="submit" class="button small">
                  {item.showRecipientName
                    ? 'Hide my name on the public page'
                    : 'Show my name on the public page'}
                </button>
              </form>
            ) : null}
          </div>
        </div>
      </section>
      <div class="two-col">
        <div class="stack">
          {award && shareable ? (
            isPublic ? (
              <SharePanel
                badge={shareable}
                href={(target) => `/c/${award.id}/share/${target}`}
                qrSrc={`/c/${award.id}/qr.svg`}
              />
            ) : (
              <section class="card">
                <h2>Share</h2>
                <p>
                  Make this badge public to share it on LinkedIn, X, Facebook, by email, on a web page or in
                  your email signature.
                </p>
              </section>
            )
          ) : imported ? (
            <SharePanel
              badge={imported.badge}
              href={(target) =>
                target === 'linkedin-profile'
                  ? linkedInAddToProfileUrl(imported.badge)
                  : shareTargetUrl(imported.badge, target)
              }
              qrSrc={imported.qrSrc}
            />
          ) : null}
          {props.report ? <VerificationPanel report={props.report} checkedAt={props.checkedAt} /> : null}
        </div>
        <div class="stack">
          <section class="card">
            <h2>Download</h2>
            {award ? (
              <ul>
                <li>
                  <a href={`/c/${award.id}/image.png`} download="badge.png">
                    PNG image with the Open Badges 3.0 credential baked in
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}/image.svg`} download="badge.svg">
                    SVG image with the credential baked in
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}/image.png?ob=2`} download="badge-ob2.png">
                    PNG for Open Badges 2.0 backpacks
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}/image.svg?ob=2`} download="badge-ob2.svg">
                    SVG for Open Badges 2.0 backpacks
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}.json`} download="credential.json">
                    Credential (JSON)
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}.jwt`} download="credential.jwt">
                    Credential (VC-JWT)
                  </a>
                </li>
                <li>
                  <a href={`/c/${award.id}`}>
                    {isPublic ? 'Public page' : 'Preview the page (only you can see it)'}
                  </a>
                </li>
              </ul>
            ) : (
              <ul>
                <li>
                  <a href={`/wallet/${item.id}/credential`} download="credential.txt">
                    The credential as imported
                  </a>
                </li>
                {item.sourceUrl ? (
                  <li>
                    <a href={item.sourceUrl} rel="noopener nofollow">
                      Where it came from
                    </a>
                  </li>
                ) : null}
              </ul>
            )}
          </section>
          <section class="card stack">
            <h2>{award ? 'Decline this badge' : 'Remove from my wallet'}</h2>
            <p>
              {award
                ? 'Declining revokes the badge and deletes your name and email address from it. It cannot be undone.'
                : 'Removes the imported copy from your wallet. The badge itself is not affected.'}
            </p>
            <form
              method="post"
              action={`/wallet/${item.id}/${award ? 'decline' : 'delete'}`}
              data-confirm={
                award
                  ? 'Decline this badge for good? It is revoked and your name and email are deleted from it.'
                  : 'Remove this badge from your wallet?'
              }
            >
              <CsrfField token={props.ctx.csrfToken} />
              <input type="hidden" name="confirm" value="yes" />
              {award ? (
                // Without JavaScript there is no confirmation dialog: the browser asks for this tick.
                <noscript>
                  <p class="field">
                    <label>
                      <input type="checkbox" name="understood" value="yes" required /> I understand that
                      declining is permanent.
                    </label>
                  </p>
                </noscript>
              ) : null}
              <button type="submit" class="button danger">
                {award ? 'Decline for good' : 'Remove'}
              </button>
            </form>
          </section>
        </div>
      </div>
    </Layout>
  );
}
