import type { ErrorCode } from '../../errors.ts';
import { asArray, isObj, type Obj, str } from '../../json-values.ts';
import { type Container, type Ctx, toError } from '../context.ts';
import { isOb3, JWS_RE, parseLimited } from '../recognize.ts';
import { step, type VerificationReport, type VerificationStep } from '../report.ts';

/** Checks an OB 3.0 credential, given as JSON or as a VC-JWT, with the context it is handed. */
export type CheckOb3 = (
  json: Obj | undefined,
  ctx: Ctx,
  container: Container,
  jwt: string | undefined,
) => Promise<VerificationReport>;

/**
 * OB 3.0 §9 (refresh): a credential signed by its issuer may name a 1EdTechCredentialRefresh
 * service; the copy it returns is checked in its place when it comes from the same issuer.
 * Any failure leaves the original to be checked, with a warning saying so.
 */
export async function followRefresh(
  cred: Obj,
  issuerId: string,
  ctx: Ctx,
  container: Container,
  checkOb3: CheckOb3,
): Promise<{ report?: VerificationReport; step?: VerificationStep }> {
  const service = asArray(cred.refreshService).find(
    (s): s is Obj => isObj(s) && asArray(s.type).includes('1EdTechCredentialRefresh'),
  );
  const url = service ? str(service.id) : undefined;
  if (!url) return {};
  const failed = (detail: string, code?: ErrorCode) => ({
    step: step(
      'refresh',
      'warn',
      'The issuer’s refresh service gave no newer copy, so the credential as given was checked.',
      { detail, ...(code ? { code } : {}) },
    ),
  });
  let text: string;
  try {
    const res = await ctx.fetch(url, {
      accept: 'application/vc+ld+json, application/ld+json, application/json, application/jwt;q=0.9',
    });
    if (res.status < 200 || res.status > 299) return failed(`HTTP ${res.status} from ${url}`, 'FETCH_FAILED');
    text = res.text().trim();
  } catch (e) {
    const err = toError(e, 'FETCH_FAILED');
    return failed(err.message, err.code);
  }
  let json: unknown;
  if (text.startsWith('{')) {
    const parsed = parseLimited(text, ctx, container, 'The refresh service returned invalid JSON.');
    if ('report' in parsed) {
      const why = parsed.report.steps[0]!;
      return failed(why.message, why.code);
    }
    json = parsed.json;
  }
  const fresh = { ...ctx, refreshed: true };
  let report: VerificationReport;
  if (isObj(json) && isOb3(json)) report = await checkOb3(json, fresh, container, undefined);
  else if (JWS_RE.test(text)) report = await checkOb3(undefined, fresh, container, text);
  else return failed('The refresh service did not return an Open Badges 3.0 credential.');
  // A copy that is not the issuer's own, verifiably, is no refresh (OB 3.0 §9: keep the original).
  const unsigned = report.steps.find((s) => (s.id === 'proof' || s.id === 'key') && s.result !== 'pass');
  if (unsigned)
    return failed(`The refreshed copy failed its ${unsigned.title.toLowerCase()} check: ${unsigned.message}`);
  if (report.issuer?.id !== issuerId)
    return failed(`The refreshed copy names another issuer (${report.issuer?.id ?? 'none'}).`);
  const at = report.steps.findIndex((s) => s.id === 'key') + 1;
  report.steps.splice(
    at,
    0,
    step('refresh', 'pass', `The issuer’s refresh service returned a newer copy, which is what was checked.`),
  );
  return { report };
}
