import { OpenBadgesError } from '../../errors.ts';
import { isObj, type Obj, str } from '../../json-values.ts';
import { jsonLdProblem } from '../../proof/canonize.ts';
import { verifyVcJwt } from '../../proof/vc-jwt.ts';
import { type ProofCheck, verifyDataIntegrity } from '../../proof/verify-data-integrity.ts';
import { type Ctx, lowerFirst, toError } from '../context.ts';
import { checkJwsLimits } from '../limits.ts';
import { decodeJwsPayload } from '../recognize.ts';
import { step, type VerificationStep } from '../report.ts';
import { embeddedController, KEY_CODES, type KeyFinding, keyFailure, resolveJwtKey } from './key.ts';

const listed = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** Which proofs were checked and how, for the report's detail line. */
function describeProofs(proofs: ProofCheck[]): string {
  return proofs
    .map((p) => {
      const what = p.verificationMethod ? `${p.suite} (${p.verificationMethod})` : p.suite;
      if (p.result === 'unsupported') return `${what}: not checked, suite not supported`;
      return p.result === 'verified'
        ? `${what}: verified`
        : `${what}: failed, ${p.error?.message ?? 'no reason'}`;
    })
    .join('; ');
}

/** The sentence for a signature that could not be checked or did not match, by cause. */
function proofFailureMessage(err: OpenBadgesError, failedSuite: string | undefined): string {
  const signature = failedSuite ? `The ${failedSuite} signature` : 'The signature';
  switch (err.code) {
    case 'PROOF_INVALID':
      // A malformed proof (bad proofValue, wrong purpose) is reported with its own sentence.
      return /does not match/.test(err.message)
        ? `${signature} does not match the credential: it was changed after it was signed.`
        : `The proof is malformed: ${err.message}`;
    case 'PROOF_MISSING':
      return 'The credential carries no proof, so nothing shows that its issuer made it.';
    case 'PROOF_UNSUPPORTED':
      return `${err.message.replace(/\.$/, '')}, so whether its issuer made this credential is not known.`;
    case 'CONTEXT_NOT_ALLOWED':
      return 'The credential uses a JSON-LD context this verifier does not know, so its signature cannot be checked.';
    case 'JSONLD_INVALID': {
      const problem = jsonLdProblem(err.cause);
      // A signer only canonicalizes what its contexts define, so a term nobody defines was most
      // likely added or renamed after signing; a relative type or a key id that is not a URI is a
      // document that was never valid JSON-LD, which says nothing about tampering.
      if (problem.kind === 'undefined-term')
        return `The credential uses a term its JSON-LD contexts do not define (it may have been changed after it was signed), so its signature cannot be checked: ${lowerFirst(problem.message)}`;
      if (problem.kind === 'undefined-type' || problem.kind === 'not-a-uri')
        return `The credential is not valid JSON-LD, so its signature cannot be checked: ${lowerFirst(problem.message)}`;
      return 'The credential could not be processed as JSON-LD, so its signature cannot be checked.';
    }
    default:
      return err.message;
  }
}

/** The proof and key steps of a credential secured with Data Integrity proofs. */
export async function checkDataIntegrity(
  cred: Obj,
  ctx: Ctx,
): Promise<{ steps: VerificationStep[]; key?: KeyFinding }> {
  const result = await verifyDataIntegrity(cred, { documentLoader: ctx.loader, resolveKey: ctx.resolveKey });
  const proofs = result.proofs ?? [];
  const detail = proofs.length > 1 ? describeProofs(proofs) : undefined;
  const unsupported = [...new Set(proofs.filter((p) => p.result === 'unsupported').map((p) => p.suite))];
  if (result.verified) {
    const checked = proofs.filter((p) => p.result === 'verified').map((p) => p.suite);
    const aside =
      unsupported.length > 0
        ? ` The ${listed(unsupported)} proof${unsupported.length === 1 ? ' was' : 's were'} not checked: this verifier cannot check ${unsupported.length === 1 ? 'that suite' : 'those suites'}.`
        : '';
    const message =
      checked.length === 1
        ? `The Data Integrity signature (${checked[0]}) matches the credential.`
        : `All ${checked.length} Data Integrity signatures (${listed(checked)}) match the credential.`;
    return {
      steps: [step('proof', 'pass', message + aside, detail ? { detail } : {})],
      key: { controller: result.controller, source: 'resolved' },
    };
  }
  const err = result.error ?? new OpenBadgesError('PROOF_INVALID', 'The proof did not verify.');
  if (KEY_CODES.has(err.code)) return { steps: keyFailure(err) };
  const failed = proofs.find((p) => p.result === 'failed');
  const message = proofFailureMessage(err, proofs.length > 1 ? failed?.suite : undefined);
  return {
    steps: [
      step('proof', 'fail', message, { code: err.code, detail: detail ?? err.message }),
      step(
        'key',
        'skipped',
        err.code === 'PROOF_UNSUPPORTED'
          ? 'Not checked, because the signature could not be checked.'
          : 'Not checked, because the signature is not valid.',
      ),
    ],
  };
}

/** The proof and key steps of a VC-JWT, and the credential it carries (even when the signature fails). */
export async function checkJwt(
  jws: string,
  ctx: Ctx,
): Promise<{ steps: VerificationStep[]; credential?: Obj; key?: KeyFinding }> {
  const over = checkJwsLimits(jws, ctx.limits);
  if (over) {
    return {
      steps: [
        step('proof', 'fail', over.message, { code: over.code }),
        step('key', 'skipped', 'Not checked, because the token is over this verifier’s limits.'),
      ],
    };
  }
  let header: Obj = {};
  try {
    header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString('utf8'));
  } catch {
    // verifyVcJwt reports the bad header below.
  }
  let controller: string | undefined;
  const kid = str(header.kid);
  try {
    const resolveKey = kid
      ? async (k: string) => {
          const resolved = await resolveJwtKey(k, header, ctx);
          controller = resolved.controller;
          return resolved.key;
        }
      : undefined;
    const r = await verifyVcJwt(jws, resolveKey ? { resolveKey } : {});
    return {
      steps: [step('proof', 'pass', `The JWT signature (${String(header.alg)}) matches the credential.`)],
      credential: r.credential,
      key:
        r.keySource === 'jwk'
          ? { source: 'embedded-jwk', ...embeddedController(header.jwk) }
          : { controller, source: 'resolved' },
    };
  } catch (e) {
    const err = toError(e, 'JWT_INVALID');
    const payload = decodeJwsPayload(jws);
    const credential = payload ? (isObj(payload.vc) ? payload.vc : payload) : undefined;
    if (KEY_CODES.has(err.code)) return { steps: keyFailure(err), credential };
    const message =
      err.code === 'PROOF_INVALID'
        ? 'The signature does not match the credential: it was changed after it was signed.'
        : `The token is not a valid VC-JWT: ${lowerFirst(err.message)}`;
    return {
      steps: [
        step('proof', 'fail', message, { code: err.code, detail: err.message }),
        step('key', 'skipped', 'Not checked, because the signature is not valid.'),
      ],
      credential,
    };
  }
}
