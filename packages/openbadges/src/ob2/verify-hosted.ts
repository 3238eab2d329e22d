import { readClock } from '../clock.ts';
import { OpenBadgesError } from '../errors.ts';
import { step, type VerificationStep } from '../verify/report.ts';
import {
  ACCEPT_JSON_LD,
  asArray,
  datesStep,
  errorStep,
  isHttpUrl,
  isObj,
  issuerSummary,
  loadBadgeAndIssuer,
  type Ob2Outcome,
  type Ob2VerifyOptions,
  type Obj,
  recipientStep,
  revokedStep,
  schemaStep,
  skipRemaining,
} from './verify-common.ts';

/**
 * The hosted verification policy of an issuer (OB 2.0 "Hosted verification"): the assertion id
 * must start with one of `startsWith` (when given) and its host must be one of `allowedOrigins`,
 * which defaults to the host of the issuer's id.
 */
export function inIssuerScope(assertionId: string, issuer: Obj): boolean {
  const policy = isObj(issuer.verification) ? issuer.verification : {};
  let host: string;
  try {
    host = new URL(assertionId).host;
  } catch {
    return false;
  }
  const starts = asArray(policy.startsWith).filter((s): s is string => typeof s === 'string');
  if (starts.length > 0 && !starts.some((s) => assertionId.startsWith(s))) return false;
  let origins = asArray(policy.allowedOrigins).filter((s): s is string => typeof s === 'string');
  if (origins.length === 0) {
    try {
      origins = [new URL(String(issuer.id)).host];
    } catch {
      return false;
    }
  }
  return origins.some((o) => o.toLowerCase() === host.toLowerCase());
}

/**
 * Verifies an OB 2.0 hosted assertion. Only the `id` of supplied JSON is trusted: the assertion
 * is fetched from there, so a copy edited after download cannot pass.
 */
export async function verifyHostedAssertion(
  input: string | Obj,
  opts: Ob2VerifyOptions,
): Promise<Ob2Outcome> {
  const now = readClock(opts.now);
  const steps: VerificationStep[] = [];
  const out: Ob2Outcome = { format: 'ob2-hosted', steps };
  const rest = (reason: string) => {
    skipRemaining(steps, reason);
    return out;
  };
  const unfetched = 'Not checked, because the assertion could not be fetched.';
  const id = typeof input === 'string' ? input : input.id;
  if (!isHttpUrl(id)) {
    steps.push(
      step(
        'proof',
        'fail',
        'The assertion names no web address to check it against, so it cannot be verified as a hosted badge.',
        {
          code: 'SHAPE_INVALID',
        },
      ),
    );
    return rest(unfetched);
  }

  let res: Awaited<ReturnType<Ob2VerifyOptions['fetch']>>;
  try {
    res = await opts.fetch(id, { accept: ACCEPT_JSON_LD });
  } catch (e) {
    steps.push(
      errorStep(
        'proof',
        `The issuer's server could not be reached to confirm the badge, so it cannot be checked now.`,
        e,
      ),
    );
    return rest(unfetched);
  }
  if (res.status === 410) {
    steps.push(step('proof', 'pass', 'The issuer’s server answered for this badge.'));
    steps.push(
      step('status', 'fail', 'The issuer has revoked this badge: its address answers “410 Gone”.', {
        code: 'REVOKED',
      }),
    );
    return rest('Not checked, because the badge is revoked.');
  }
  let assertion: unknown;
  try {
    if (res.status < 200 || res.status > 299) {
      throw new OpenBadgesError('FETCH_FAILED', `The assertion address answered HTTP ${res.status}.`);
    }
    assertion = res.json();
    if (!isObj(assertion))
      throw new OpenBadgesError('SHAPE_INVALID', 'The hosted assertion is not a JSON object.');
  } catch (e) {
    steps.push(errorStep('proof', 'The issuer’s server did not return the badge at its address.', e));
    return rest(unfetched);
  }
  out.assertion = assertion;
  steps.push(step('proof', 'pass', 'The badge was fetched from the address the issuer hosts it at.'));
  const schema = schemaStep(assertion);
  steps.push(schema);
  if (schema.result === 'fail') return rest('Not checked, because the assertion is malformed.');
  if (assertion.id !== id) {
    steps.push(
      step(
        'issuer',
        'fail',
        'The hosted assertion carries a different id from the address it was fetched from.',
        {
          code: 'ISSUER_MISMATCH',
          detail: `${String(assertion.id)} ≠ ${id}`,
        },
      ),
    );
    return rest('Not checked, because the assertion is not where it says it is.');
  }
  steps.push(step('key', 'skipped', 'Hosted badges are not signed; the issuer’s server vouches for them.'));
  try {
    const { badge, issuer } = await loadBadgeAndIssuer(opts.fetch, assertion);
    out.badge = badge;
    out.issuer = issuer;
  } catch (e) {
    steps.push(errorStep('issuer', 'The badge class or issuer profile could not be loaded.', e));
    return rest('Not checked, because the issuer is unknown.');
  }
  if (!inIssuerScope(id, out.issuer)) {
    steps.push(
      step(
        'issuer',
        'fail',
        `The badge is hosted at ${new URL(id).host}, which ${issuerSummary(out.issuer)} does not use for its badges.`,
        {
          code: 'ISSUER_MISMATCH',
        },
      ),
    );
  } else {
    steps.push(step('issuer', 'pass', `Issued by ${issuerSummary(out.issuer)}, on the issuer’s own site.`));
  }
  steps.push(datesStep(assertion, now).step);
  if (assertion.revoked === true) {
    steps.push(revokedStep(assertion.revocationReason));
  } else {
    steps.push(step('status', 'pass', 'The issuer’s server lists the badge as not revoked.'));
  }
  steps.push(recipientStep(assertion, opts.recipient));
  return out;
}
