// Sharing a public badge from the wallet: network links, embed and signature snippets, QR code.
import { type Network, type ShareableBadge, embedSnippet, signatureSnippet } from '../../sharing/links.ts';

export type ShareTarget = 'linkedin-profile' | Network;

/** A read-only HTML snippet with a copy button. */
function Snippet(props: { id: string; label: string; rows: number; text: string }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <textarea id={props.id} class="snippet" rows={props.rows} readonly>
        {props.text}
      </textarea>
      <button type="button" class="button small" data-copy={`#${props.id}`}>
        Copy
      </button>
    </div>
  );
}

/**
 * The share links, snippets and QR code of a public badge. A badge issued here shares through
 * /c/:id/share/… so its issuer can count the shares; an imported one links straight to the network.
 */
export function SharePanel(props: {
  badge: ShareableBadge;
  href: (target: ShareTarget) => string;
  qrSrc: string;
}) {
  const url = props.badge.url;
  const share = (target: ShareTarget, label: string) => (
    <li>
      <a href={props.href(target)} rel="noopener" target="_blank">
        {label}
      </a>
    </li>
  );
  return (
    <section class="card stack" aria-labelledby="share-title">
      <h2 id="share-title">Share</h2>
      <p>
        Public address: <a href={url}>{url}</a>
      </p>
      <ul>
        {share('linkedin-profile', 'Add to your LinkedIn profile (Licenses & certifications)')}
        {share('linkedin', 'Post on LinkedIn')}
        {share('x', 'Post on X')}
        {share('facebook', 'Share on Facebook')}
        {share('email', 'Send by email')}
      </ul>
      <Snippet id="embed-snippet" label="Embed on a web page" rows={4} text={embedSnippet(props.badge)} />
      <Snippet
        id="signature-snippet"
        label="Email signature (HTML)"
        rows={3}
        text={signatureSnippet(props.badge)}
      />
      <figure>
        <img src={props.qrSrc} alt={`QR code of ${url}`} width="160" height="160" />
        <figcaption class="muted small">
          QR code of the public address.{' '}
          <a href={props.qrSrc} download="badge-qr.svg">
            Download
          </a>
        </figcaption>
      </figure>
    </section>
  );
}
