import { isObj, type Obj, str } from '../json-values.ts';
import type { Ob2Outcome } from '../ob2/verify-common.ts';
import { verifyHostedAssertion } from '../ob2/verify-hosted.ts';
import { verifySignedAssertion } from '../ob2/verify-signed.ts';
import type { Container, Ctx } from './context.ts';
import { achievementOf } from './credential-fields.ts';
import { step, type VerificationReport } from './report.ts';
import { type DraftReport, finish } from './verdict.ts';

const ob2Options = (ctx: Ctx) => ({ fetch: ctx.fetch, now: () => ctx.now, recipient: ctx.opts.recipient });

/** An OB 2.0 hosted assertion, given as JSON or by its URL, checked and reported like any badge. */
export async function verifyOb2Hosted(
  assertion: Obj | string,
  ctx: Ctx,
  container: Container,
): Promise<VerificationReport> {
  return fromOb2(await verifyHostedAssertion(assertion, ob2Options(ctx)), container);
}

/** An OB 2.0 signed assertion (a JWS) checked and reported like any badge. */
export async function verifyOb2Signed(
  jws: string,
  ctx: Ctx,
  container: Container,
): Promise<VerificationReport> {
  return fromOb2(await verifySignedAssertion(jws, ob2Options(ctx)), container);
}

/** What the OB 2.0 checks found, in the report shape OB 3.0 credentials get. */
function fromOb2(outcome: Ob2Outcome, container: Container): VerificationReport {
  const report: DraftReport = {
    format: outcome.format,
    container,
    steps: [
      step(
        'format',
        'pass',
        outcome.format === 'ob2-hosted'
          ? 'This is an Open Badges 2.0 hosted assertion.'
          : 'This is an Open Badges 2.0 signed assertion.',
      ),
      step(
        'parse',
        'pass',
        outcome.format === 'ob2-hosted'
          ? 'The assertion is readable JSON.'
          : 'The signed assertion decodes to JSON.',
      ),
      ...outcome.steps,
    ],
  };
  const a = outcome.assertion;
  if (a) {
    report.credential = a;
    if (str(a.issuedOn)) report.validFrom = str(a.issuedOn);
    if (str(a.expires)) report.validUntil = str(a.expires);
    const r = isObj(a.recipient) ? a.recipient : {};
    report.recipient = { ...(str(r.type) ? { identityType: str(r.type) } : {}), hashed: r.hashed === true };
  }
  if (outcome.issuer && typeof outcome.issuer.id === 'string') {
    report.issuer = {
      id: outcome.issuer.id,
      ...(str(outcome.issuer.name) ? { name: str(outcome.issuer.name) } : {}),
      ...(str(outcome.issuer.url) ? { url: str(outcome.issuer.url) } : {}),
    };
  }
  if (outcome.badge) report.achievement = achievementOf(outcome.badge);
  return finish(report);
}
