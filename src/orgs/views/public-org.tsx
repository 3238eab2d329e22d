// The public page of an issuer: who they are, their identity documents and their badges.
import type { ApplyOffer } from '../../applications/manage/listing.ts';
import { ApplySection } from '../../applications/manage/views/apply-offer.tsx';
import { EmptyState } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { Org } from '../service.ts';

export function PublicOrgPage(props: {
  ctx: PageContext;
  org: Org;
  url: string;
  did: string;
  templates: { id: string; name: string }[];
  /** The badges open to applications from anyone ("Apply for this badge" with a QR code). */
  apply?: ApplyOffer[];
}) {
  const { org } = props;
  const meta: Record<string, string> = {
    'og:type': 'website',
    'og:title': org.name,
    'og:url': props.url,
    'twitter:card': 'summary',
  };
  if (org.description) meta['og:description'] = org.description.slice(0, 300);
  if (org.hasLogo) meta['og:image'] = `${props.url}/logo`;
  // Without a logo the text takes the whole width rather than sitting beside an empty column.
  const about = (
    <div class="stack">
      <h1>{org.name}</h1>
      {org.description ? <p class="lead">{org.description}</p> : null}
      {org.website || org.contactEmail ? (
        <p>
          {org.website ? (
            <a href={org.website} rel="nofollow noopener">
              {org.website}
            </a>
          ) : null}
          {org.website && org.contactEmail ? ' · ' : null}
          {org.contactEmail ? <a href={`mailto:${org.contactEmail}`}>{org.contactEmail}</a> : null}
        </p>
      ) : null}
      <p class="muted small">
        Issuer identity: <code>{props.did}</code> · <a href={`/orgs/${org.slug}/did.json`}>DID document</a> ·{' '}
        <a href={`/orgs/${org.slug}/profile.json`}>Profile</a>
      </p>
    </div>
  );
  return (
    <Layout ctx={props.ctx} title={org.name} description={org.description?.slice(0, 300)} meta={meta}>
      {org.hasLogo ? (
        <div class="badge-hero">
          <img src={`/orgs/${org.slug}/logo`} alt={`${org.name} logo`} />
          {about}
        </div>
      ) : (
        about
      )}
      <ApplySection orgSlug={org.slug} offers={props.apply ?? []} />
      <h2>Badges</h2>
      {props.templates.length === 0 ? (
        <EmptyState title={`${org.name} has no published badges yet.`} />
      ) : (
        <ul class="grid" style="list-style:none;padding:0">
          {props.templates.map((t) => (
            <li class="badge-tile card">
              <img src={`/orgs/${org.slug}/badges/${t.id}/image.png`} alt="" />
              <a href={`/orgs/${org.slug}/badges/${t.id}`}>{t.name}</a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
