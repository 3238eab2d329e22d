// The earner's wallet pages: every badge (issued here and imported), one badge's detail with its
// verification, visibility, sharing and downloads, importing, and badges waiting for a decision.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { acceptPendingAward, declineOwnAward, declinePendingAward } from '../claims/service.ts';
import { userOf } from '../http/access.ts';
import { pageContext } from '../http/auth.ts';
import type { App, AppContext, CurrentUser } from '../http/context.ts';
import { type FormFailure, fieldFailure, formFailure, formRoute, readForm } from '../http/forms.ts';
import { isUploadedFile } from '../http/multipart.ts';
import { FormBody, FormFlag, FormText, QueryFlag, Uuid } from '../http/schemas.ts';
import type { Award } from '../issuing/service.ts';
import { awardReport, loadBadgeView } from '../public/badge-view.ts';
import { showNameChosen } from '../public/components.tsx';
import type { VerificationReport } from '../verification/platform-verify.ts';
import { MAX_IMPORT_BYTES, currentReport, importBadge } from './import.ts';
import { pendingBadges } from './pending.ts';
import { declineRefused, maySeeItem } from './policy.ts';
import { importedShareOf, walletEntries } from './presenters.ts';
import {
  type WalletItem,
  deleteImportedItem,
  getOwnItem,
  getWalletItem,
  itemImage,
  setShowRecipientName,
  setVisibility,
} from './service.ts';
import { ImportPage } from './views/import.tsx';
import { renewalOffer } from '../applications/apply/renewal.ts';
import { ItemPage } from './views/item.tsx';
import { WalletList } from './views/list.tsx';

const ItemParams = Type.Object({ itemId: Uuid });
const AwardParams = Type.Object({ id: Uuid });
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  issuer: Type.Optional(Type.String({ maxLength: 300 })),
  state: Type.Optional(Type.String({ maxLength: 20 })),
  visibility: Type.Optional(Type.String({ maxLength: 20 })),
  declined: QueryFlag,
});
const DetailQuery = Type.Object({ accepted: QueryFlag, imported: QueryFlag, saved: QueryFlag });

const ImportForm = FormBody({
  // Bounded by the upload's own text limit, so an over-long paste is refused by the import's rule.
  text: FormText({ maxLength: MAX_IMPORT_BYTES + 64 * 1024 }),
  file: Type.Optional(Type.Unknown()),
});
const VisibilityForm = FormBody({
  visibility: Type.Union([Type.Literal('public'), Type.Literal('private')], {
    'x-message': 'Choose public or private.',
  }),
});
const ShowNameForm = FormBody({ show: FormText({ maxLength: 10 }) });
const ConfirmForm = FormBody({ confirm: FormText({ maxLength: 10 }) });
const AcceptForm = FormBody({ showName: FormFlag });

