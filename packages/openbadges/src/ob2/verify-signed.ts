import { readClock } from '../clock.ts';
import { decodeOb2Jws, verifyOb2Jws } from '../proof/ob2-jws.ts';
import { checkOb2RevocationList } from '../status/revocation-list.ts';
import { step, type VerificationStep } from '../verify/report.ts';
import {
  asArray,
  datesStep,
  errorCode,
  errorStep,
  fetchObject,
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
 * Verifies an OB 2.0 signed assertion (compact JWS, RS256): the key named by
 * `verification.creator` must belong to the badge's issuer, the signature must match, and the
 * assertion must not be on the issuer's revocation list.
 */
export async function verifySignedAssertion(jws: string, opts: Ob2VerifyOptions): Promise<Ob2Outcome> {
  const now = readClock(opts.now);
  const steps: VerificationStep[] = [];
  const out: Ob2Outcome = { format: 'ob2-signed', steps };
  const rest = (reason: string) => {
    skipRemaining(steps, reason);
    return out;
  };
  let assertion: Obj;
  try {
    assertion = decodeOb2Jws(jws).payload;
  } catch (e) {
    steps.push(errorStep('schema', 'The signed badge could not be decoded.', e));
    return rest('Not checked, because the badge could not be decoded.');
  }
  out.assertion = assertion;
  const schema = schemaStep(assertion);
  steps.push(schema);
  if (schema.result === 'fail') return rest('Not checked, because the assertion is malformed.');

  const creator = isObj(assertion.verification) ? assertion.verification.creator : undefined;
  if (!isHttpUrl(creator)) {
    steps.push(
      step('proof', 'fail', 'The signed badge does not say which key signed it.', { code: 'KEY_NOT_FOUND' }),
    );
    return rest('Not checked, because the signing key is unknown.');
  }
  let key: Obj;
  try {
    key = await fetchObject(opts.fetch, creator, 'signing key');
    const loaded = await loadBadgeAndIssuer(opts.fetch, assertion);
    out.badge = loaded.badge;
    out.issuer = loaded.issuer;
  } catch (e) {
    steps.push(step('proof', 'skipped', 'The signature could not be checked without the key.'));
    steps.push(
      errorStep(
        'key',
        'The signing key or the issuer profile could not be fetched from the issuer’s server.',
        e,
      ),
    );
    return rest('Not checked, because the signing key could not be loaded.');
  }
  const issuer = out.issuer!;
  let proof: VerificationStep;
  try {
    if (typeof key.publicKeyPem !== 'string') throw new Error('The key document has no publicKeyPem.');
    verifyOb2Jws(jws, key.publicKeyPem);
    proof = step('proof', 'pass', 'The signature matches the badge.');
  } catch (e) {
    const err = errorCode(e);
    proof =
      err.code === 'PROOF_INVALID'
        ? step(
            'proof',
            'fail',
            'The signature does not match the badge: it was changed after it was signed.',
            { code: 'PROOF_INVALID', detail: err.message },
          )
        : step('proof', 'fail', 'The signature could not be checked with the issuer’s key.', {
            code: 'KEY_INVALID',
            detail: err.message,
          });
  }
  steps.push(proof);
  const listed = asArray(issuer.publicKey).some((k) => k === creator || (isObj(k) && k.id === creator));
  if (key.owner !== issuer.id || (issuer.publicKey !== undefined && !listed)) {
    steps.push(
      step('key', 'fail', `The signing key does not belong to ${issuerSummary(issuer)}.`, {
        code: 'KEY_CONTROLLER_MISMATCH',
      }),
    );
  } else {
    steps.push(step('key', 'pass', `The signing key belongs to ${issuerSummary(issuer)}.`));
  }
  steps.push(step('issuer', 'pass', `Issued by ${issuerSummary(issuer)}.`));
  steps.push(datesStep(assertion, now).step);
  if (isHttpUrl(issuer.revocationList)) {
    try {
      const list = await fetchObject(opts.fetch, issuer.revocationList, 'revocation list');
      const r = checkOb2RevocationList(list, {
        id: String(assertion.id),
        ...(typeof assertion.uid === 'string' ? { uid: assertion.uid } : {}),
      });
      steps.push(
        r.revoked
          ? revokedStep(r.reason)
          : step('status', 'pass', 'The badge is not on the issuer’s revocation list.'),
      );
    } catch (e) {
      const err = errorCode(e);
      steps.push(
        step(
          'status',
          'warn',
          'The issuer’s revocation list could not be read, so whether the badge was revoked is unknown.',
          {
            code: err.code.startsWith('FETCH_') ? 'STATUS_UNREACHABLE' : err.code,
            detail: err.message,
          },
        ),
      );
    }
  } else {
    steps.push(step('status', 'pass', 'The issuer publishes no revocation list.'));
  }
  steps.push(recipientStep(assertion, opts.recipient));
  return out;
}
