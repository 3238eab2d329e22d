import { readClock } from '../clock.ts';
import { OpenBadgesError } from '../errors.ts';
import { step, type VerificationStep } from '../verify/report.ts';
import {
  ACCEPT_JSON_LD,
  asArray,
  datesStep,
  errorCode,
  isHttpUrl,
  isObj,
  issuerSummary,
  loadBadgeAndIssuer,
  type Ob2Outcome,
  type Ob2VerifyOptions,
  type Obj,
  recipientStep,
  schemaStep,
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

const skippedAfter = (steps: VerificationStep[], reason: string): VerificationStep[] => {
  const done = new Set(steps.map((s) => s.id));
  return (['schema', 'key', 'issuer', 'dates', 'status', 'recipient'] as const)
    .filter((id) => !done.has(id))
    .map((id) => step(id, 'skipped', reason));
};

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
    steps.push(...skippedAfter(steps, 'Not checked, because the assertion could not be fetched.'));
    return out;
  }

  let res: Awaited<ReturnType<Ob2VerifyOptions['fetch']>>;
  try {
    res = await opts.fetch(id, { accept: ACCEPT_JSON_LD });
  } catch (e) {
    const err = errorCode(e);
    steps.push(
      step(
        'proof',
        'fail',
        `The issuer's server could not be reached to confirm the badge, so it cannot be checked now.`,
        {
          code: err.code,
          detail: err.message,
        },
      ),
    );
    steps.push(...skippedAfter(steps, 'Not checked, because the assertion could not be fetched.'));
    return out;
  }
  if (res.status === 410) {
    steps.push(step('proof', 'pass', 'The issuer’s server answered for this badge.'));
    steps.push(
      step('status', 'fail', 'The issuer has revoked this badge: its address answers “410 Gone”.', {
        code: 'REVOKED',
      }),
    );
    steps.push(...skippedAfter(steps, 'Not checked, because the badge is revoked.'));
    return out;
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
    const err = errorCode(e);
    steps.push(
      step('proof', 'fail', 'The issuer’s server did not return the badge at its address.', {
        code: err.code,
        detail: err.message,
      }),
    );
    steps.push(...skippedAfter(steps, 'Not checked, because the assertion could not be fetched.'));
    return out;
  }
  out.assertion = assertion;
  steps.push(step('proof', 'pass', 'The badge was fetched from the address the issuer hosts it at.'));
  const schema = schemaStep(assertion);
  steps.push(schema);
  if (schema.result === 'fail') {
    steps.push(...skippedAfter(steps, 'Not checked, because the assertion is malformed.'));
    return out;
  }
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
    steps.push(...skippedAfter(steps, 'Not checked, because the assertion is not where it says it is.'));
    return out;
  }
  steps.push(step('key', 'skipped', 'Hosted badges are not signed; the issuer’s server vouches for them.'));
  try {
    const { badge, issuer } = await loadBadgeAndIssuer(opts.fetch, assertion);
    out.badge = badge;
    out.issuer = issuer;
  } catch (e) {
    const err = errorCode(e);
    steps.push(
      step('issuer', 'fail', 'The badge class or issuer profile could not be loaded.', {
        code: err.code,
        detail: err.message,
      }),
    );
    steps.push(...skippedAfter(steps, 'Not checked, because the issuer is unknown.'));
    return out;
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
    const reason =
      typeof assertion.revocationReason === 'string'
        ? ` The reason given: ${assertion.revocationReason}`
        : '';
    steps.push(step('status', 'fail', `The issuer has revoked this badge.${reason}`, { code: 'REVOKED' }));
  } else {
    steps.push(step('status', 'pass', 'The issuer’s server lists the badge as not revoked.'));
  }
  steps.push(recipientStep(assertion, opts.recipient));
  return out;
}
