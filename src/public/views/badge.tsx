// The public badge page `/c/:id` and the frameable card `/c/:id/embed`.
import { type SafeHtml, raw } from '@laurel/jsx';
import type { Config } from '../../config.ts';
import type { PageContext } from '../../ui/layout.tsx';
import { Layout } from '../../ui/layout.tsx';
import { formatDate } from '../../ui/components.tsx';
import type { VerificationReport } from '../../verification/platform-verify.ts';
import type { BadgeView } from '../badge-view.ts';
import { OwnerNotice, RecipientCheck, StateLine, VerificationPanel } from '../components.tsx';
import { badgeUrl, slugify } from '../presenters.ts';
import { evidenceItems } from '../../issuing/credential.ts';
import { CriteriaText } from './criteria.tsx';

/** The badge itself: what it is, its state, the verification and the credential's downloads. */
export function BadgeBody(props: {
  view: BadgeView;
  report: VerificationReport;
  csrfToken: string;
  baseUrl: string;
}): SafeHtml {
  const { award, org, template } = props.view;
  const evidence = evidenceItems(award);
  return (
    <>
      <section class="badge-hero">
        <img src={`/c/${award.id}/image.png`} alt={`${template.name} badge`} width="240" height="240" />
        <div class="stack">
          <h1>{template.name}</h1>
          <p>
            Issued by <a href={`/orgs/${org.slug}`}>{org.name}</a>
            {props.view.recipientName ? <> to {props.view.recipientName}</> : null} on{' '}
            {formatDate(award.issuedAt)}.
          </p>
          <StateLine state={props.view.state} validUntil={award.validUntil} reason={award.revocationReason} />
          {award.renewedBy ? (
            <p>
              Renewed by <a href={`/c/${award.renewedBy}`}>a newer badge</a>; this one is not revoked.
            </p>
          ) : null}
          {template.description ? <p>{template.description}</p> : null}
        </div>
      </section>
      <div class="two-col">
        <div class="stack">
          <section class="card">
            <h2>Criteria</h2>
            <CriteriaText narrative={template.criteriaNarrative} url={template.criteriaUrl} />
          </section>
          {template.tags.length ? (
            <section class="card">
              <h2>Skills</h2>
              <ul class="tags">
                {template.tags.map((t) => (
                  <li>{t}</li>
                ))}
              </ul>
            </section>
          ) : null}
          {template.alignments.length ? (
            <section class="card">
              <h2>Alignments</h2>
              <ul>
                {template.alignments.map((a) => {
                  const x = a as {
                    targetName?: string;
                    targetUrl?: string;
                    targetFramework?: string;
                    targetCode?: string;
                  };
                  return (
                    <li>
                      {x.targetUrl ? (
                        <a href={x.targetUrl} rel="noopener nofollow">
                          {x.targetName ?? x.targetUrl}
                        </a>
                      ) : (
                        x.targetName
                      )}
                      {x.targetFramework
                        ? ` (${x.targetFramework}${x.targetCode ? ` ${x.targetCode}` : ''})`
                        : ''}
                    </li>
                  );
                })}
              </ul>
            </section>
          ) : null}
          {evidence.length ? (
            <section class="card">
              <h2>Evidence</h2>
              {evidence.map((e) => (
                <div>
                  {e.name ? <h3>{e.name}</h3> : null}
                  {e.description ? <p>{e.description}</p> : null}
                  {e.narrative ? <p style="white-space:pre-wrap">{e.narrative}</p> : null}
                  {e.id ? (
                    <p>
                      <a href={e.id} rel="noopener nofollow ugc">
                        {e.name && !e.narrative ? 'Open' : e.id}
                      </a>
                    </p>
                  ) : null}
                </div>
              ))}
            </section>
          ) : null}
        </div>
        <div class="stack">
          <VerificationPanel
            report={props.report}
            recipient={
              <RecipientCheck
                recipientName={props.view.recipientName}
                credentialUrl={`${props.baseUrl}/c/${award.id}.json`}
                csrfToken={props.csrfToken}
              />
            }
          />
          <section class="card">
            <h2>The credential</h2>
            <ul>
              <li>
                <a href={`/c/${award.id}.json`}>Open Badges 3.0 credential (JSON)</a>
              </li>
              <li>
                <a href={`/c/${award.id}.jwt`}>The same credential as a VC-JWT</a>
              </li>
              <li>
                <a href={`/c/${award.id}/image.png`} download={`${slugify(template.name)}.png`}>
                  Badge image with the credential baked in
                </a>{' '}
                (PNG; also as{' '}
                <a href={`/c/${award.id}/image.svg`} download={`${slugify(template.name)}.svg`}>
                  SVG
                </a>
                , or for Open Badges 2.0 backpacks as{' '}
                <a href={`/c/${award.id}/image.png?ob=2`} download={`${slugify(template.name)}-ob2.png`}>
                  PNG
                </a>{' '}
                or{' '}
                <a href={`/c/${award.id}/image.svg?ob=2`} download={`${slugify(template.name)}-ob2.svg`}>
                  SVG
                </a>
                )
              </li>
              <li>
                <a href="/verify">Verify a copy yourself</a> (upload the image or the JSON)
              </li>
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}

export function ogMeta(config: Config, view: BadgeView): Record<string, string> {
  const url = badgeUrl(config, view.award.id);
  const title = `${view.template.name} — ${view.org.name}`;
  const description =
    view.state === 'revoked'
      ? `This badge from ${view.org.name} has been revoked.`
      : view.state === 'expired'
        ? `This badge from ${view.org.name} has expired.`
        : view.template.description.slice(0, 280) || `A verifiable badge issued by ${view.org.name}.`;
  return {
    'og:title': title,
    'og:description': description,
    'og:image': `${url}/preview.png`,
    'og:image:width': '1200',
    'og:image:height': '630',
    'og:image:alt': `${view.template.name} badge`,
    'og:url': url,
    'og:type': 'website',
    'og:site_name': 'Laurel',
    'twitter:card': 'summary_large_image',
    'twitter:title': title,
    'twitter:description': description,
    'twitter:image': `${url}/preview.png`,
  };
}

export function BadgePage(props: {
  ctx: PageContext;
  config: Config;
  view: BadgeView;
  body: SafeHtml;
  walletItemId: string | null;
}) {
  const { view } = props;
  const alternate = raw(
    `<link rel="alternate" type="application/ld+json" href="/c/${view.award.id}.json">` +
      `<link rel="canonical" href="${badgeUrl(props.config, view.award.id)}">`,
  );
  const isPrivate = view.visibility.visibility !== 'public';
  return (
    <Layout
      ctx={props.ctx}
      title={`${view.template.name} — ${view.org.name}`}
      description={ogMeta(props.config, view)['og:description']}
      meta={isPrivate ? {} : ogMeta(props.config, view)}
      noindex={isPrivate || view.isOwner}
      head={alternate}
    >
      {view.isOwner ? (
        <OwnerNotice
          isPublic={!isPrivate}
          itemId={props.walletItemId ?? ''}
          link="Change its visibility and share it"
        />
      ) : null}
      {props.body}
    </Layout>
  );
}

/** A compact card for other sites' iframes: no site chrome, links open the full page. */
export function EmbedCard(props: { view: BadgeView }) {
  const { award, org, template } = props.view;
  const state = props.view.state;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        <title>{`${template.name} — ${org.name}`}</title>
        <style>
          {raw(
            'body{margin:0;font-family:system-ui,sans-serif;color:#10261f;background:#fff}' +
              '.card{box-sizing:border-box;max-width:320px;border:1px solid #d5dfdb;border-radius:12px;padding:16px;text-align:center}' +
              '.card img{width:160px;height:160px;object-fit:contain}.card h1{font-size:1.1rem;margin:.5rem 0}' +
              '.card p{margin:.3rem 0;font-size:.9rem}.s{font-weight:700}.s-valid{color:#1c6b3a}.s-expired{color:#8a5a00}.s-revoked{color:#a4262c}' +
              'a{color:#1f5c4a}',
          )}
        </style>
      </head>
      <body>
        <div class="card">
          <a href={`/c/${award.id}`} target="_blank" rel="noopener">
            <img src={`/c/${award.id}/image.png`} alt={`${template.name} badge`} />
          </a>
          <h1>
            <a href={`/c/${award.id}`} target="_blank" rel="noopener">
              {template.name}
            </a>
          </h1>
          <p>Issued by {org.name}</p>
          {props.view.recipientName ? <p>to {props.view.recipientName}</p> : null}
          <p>{formatDate(award.issuedAt)}</p>
          <p class={`s s-${state}`}>
            {state === 'valid' ? 'Verified' : state === 'expired' ? 'Expired' : 'Revoked'}
          </p>
        </div>
      </body>
    </html>
  );
}
