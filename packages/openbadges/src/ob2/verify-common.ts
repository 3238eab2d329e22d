import { isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import { matchesIdentity, normalizeEmail } from '../ob3/identity.ts';
import type { GuardedFetch } from '../verify/fetch.ts';
import { step, type VerificationStep } from '../verify/report.ts';
import { asArray, isObj, type Obj } from '../json-values.ts';

export { asArray, isObj, type Obj };

export type Ob2VerifyOptions = {
  fetch: GuardedFetch;
  now?: () => Date;
  recipient?: { email?: string; id?: string };
};

/** What OB 2.0 verification found; verify() turns it into a report. */
export type Ob2Outcome = {
  format: 'ob2-hosted' | 'ob2-signed';
  assertion?: Obj;
  badge?: Obj;
  issuer?: Obj;
  steps: VerificationStep[];
};

export const ACCEPT_JSON_LD = 'application/ld+json, application/json;q=0.9';

/** GETs a JSON object; non-2xx and non-objects are OpenBadgesErrors naming `what`. */
export async function fetchObject(fetch: GuardedFetch, url: string, what: string): Promise<Obj> {
  const res = await fetch(url, { accept: ACCEPT_JSON_LD });
  if (res.status < 200 || res.status > 299) {
    throw new OpenBadgesError('FETCH_FAILED', `The ${what} at ${url} answered HTTP ${res.status}.`);
  }
  const json = res.json();
  if (!isObj(json)) throw new OpenBadgesError('SHAPE_INVALID', `The ${what} at ${url} is not a JSON object.`);
  return json;
}

export function errorCode(e: unknown): OpenBadgesError {
  return isOpenBadgesError(e)
    ? e
    : new OpenBadgesError('FETCH_FAILED', 'The document could not be fetched.', { cause: e });
}

export { isHttpUrl } from '../json-values.ts';

/** A failed (or warned) step carrying the code and message of the error that caused it. */
export function errorStep(
  id: VerificationStep['id'],
  message: string,
  e: unknown,
  result: 'fail' | 'warn' = 'fail',
): VerificationStep {
  const err = errorCode(e);
  return step(id, result, message, { code: err.code, detail: err.message });
}

/** Marks every step not yet taken as skipped for `reason`, once a check has made the rest moot. */
export function skipRemaining(steps: VerificationStep[], reason: string): void {
  const done = new Set(steps.map((s) => s.id));
  for (const id of ['schema', 'proof', 'key', 'issuer', 'dates', 'status', 'recipient'] as const) {
    if (!done.has(id)) steps.push(step(id, 'skipped', reason));
  }
}

/** The status step of a revoked badge, with the issuer's reason when it gives one. */
export function revokedStep(reason: unknown): VerificationStep {
  const given = typeof reason === 'string' && reason ? ` The reason given: ${reason}` : '';
  return step('status', 'fail', `The issuer has revoked this badge.${given}`, { code: 'REVOKED' });
}

const isDate = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

/** The required members of an OB 2.0 Assertion, with their types (OB 2.0 "Assertion"). */
export function assertionShapeErrors(a: Obj): string[] {
  const errors: string[] = [];
  if (typeof a.id !== 'string') errors.push('id is missing');
  if (!asArray(a.type).includes('Assertion')) errors.push('type is not Assertion');
  if (
    !isObj(a.recipient) ||
    typeof a.recipient.identity !== 'string' ||
    typeof a.recipient.type !== 'string'
  ) {
    errors.push('recipient needs a type and an identity');
  }
  if (typeof a.badge !== 'string' && !isObj(a.badge)) errors.push('badge is missing');
  if (!isObj(a.verification) || typeof a.verification.type !== 'string')
    errors.push('verification is missing');
  if (!isDate(a.issuedOn)) errors.push('issuedOn is not a date');
  if (a.expires !== undefined && !isDate(a.expires)) errors.push('expires is not a date');
  return errors;
}

export function schemaStep(a: Obj): VerificationStep {
  const errors = assertionShapeErrors(a);
  return errors.length === 0
    ? step('schema', 'pass', 'The assertion has every member Open Badges 2.0 requires.')
    : step('schema', 'fail', 'The assertion is not a well-formed Open Badges 2.0 assertion.', {
        code: 'SHAPE_INVALID',
        detail: errors.join('; '),
      });
}

/** Follows badge → issuer when they are URLs (OB 2.0 lets either be embedded). */
export async function loadBadgeAndIssuer(fetch: GuardedFetch, a: Obj): Promise<{ badge: Obj; issuer: Obj }> {
  const badge =
    typeof a.badge === 'string' ? await fetchObject(fetch, a.badge, 'badge class') : (a.badge as Obj);
  if (!isObj(badge)) throw new OpenBadgesError('SHAPE_INVALID', 'The badge class is not an object.');
  const issuer =
    typeof badge.issuer === 'string'
      ? await fetchObject(fetch, badge.issuer, 'issuer profile')
      : badge.issuer;
  if (!isObj(issuer) || typeof issuer.id !== 'string') {
    throw new OpenBadgesError('SHAPE_INVALID', 'The badge class names no issuer profile with an id.');
  }
  return { badge, issuer };
}

export function datesStep(
  a: Obj,
  now: Date,
): { step: VerificationStep; status?: 'expired' | 'not-yet-valid' } {
  const issued = Date.parse(String(a.issuedOn));
  if (issued > now.getTime()) {
    return {
      step: step('dates', 'fail', `The badge is dated ${String(a.issuedOn)}, which is still in the future.`, {
        code: 'NOT_YET_VALID',
      }),
      status: 'not-yet-valid',
    };
  }
  if (typeof a.expires === 'string' && Date.parse(a.expires) < now.getTime()) {
    return {
      step: step('dates', 'fail', `The badge expired on ${a.expires}.`, { code: 'EXPIRED' }),
      status: 'expired',
    };
  }
  const until = typeof a.expires === 'string' ? ` and is valid until ${a.expires}` : ' and does not expire';
  return { step: step('dates', 'pass', `The badge was issued on ${String(a.issuedOn)}${until}.`) };
}

export function recipientStep(a: Obj, recipient: Ob2VerifyOptions['recipient']): VerificationStep {
  if (!recipient?.email && !recipient?.id) {
    return step('recipient', 'skipped', 'No recipient was given to compare with the badge.');
  }
  const r = isObj(a.recipient) ? a.recipient : {};
  const value =
    r.type === 'email' && recipient.email
      ? normalizeEmail(recipient.email)
      : (recipient.id ?? recipient.email ?? '');
  const ok = matchesIdentity({ identity: r.identity, hashed: r.hashed, salt: r.salt }, value);
  return ok
    ? step('recipient', 'pass', 'The badge was issued to the recipient you named.')
    : step('recipient', 'fail', 'The badge was not issued to the recipient you named.', {
        code: 'RECIPIENT_MISMATCH',
      });
}

export function issuerSummary(issuer: Obj | undefined): string {
  if (!issuer) return 'the issuer';
  return typeof issuer.name === 'string' ? `${issuer.name} (${String(issuer.id)})` : String(issuer.id);
}
