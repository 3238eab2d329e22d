// "Apply for this badge" with a QR code of the link: on the template's and the organization's
// public pages while the badge is open to applications from anyone, and on the settings page.
import { applyQrPath } from '../links.ts';

export function ApplyOffer(props: { url: string; qrSrc: string; name?: string }) {
  return (
    <div class="row apply-offer" style="align-items:flex-start;gap:1rem">
      <img src={props.qrSrc} alt={`QR code of ${props.url}`} width="120" height="120" loading="lazy" />
      <div class="stack">
        {props.name ? <strong>{props.name}</strong> : null}
        <p style="margin:0">
          <a class="button" href={props.url}>
            Apply for this badge
          </a>
        </p>
        <p class="muted small" style="margin:.5rem 0 0">
          Or scan the code: <code>{props.url}</code>
        </p>
      </div>
    </div>
  );
}

/** The apply section of a public page, for the templates open to applications from anyone. */
export function ApplySection(props: {
  orgSlug: string;
  /** The templates open to applications from anyone, each with its application link. */
  offers: { id: string; name: string; url: string }[];
  heading?: string;
}) {
  if (!props.offers.length) return null;
  return (
    <section aria-labelledby="apply" class="card">
      <h2 id="apply">{props.heading ?? 'Open to applications'}</h2>
      {props.offers.map((t) => (
        <ApplyOffer
          url={t.url}
          qrSrc={applyQrPath(props.orgSlug, t.id)}
          name={props.offers.length > 1 || !props.heading ? t.name : undefined}
        />
      ))}
    </section>
  );
}
