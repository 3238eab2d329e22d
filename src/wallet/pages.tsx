// The earner's wallet: every badge (issued here and imported), one badge's detail with its
// verification, visibility, sharing and downloads, and importing.
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { declineOwnAward } from '../claims/service.ts';
import { type FieldError, LaurelError } from '../errors.ts';
import { userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { AppContext, CurrentUser } from '../http/context.ts';
import { isUploadedFile } from '../http/multipart.ts';
import { type Award, listAwardsForUser } from '../issuing/service.ts';
import { awardReport, badgeState, loadBadgeView } from '../public/badge-view.ts';
import type { BadgeState } from '../public/badge-view.ts';
import {
  BadgePlaceholder,
  StateLine,
  VerificationPanel,
  importedBadgePath,
  importedBadgeUrl,
  reportState,
} from '../public/components.tsx';
import {
  type Network,
  type ShareableBadge,
  embedSnippet,
  linkedInAddToProfileUrl,
  qrSvg,
  shareTargetUrl,
  shareableAward,
  signatureSnippet,
} from '../sharing/links.ts';
import {
  Alert,
  CsrfField,
  EmptyState,
  FormErrors,
  PageHeader,
  Pill,
  Select,
  formatDate,
  UploadForm,
} from '../ui/components.tsx';
import { Layout, type PageContext } from '../ui/layout.tsx';
import type { VerificationReport } from '../verification/platform-verify.ts';
import { MAX_IMPORT_BYTES, MAX_IMPORT_MB, credentialIdOf, currentReport, importBadge } from './import.ts';
import { type PendingBadge, pendingBadges } from './pending.ts';
import { PendingSection } from './pending-view.tsx';
import {
  type WalletItem,
  deleteImportedItem,
  getOwnItem,
  getWalletItem,
  itemImage,
  listWalletItems,
  setShowRecipientName,
  setVisibility,
} from './service.ts';

const FormBody = Type.Object(
  {},
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String()), Type.Any()]) },
);
const ItemParams = Type.Object({ itemId: Type.String({ maxLength: 64 }) });
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  issuer: Type.Optional(Type.String({ maxLength: 300 })),
  state: Type.Optional(Type.String({ maxLength: 20 })),
  visibility: Type.Optional(Type.String({ maxLength: 20 })),
  declined: Type.Optional(Type.String({ maxLength: 4 })),
});
const DetailQuery = Type.Object({
  accepted: Type.Optional(Type.String({ maxLength: 4 })),
  imported: Type.Optional(Type.String({ maxLength: 4 })),
  saved: Type.Optional(Type.String({ maxLength: 4 })),
});
const hidden = { hide: true };

type ItemState = BadgeState | 'unverified';

export interface WalletEntry {
  item: WalletItem;
  award: Award | null;
  state: ItemState;
}

/** Every item of a wallet with its current state (issued: from the award; imported: from the last report). */
export async function walletEntries(ctx: AppContext, userId: string): Promise<WalletEntry[]> {
  const [items, awards] = await Promise.all([
    listWalletItems(ctx.db, userId),
    listAwardsForUser(ctx.db, userId),
  ]);
  const byId = new Map(awards.map((a) => [a.id, a]));
  return items.map((item) => {
    const award = item.awardId ? (byId.get(item.awardId) ?? null) : null;
    let state: ItemState;
    if (award) state = badgeState(award);
    else {
      state = reportState(item.lastReport as VerificationReport | null);
      if (state === 'valid' && item.validUntil && item.validUntil < new Date()) state = 'expired';
    }
    return { item, award, state };
  });
}

const STATE_PILL: Record<ItemState, ['ok' | 'warn' | 'bad', string]> = {
  valid: ['ok', 'Valid'],
  expired: ['warn', 'Expired'],
  revoked: ['bad', 'Revoked'],
  unverified: ['warn', 'Not verified'],
};

export const itemImageSrc = (item: WalletItem) =>
  item.awardId ? `/c/${item.awardId}/image.png` : item.hasImage ? `/wallet/${item.id}/image` : null;

