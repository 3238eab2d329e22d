import { ShowNameField } from '../../public/components.tsx';
import { CsrfField, formatDate } from '../../ui/components.tsx';
import type { PendingBadge } from '../pending.ts';

/** The action URLs of a waiting badge, for the page's forms. */
export const pendingAction = (awardId: string, action: 'accept' | 'decline') =>
  `/wallet/pending/${awardId}/${action}`;

/**
 * Badges sent to the account's confirmed addresses and still waiting: accept into the wallet,
 * or decline for good (a second, confirmed step, as on the claim page).
 */
export function PendingSection(props: { badges: PendingBadge[]; csrfToken: string }) {
  if (props.badges.length === 0) return null;
  return (
    <section class="card" aria-labelledby="h-pending" id="pending">
      <h2 id="h-pending">Waiting for you ({props.badges.length})</h2>
      <p class="muted">
        Sent to an address you have confirmed. Accept a badge to keep it here (private until you make it
        public), or decline it: the issuer then revokes it and your name and address are deleted from it.
      </p>
      <ul class="grid" aria-label="Badges waiting for you">
        {props.badges.map((b) => (
          <li class="card badge-tile" id={`pending-${b.award.id}`}>
            <img src={b.imageUrl} alt="" width="140" height="140" />
            <strong>{b.badgeName}</strong>
            <span class="muted">
              from <a href={b.issuerUrl}>{b.issuerName}</a>
            </span>
            <span class="muted small">
              {formatDate(b.award.issuedAt)}, to {b.award.recipientEmail ?? ''}
            </span>
            <form method="post" action={pendingAction(b.award.id, 'accept')}>
              <CsrfField token={props.csrfToken} />
              <ShowNameField recipientName={b.award.recipientName} />
              <button type="submit">Accept</button>
            </form>
            <details>
              <summary>Decline…</summary>
              <form method="post" action={pendingAction(b.award.id, 'decline')} class="stack">
                <CsrfField token={props.csrfToken} />
                <label>
                  <input type="checkbox" name="confirm" value="yes" required /> Decline “{b.badgeName}” for
                  good: it cannot be accepted afterwards.
                </label>
                <button type="submit" class="danger">
                  Decline
                </button>
              </form>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
