// The wallet's list: every badge with its state and visibility, filters, and the badges waiting.
import { BadgePlaceholder } from '../../public/components.tsx';
import { Alert, EmptyState, FilterSelect, PageHeader, Pill } from '../../ui/components.tsx';
import { Layout, type PageContext } from '../../ui/layout.tsx';
import type { PendingBadge } from '../pending.ts';
import { type ItemState, type WalletEntry, itemImageSrc } from '../presenters.ts';
import { PendingSection } from './pending.tsx';

export interface ListFilters {
  q?: string;
  issuer?: string;
  state?: string;
  visibility?: string;
  declined?: string;
}

const STATE_PILL: Record<ItemState, ['ok' | 'warn' | 'bad', string]> = {
  valid: ['ok', 'Valid'],
  expired: ['warn', 'Expired'],
  revoked: ['bad', 'Revoked'],
  unverified: ['warn', 'Not verified'],
};

export function WalletList(props: {
  ctx: PageContext;
  entries: WalletEntry[];
  shown: WalletEntry[];
  pending: PendingBadge[];
  query: ListFilters;
}) {
  const issuers = [...new Set(props.entries.map((e) => e.item.issuerName))].sort();
  return (
    <Layout ctx={props.ctx} title="My badges" section="wallet" noindex>
      <PageHeader
        title="My badges"
        lead="Badges you accepted here and badges you imported. Each one is private until you make it public."
        actions={
          <>
            <a class="button secondary" href="/applications">
              My applications
            </a>
            <a class="button" href="/wallet/import">
              Import a badge
            </a>
          </>
        }
      />
      {props.query.declined ? (
        <Alert kind="success">
          The badge was declined: it is revoked, and your name and address are deleted from it.
        </Alert>
      ) : null}
      <PendingSection badges={props.pending} csrfToken={props.ctx.csrfToken} />
      <form method="get" action="/wallet" class="card row" aria-label="Filter badges">
        <div class="field">
          <label for="f-q">Search</label>
          <input id="f-q" name="q" type="search" value={props.query.q ?? ''} maxlength="200" />
        </div>
        <FilterSelect
          name="issuer"
          label="Issuer"
          value={props.query.issuer}
          all="All issuers"
          options={issuers.map((i) => ({ value: i, label: i }))}
        />
        <FilterSelect
          name="state"
          label="State"
          value={props.query.state}
          all="Any state"
          options={Object.entries(STATE_PILL).map(([value, [, label]]) => ({ value, label }))}
        />
        <FilterSelect
          name="visibility"
          label="Visibility"
          value={props.query.visibility}
          all="Public and private"
          options={[
            { value: 'public', label: 'Public' },
            { value: 'private', label: 'Private' },
          ]}
        />
        <div class="form-actions">
          <button type="submit" class="button">
            Filter
          </button>
        </div>
      </form>
      {props.entries.length === 0 && props.pending.length > 0 ? (
        <EmptyState title="Nothing accepted yet">
          <p>
            Accept a badge waiting above to keep it here, or <a href="/wallet/import">import a badge</a> you
            earned elsewhere.
          </p>
        </EmptyState>
      ) : props.entries.length === 0 ? (
        <EmptyState title="No badges yet">
          <p>
            When an organization awards you a badge, the email it sends has a link to claim it. You can also{' '}
            <a href="/wallet/import">import a badge</a> you earned elsewhere.
          </p>
        </EmptyState>
      ) : props.shown.length === 0 ? (
        <EmptyState title="No badge matches these filters" />
      ) : (
        <ul class="grid" aria-label="Badges">
          {props.shown.map(({ item, state }) => {
            const src = itemImageSrc(item);
            const [kind, label] = STATE_PILL[state];
            return (
              <li class="card badge-tile">
                {src ? (
                  // Only the images scrolled to are fetched: a wallet of 200 is not 200 requests at once.
                  <img src={src} alt="" width="140" height="140" loading="lazy" decoding="async" />
                ) : (
                  <BadgePlaceholder name={item.badgeName} size={140} />
                )}
                <a href={`/wallet/${item.id}`}>
                  <strong>{item.badgeName}</strong>
                </a>
                <span class="muted">{item.issuerName}</span>
                <span>
                  <Pill kind={kind}>{label}</Pill>{' '}
                  <Pill kind="neutral">{item.visibility === 'public' ? 'Public' : 'Private'}</Pill>{' '}
                  {item.awardId ? null : <Pill kind="neutral">Imported</Pill>}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </Layout>
  );
}