function WalletList(props: {
  ctx: PageContext;
  entries: WalletEntry[];
  shown: WalletEntry[];
  pending: PendingBadge[];
  query: { q?: string; issuer?: string; state?: string; visibility?: string; declined?: string };
}) {
  const issuers = [...new Set(props.entries.map((e) => e.item.issuerName))].sort();
  return (
    <Layout ctx={props.ctx} title="My badges" section="wallet" noindex>
      <PageHeader
        title="My badges"
        lead="Badges you accepted here and badges you imported. Each one is private until you make it public."
        actions={
          <a class="button" href="/wallet/import">
            Import a badge
          </a>
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
        <Select
          name="issuer"
          label="Issuer"
          value={props.query.issuer ?? ''}
          options={[{ value: '', label: 'All issuers' }, ...issuers.map((i) => ({ value: i, label: i }))]}
        />
        <Select
          name="state"
          label="State"
          value={props.query.state ?? ''}
          options={[
            { value: '', label: 'Any state' },
            { value: 'valid', label: 'Valid' },
            { value: 'expired', label: 'Expired' },
            { value: 'revoked', label: 'Revoked' },
            { value: 'unverified', label: 'Not verified' },
          ]}
        />
        <Select
          name="visibility"
          label="Visibility"
          value={props.query.visibility ?? ''}
          options={[
            { value: '', label: 'Public and private' },
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
                  <img src={src} alt="" width="140" height="140" />
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

type ShareTarget = 'linkedin-profile' | Network;

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
function SharePanel(props: { badge: ShareableBadge; href: (target: ShareTarget) => string; qrSrc: string }) {
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

/** What an imported badge shares once public (built before rendering: the QR code is made asynchronously). */
export interface ImportedShare {
  badge: ShareableBadge;
  qrSrc: string;
}

function ItemPage(props: {
  ctx: PageContext;
  app: AppContext;
  item: WalletItem;
  award: Award | null;
  report: VerificationReport | null;
  /** When an imported badge's report ran. */
  checkedAt: Date | null;
  /** Set for a public imported badge with a public address. */
  importedShare: ImportedShare | null;
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
    ? shareableAward(props.app.config.baseUrl, award, {
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
          <p>
            <Pill kind={isPublic ? 'ok' : 'neutral'}>{isPublic ? 'Public' : 'Private'}</Pill>{' '}
            {isPublic ? (
              award ? (
                'Anyone with the address can see it, and it shows on your public profile when that is public.'
              ) : props.ctx.user?.handle ? (
                <>
                  Anyone with its address can see it, at{' '}
                  <a href={importedBadgePath(props.ctx.user.handle, item.id)}>
                    {importedBadgeUrl(props.app.config.baseUrl, props.ctx.user.handle, item.id)}
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

function ImportPage(props: { ctx: PageContext; error?: string; errors?: FieldError[]; text?: string }) {
  return (
    <Layout ctx={props.ctx} title="Import a badge" section="wallet" noindex>
      <PageHeader
        title="Import a badge"
        breadcrumbs={[['/wallet', 'My badges']]}
        lead="Bring a badge you earned elsewhere: it is verified, checked against your confirmed email addresses, and added to your wallet as private."
      />
      <FormErrors message={props.error} errors={props.errors} />
      <UploadForm action="/wallet/import" csrfToken={props.ctx.csrfToken} class="card stack form-narrow">
        <div class={`field${props.errors?.length ? ' has-error' : ''}`} id="f-badge">
          <label for="f-file">Badge file</label>
          <input
            id="f-file"
            name="file"
            type="file"
            accept=".png,.svg,.json,.jwt,.txt,image/png,image/svg+xml,application/json"
          />
          <p class="hint">A baked PNG or SVG image, or a JSON or JWT file, at most {MAX_IMPORT_MB} MB.</p>
        </div>
        <div class="field">
          <label for="f-text">Or paste a badge URL, credential JSON or JWT</label>
          <textarea id="f-text" name="text" rows={6} maxlength={5_000_000}>
            {props.text ?? ''}
          </textarea>
        </div>
        <div class="form-actions">
          <button type="submit" class="button">
            Verify and import
          </button>
          <a href="/wallet">Cancel</a>
        </div>
      </UploadForm>
    </Layout>
  );
}

const text = (body: unknown, name: string) => {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.trim() : '';
};

async function importedShareOf(
  ctx: AppContext,
  item: WalletItem,
  handle: string,
  report: VerificationReport | null,
): Promise<ImportedShare> {
  const url = importedBadgeUrl(ctx.config.baseUrl, handle, item.id);
  const badge: ShareableBadge = {
    url,
    credentialId: credentialIdOf(item.credentialText ?? '') ?? url,
    badgeName: item.badgeName,
    issuerName: item.issuerName,
    linkedinOrgId: null,
    issuedAt: report?.validFrom ? new Date(report.validFrom) : item.addedAt,
    validUntil: item.validUntil,
    // Served to anyone while the badge is public; no frameable card exists for imported badges.
    imageUrl: item.hasImage ? `${ctx.config.baseUrl}/wallet/${item.id}/image` : null,
    cardUrl: null,
  };
  const svg = await qrSvg(url);
  return { badge, qrSrc: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

export function walletPages(app: FastifyInstance, ctx: AppContext) {
  const renderItem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: CurrentUser,
    item: WalletItem,
    extra: { notice?: string; errors?: FieldError[] } = {},
    status = 200,
  ) => {
    let award: Award | null = null;
    let report: VerificationReport | null = null;
    let checkedAt: Date | null = null;
    if (item.awardId) {
      const view = await loadBadgeView(ctx, item.awardId, user.id);
      award = view?.award ?? null;
      if (award) report = await awardReport(ctx, award);
    } else ({ report, checkedAt } = await currentReport(ctx, item));
    const importedShare =
      !item.awardId && item.visibility === 'public' && user.handle
        ? await importedShareOf(ctx, item, user.handle, report)
        : null;
    reply.header('cache-control', 'private, no-store');
    return reply.html(
      <ItemPage
        ctx={pageContext(request)}
        app={ctx}
        item={item}
        award={award}
        report={report}
        checkedAt={checkedAt}
        importedShare={importedShare}
        {...extra}
      />,
      status,
    );
  };

  app.get<{
    Querystring: { q?: string; issuer?: string; state?: string; visibility?: string; declined?: string };
  }>(
    '/wallet',
    { config: { access: 'user' }, schema: { ...hidden, querystring: ListQuery } },
    async (request, reply) => {
      const user = userOf(request);
      const [entries, pending] = await Promise.all([
        walletEntries(ctx, user.id),
        pendingBadges(ctx, user.id),
      ]);
      const { q, issuer, state, visibility } = request.query;
      const needle = q?.trim().toLowerCase();
      const shown = entries.filter(
        (e) =>
          (!needle ||
            e.item.badgeName.toLowerCase().includes(needle) ||
            e.item.issuerName.toLowerCase().includes(needle) ||
            (e.item.badgeDescription ?? '').toLowerCase().includes(needle)) &&
          (!issuer || e.item.issuerName === issuer) &&
          (!state || e.state === state) &&
          (!visibility || e.item.visibility === visibility),
      );
      reply.header('cache-control', 'private, no-store');
      return reply.html(
        <WalletList
          ctx={pageContext(request)}
          entries={entries}
          shown={shown}
          pending={pending}
          query={request.query}
        />,
      );
    },
  );

  app.get('/wallet/import', { config: { access: 'user' }, schema: hidden }, async (request, reply) => {
    userOf(request);
    return reply.html(<ImportPage ctx={pageContext(request)} />);
  });

  // Each import verifies (and may fetch a URL): bounded per client like the public verifier.
  app.post(
    '/wallet/import',
    {
      schema: { ...hidden, body: FormBody },
      config: {
        access: 'user',
        rateLimit: { max: 20, timeWindow: '1 minute' },
        upload: {
          fileBytes: MAX_IMPORT_BYTES,
          files: 1,
          textBytes: MAX_IMPORT_BYTES + 64 * 1024,
        },
      } as FastifyContextConfig,
    },
    async (request, reply) => {
      const user = userOf(request);
      const body = request.body as Record<string, unknown>;
      const file = isUploadedFile(body.file) ? body.file : undefined;
      const pasted = text(body, 'text');
      try {
        const item = await importBadge(
          ctx,
          user.id,
          file ? { file: new Uint8Array(file.data) } : { text: pasted },
        );
        return reply.redirect(`/wallet/${item.id}?imported=1`, 303);
      } catch (e) {
        if (!(e instanceof LaurelError) || !['INVALID', 'CONFLICT', 'TOO_LARGE'].includes(e.code)) throw e;
        const status = e.code === 'INVALID' ? 422 : e.code === 'CONFLICT' ? 409 : 413;
        return reply.html(
          <ImportPage
            ctx={pageContext(request)}
            error={e.message}
            errors={e.fields.filter((f) => f.message !== e.message)}
            text={file ? '' : pasted.slice(0, 100_000)}
          />,
          status,
        );
      }
    },
  );

  app.get<{
    Params: { itemId: string };
    Querystring: { accepted?: string; imported?: string; saved?: string };
  }>(
    '/wallet/:itemId',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams, querystring: DetailQuery } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
      const q = request.query;
      const notice = q.accepted
        ? 'The badge is in your wallet. It is private: make it public to share it and show it on your profile.'
        : q.imported
          ? 'The badge was verified and imported. It is private until you make it public.'
          : q.saved
            ? 'Saved.'
            : undefined;
      return renderItem(request, reply, user, item, { notice });
    },
  );

  // The stored image of an imported badge: its owner always, others only while it is public.
  app.get<{ Params: { itemId: string } }>(
    '/wallet/:itemId/image',
    { config: { access: 'public' }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const item = await getWalletItem(ctx.db, request.params.itemId);
      if (!item || (item.visibility !== 'public' && item.userId !== request.user?.id))
        return reply.callNotFound();
      const image = await itemImage(ctx.db, item.id);
      if (!image) return reply.callNotFound();
      return reply
        .type(image.type)
        .header('cache-control', item.visibility === 'public' ? 'no-cache' : 'private, no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(image.data);
    },
  );

  app.get<{ Params: { itemId: string } }>(
    '/wallet/:itemId/credential',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
      if (!item.credentialText) return reply.callNotFound();
      const type = item.credentialText.startsWith('{') ? 'application/ld+json' : 'text/plain; charset=utf-8';
      return reply.type(type).header('cache-control', 'private, no-store').send(item.credentialText);
    },
  );

  app.post<{ Params: { itemId: string } }>(
    '/wallet/:itemId/visibility',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      const value = text(request.body, 'visibility');
      if (value !== 'public' && value !== 'private')
        throw new LaurelError('INVALID', 'Choose public or private.');
      const item = await setVisibility(ctx.db, user.id, request.params.itemId, value);
      return reply.redirect(`/wallet/${item.id}?saved=1`, 303);
    },
  );

  app.post<{ Params: { itemId: string } }>(
    '/wallet/:itemId/recipient-name',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await setShowRecipientName(
        ctx.db,
        user.id,
        request.params.itemId,
        text(request.body, 'show') === 'yes',
      );
      return reply.redirect(`/wallet/${item.id}?saved=1`, 303);
    },
  );

  app.post<{ Params: { itemId: string } }>(
    '/wallet/:itemId/decline',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
      if (text(request.body, 'confirm') !== 'yes')
        return renderItem(
          request,
          reply,
          user,
          item,
          { errors: [{ field: 'confirm', message: 'Confirm to decline.' }] },
          422,
        );
      await declineOwnAward(ctx, user.id, item.id);
      return reply.redirect('/wallet', 303);
    },
  );

  app.post<{ Params: { itemId: string } }>(
    '/wallet/:itemId/delete',
    { config: { access: 'user' }, schema: { ...hidden, params: ItemParams, body: FormBody } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
      if (text(request.body, 'confirm') !== 'yes')
        return renderItem(
          request,
          reply,
          user,
          item,
          { errors: [{ field: 'confirm', message: 'Confirm to remove.' }] },
          422,
        );
      await deleteImportedItem(ctx.db, user.id, item.id);
      return reply.redirect('/wallet', 303);
    },
  );
}
