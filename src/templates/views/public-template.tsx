import type { ApplyOffer } from '../../applications/manage/listing.ts';
import { ApplySection } from '../../applications/manage/views/apply-offer.tsx';
import type { Org } from '../../orgs/service.ts';
import { Pill, formatDate } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { Template } from '../service.ts';

/** The expiry policy in words, for people deciding whether the badge is worth earning. */
function validityOf(e: Template['expiry']): string {
  if (e.kind === 'months' && e.months)
    return `For ${e.months} month${e.months === 1 ? '' : 's'} after it is issued`;
  if (e.kind === 'date' && e.date) return `Until ${formatDate(e.date)}`;
  return 'Does not expire';
}

export function PublicTemplatePage(props: {
  ctx: PageContext;
  org: Org;
  template: Template;
  url: string;
  did: string;
  /** "Apply for this badge", while it is open to applications from anyone. */
  apply?: ApplyOffer[];
}) {
  const { org, template: t } = props;
  const meta: Record<string, string> = {
    'og:type': 'website',
    'og:title': t.name,
    'og:description': t.description.slice(0, 300),
    'og:url': props.url,
    'og:image': `${props.url}/image.png`,
    'og:image:alt': t.name,
    'twitter:card': 'summary',
  };
  return (
    <Layout
      ctx={props.ctx}
      title={`${t.name} — ${org.name}`}
      description={t.description.slice(0, 300)}
      meta={meta}
    >
      <div class="badge-hero">
        <img src={`/orgs/${org.slug}/badges/${t.id}/image.png`} alt={t.name} />
        <div class="stack">
          <h1>{t.name}</h1>
          <p>
            Issued by <a href={`/orgs/${org.slug}`}>{org.name}</a>
            {t.status === 'archived' ? (
              <>
                {' '}
                · <Pill>no longer issued</Pill>
              </>
            ) : null}
          </p>
          <p class="lead">{t.description}</p>
          {t.tags.length ? (
            <ul class="tags" aria-label="Skills">
              {t.tags.map((tag) => (
                <li>{tag}</li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
      <ApplySection orgSlug={org.slug} offers={props.apply ?? []} heading="Apply for this badge" />
      <section aria-labelledby="criteria">
        <h2 id="criteria">Criteria</h2>
        <p style="white-space:pre-line">{t.criteriaNarrative}</p>
        {t.criteriaUrl ? (
          <p>
            <a href={t.criteriaUrl} rel="nofollow noopener">
              More about the criteria
            </a>
          </p>
        ) : null}
      </section>
      {t.alignments.length ? (
        <section aria-labelledby="alignments">
          <h2 id="alignments">Alignments</h2>
          <ul>
            {t.alignments.map((a) => (
              <li>
                <a href={a.targetUrl} rel="nofollow noopener">
                  {a.targetName}
                </a>
                {a.targetFramework ? ` (${a.targetFramework}${a.targetCode ? ` ${a.targetCode}` : ''})` : ''}
                {a.targetDescription ? <span class="muted"> — {a.targetDescription}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <dl class="facts">
        <dt>Type</dt>
        <dd>{t.achievementType}</dd>
        {t.level ? (
          <>
            <dt>Level</dt>
            <dd>{t.level}</dd>
          </>
        ) : null}
        {t.creditsAvailable !== null ? (
          <>
            <dt>Credits</dt>
            <dd>{String(t.creditsAvailable)}</dd>
          </>
        ) : null}
        <dt>Valid</dt>
        <dd>{validityOf(t.expiry)}</dd>
        <dt>Issuer identity</dt>
        <dd>
          <code>{props.did}</code>
        </dd>
      </dl>
      <p class="muted small">
        Machine-readable: <a href={`${props.url}/achievement.json`}>Open Badges 3.0 Achievement</a> ·{' '}
        <a href={`${props.url}/badgeclass.json`}>Open Badges 2.0 BadgeClass</a>
      </p>
    </Layout>
  );
}
