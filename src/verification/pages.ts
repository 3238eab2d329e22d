// The public verifier's form at /verify (works without JavaScript).
import type { VerificationReport } from '@laurel/openbadges/verify';
import { unreadableStep } from '@laurel/openbadges/verify';
import { LaurelError } from '../errors.ts';
import { pageContext } from '../http/auth.ts';
import type { App } from '../http/context.ts';
import { formRoute, readForm } from '../http/forms.ts';
import {
  checkInputLimits,
  MAX_VERIFY_BYTES,
  refusalStatus,
  tooLarge,
  type VerifyRequestInput,
} from './input.ts';
import { publicVerifier, spendBudget, verifyCharged } from './public-verifier.ts';
import { refusalOf, sendRefusal } from './refusals.ts';
import { formInput } from './request-input.ts';
import { VerifyForm } from './schemas.ts';
import type { VerificationContext } from './settings.ts';
import { VerifyPage, VerifyResultPage } from './views/verify.tsx';

export function verificationPages(app: App, ctx: VerificationContext): void {
  app.get('/verify', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    reply.html(VerifyPage({ ctx: pageContext(request) })),
  );

  app.post(
    '/verify',
    {
      ...formRoute(VerifyForm),
      onRequest: spendBudget(ctx),
      config: {
        access: 'public',
        // Room for the pasted text (up to the same size as a file) beside the small fields.
        upload: {
          fileBytes: MAX_VERIFY_BYTES,
          files: 1,
          textBytes: MAX_VERIFY_BYTES + 64 * 1024,
        },
      },
    },
    async (request, reply) => {
      const form = readForm(request, VerifyForm);
      const { text } = form.values;
      // What the form shows again after an error (a huge paste is not echoed back).
      const keep = {
        text: text && text.length <= 100_000 ? text : undefined,
        recipientEmail: form.values.recipientEmail || undefined,
        followRefresh: form.values.followRefresh === 'on',
      };
      const { limits } = publicVerifier(ctx).settings;
      let input: VerifyRequestInput;
      try {
        if (!form.ok) {
          if (text.length > MAX_VERIFY_BYTES) throw tooLarge();
          throw new LaurelError('INVALID', 'The form could not be read. Check the fields and try again.');
        }
        input = formInput(form.values);
        checkInputLimits(input.value, limits);
      } catch (e) {
        const refusal = refusalOf(e);
        if (refusal) return sendRefusal(request, reply, refusal, keep);
        if (!(e instanceof LaurelError)) throw e;
        const status = e.code === 'TOO_LARGE' ? 413 : 422;
        const message = e.fields[0] ? `${e.message} ${e.fields[0].message}` : e.message;
        return reply.html(VerifyPage({ ctx: pageContext(request), values: keep, error: message }), status);
      }
      let report: VerificationReport;
      try {
        report = await verifyCharged(ctx, request, input);
      } catch (e) {
        const refusal = refusalOf(e);
        if (refusal) return sendRefusal(request, reply, refusal, keep);
        throw e;
      }
      const unreadable = unreadableStep(report);
      if (unreadable) {
        return reply.html(
          VerifyPage({ ctx: pageContext(request), values: keep, error: unreadable.message }),
          refusalStatus(unreadable.code),
        );
      }
      return reply.html(
        VerifyResultPage({
          ctx: pageContext(request),
          report,
          baseUrl: ctx.config.baseUrl,
          imageSrc: input.imageSrc,
          values: { ...keep, recipientEmail: input.recipientEmail },
        }),
      );
    },
  );
}