export function walletPages(app: App, ctx: AppContext) {
  const renderItem = async (
    request: FastifyRequest,
    reply: FastifyReply,
    user: CurrentUser,
    item: WalletItem,
    extra: { notice?: string; failure?: FormFailure } = {},
  ) => {
    let award: Award | null = null;
    let report: VerificationReport | null = null;
    let checkedAt: Date | null = null;
    if (item.awardId) {
      const view = await loadBadgeView(ctx, item.awardId, user.id);
      award = view?.award ?? null;
      if (view && award)
        report = await awardReport(ctx, award, { statusListVersion: view.statusListVersion });
    } else ({ report, checkedAt } = await currentReport(ctx, item));
    const importedShare =
      !item.awardId && item.visibility === 'public' && user.handle
        ? await importedShareOf(ctx, item, user.handle, report)
        : null;
    reply.header('cache-control', 'private, no-store');
    return reply.html(
      <ItemPage
        ctx={pageContext(request)}
        baseUrl={ctx.config.baseUrl}
        item={item}
        award={award}
        report={report}
        checkedAt={checkedAt}
        importedShare={importedShare}
        renewal={award?.validUntil && !award.renewedBy ? await renewalOffer(ctx.db, award.id) : null}
        notice={extra.notice}
        errors={extra.failure?.errors}
      />,
      extra.failure?.status ?? 200,
    );
  };

  app.get(
    '/wallet',
    { config: { access: 'user' }, schema: { hide: true, querystring: ListQuery } },
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

  app.get('/wallet/import', { config: { access: 'user' }, schema: { hide: true } }, async (request, reply) =>
    reply.html(<ImportPage ctx={pageContext(request)} />),
  );

  // Each import verifies (and may fetch a URL): bounded per client like the public verifier.
  app.post(
    '/wallet/import',
    {
      ...formRoute(ImportForm),
      config: {
        access: 'user',
        rateLimit: { max: 20, timeWindow: '1 minute' },
        upload: {
          fileBytes: MAX_IMPORT_BYTES,
          files: 1,
          textBytes: MAX_IMPORT_BYTES + 64 * 1024,
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request);
      const form = readForm(request, ImportForm);
      const file = isUploadedFile(form.values.file) ? form.values.file : undefined;
      const pasted = form.values.text;
      const again = (failure: FormFailure) =>
        reply.html(
          <ImportPage
            ctx={pageContext(request)}
            error={failure.message}
            errors={failure.errors.filter((f) => f.message !== failure.message)}
            text={file ? '' : pasted.slice(0, 100_000)}
          />,
          failure.status,
        );
      if (!form.ok) return again(form.failure);
      try {
        const item = await importBadge(
          ctx,
          user.id,
          file ? { file: new Uint8Array(file.data) } : { text: pasted },
        );
        return reply.redirect(`/wallet/${item.id}?imported=1`, 303);
      } catch (e) {
        return again(formFailure(e));
      }
    },
  );

  app.get(
    '/wallet/:itemId',
    { config: { access: 'user' }, schema: { hide: true, params: ItemParams, querystring: DetailQuery } },
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

  app.get(
    '/wallet/:itemId/image',
    { config: { access: 'public' }, schema: { hide: true, params: ItemParams } },
    async (request, reply) => {
      const item = await getWalletItem(ctx.db, request.params.itemId);
      if (!item || !maySeeItem(item, request.user?.id ?? null)) return reply.callNotFound();
      const image = await itemImage(ctx.db, item.id);
      if (!image) return reply.callNotFound();
      return reply
        .type(image.type)
        .header('cache-control', item.visibility === 'public' ? 'no-cache' : 'private, no-store')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
        .send(image.data);
    },
  );

  app.get(
    '/wallet/:itemId/credential',
    { config: { access: 'user' }, schema: { hide: true, params: ItemParams } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
      if (!item.credentialText) return reply.callNotFound();
      const type = item.credentialText.startsWith('{') ? 'application/ld+json' : 'text/plain; charset=utf-8';
      return reply.type(type).header('cache-control', 'private, no-store').send(item.credentialText);
    },
  );

  app.post(
    '/wallet/:itemId/visibility',
    { ...formRoute(VisibilityForm, { params: ItemParams }), config: { access: 'user' } },
    async (request, reply) => {
      const user = userOf(request);
      const form = readForm(request, VisibilityForm);
      if (!form.ok) {
        const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
        return renderItem(request, reply, user, item, { failure: form.failure });
      }
      const visibility = form.values.visibility === 'public' ? 'public' : 'private';
      const item = await setVisibility(ctx.db, user.id, request.params.itemId, visibility);
      return reply.redirect(`/wallet/${item.id}?saved=1`, 303);
    },
  );

  app.post(
    '/wallet/:itemId/recipient-name',
    { ...formRoute(ShowNameForm, { params: ItemParams }), config: { access: 'user' } },
    async (request, reply) => {
      const user = userOf(request);
      const form = readForm(request, ShowNameForm);
      const show = form.values.show === 'yes';
      const item = await setShowRecipientName(ctx.db, user.id, request.params.itemId, show);
      return reply.redirect(`/wallet/${item.id}?saved=1`, 303);
    },
  );

  // Declining an accepted badge and removing an imported one both ask for a confirmation first.
  const confirmed = (path: string, message: string, act: (userId: string, itemId: string) => Promise<void>) =>
    app.post(
      path,
      { ...formRoute(ConfirmForm, { params: ItemParams }), config: { access: 'user' } },
      async (request, reply) => {
        const user = userOf(request);
        const item = await getOwnItem(ctx.db, user.id, request.params.itemId);
        if (readForm(request, ConfirmForm).values.confirm !== 'yes')
          return renderItem(request, reply, user, item, { failure: fieldFailure('confirm', message) });
        await act(user.id, item.id);
        return reply.redirect('/wallet', 303);
      },
    );
  confirmed('/wallet/:itemId/decline', 'Confirm to decline.', (userId, itemId) =>
    declineOwnAward(ctx, userId, itemId),
  );
  confirmed('/wallet/:itemId/delete', 'Confirm to remove.', (userId, itemId) =>
    deleteImportedItem(ctx.db, userId, itemId),
  );

  // A waiting badge, accepted or declined from the list: through the claim service, bound to
  // the award and the account's confirmed addresses.
  app.post(
    '/wallet/pending/:id/accept',
    { ...formRoute(AcceptForm, { params: AwardParams }), config: { access: 'user' } },
    async (request, reply) => {
      const user = userOf(request);
      const item = await acceptPendingAward(ctx, request.params.id, user.id);
      const show = showNameChosen(readForm(request, AcceptForm).values);
      await setShowRecipientName(ctx.db, user.id, item.id, show);
      return reply.redirect(`/wallet/${item.id}?accepted=1`, 303);
    },
  );

  app.post(
    '/wallet/pending/:id/decline',
    { ...formRoute(ConfirmForm, { params: AwardParams }), config: { access: 'user' } },
    async (request, reply) => {
      const user = userOf(request);
      if (readForm(request, ConfirmForm).values.confirm !== 'yes') throw declineRefused();
      await declinePendingAward(ctx, request.params.id, user.id);
      return reply.redirect('/wallet?declined=1', 303);
    },
  );
}
