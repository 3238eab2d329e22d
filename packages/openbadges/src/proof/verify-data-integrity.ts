import { defaultDocumentLoader, type DocumentLoader } from '../contexts/index.ts';
import { isOpenBadgesError, OpenBadgesError } from '../errors.ts';
import { base58Decode } from './base58.ts';
import { type Curve, SIGNATURE_LENGTH, verifySignature } from './multikey.ts';
import { type Suite, suiteFor, suiteName } from './suites.ts';
import { type Obj, isObj } from '../json-values.ts';

export type VerifyDataIntegrityOptions = {
  documentLoader?: DocumentLoader;
  /** The key a verification method names; `curve` defaults to Ed25519. */
  resolveKey: (vmId: string) => Promise<{ publicKey: Uint8Array; controller: string; curve?: Curve }>;
};

/** What happened to one proof of the credential. */
export type ProofCheck = {
  suite: string;
  result: 'verified' | 'failed' | 'unsupported';
  verificationMethod?: string;
  controller?: string;
  error?: OpenBadgesError;
};

export type VerifyDataIntegrityResult = {
  verified: boolean;
  /** Of the first proof checked (the failing one when a proof failed). */
  verificationMethod?: string;
  controller?: string;
  error?: OpenBadgesError;
  /** Every proof, in document order: which suite, and whether it was checked and verified. */
  proofs?: ProofCheck[];
};

// Each proof costs a canonicalization and perhaps a key fetch; no real credential carries more.
const MAX_PROOFS = 8;

/**
 * Verifies the Data Integrity proofs of a secured document (VC-DI §4.3–4.4) in every suite this
 * library knows: eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-jcs-2019 and the older
 * Ed25519Signature2020. In a proof set every proof it can check must verify; proofs in other
 * suites are listed as unsupported, and a document with no checkable proof is PROOF_UNSUPPORTED
 * (not checked, rather than wrong). Never throws: every failure is a result with an error code.
 */
export async function verifyDataIntegrity(
  credential: object,
  opts: VerifyDataIntegrityOptions,
): Promise<VerifyDataIntegrityResult> {
  try {
    return await verifySet(credential, opts);
  } catch (e) {
    if (isOpenBadgesError(e)) return { verified: false, error: e };
    return {
      verified: false,
      error: new OpenBadgesError('PROOF_INVALID', 'The proof could not be checked.', { cause: e }),
    };
  }
}

async function verifySet(
  credential: object,
  opts: VerifyDataIntegrityOptions,
): Promise<VerifyDataIntegrityResult> {
  if (!isObj(credential)) {
    return {
      verified: false,
      error: new OpenBadgesError('PROOF_MISSING', 'The document is not a JSON object.'),
    };
  }
  const { proof, ...unsecured } = credential;
  const proofs = Array.isArray(proof) ? proof : proof === undefined ? [] : [proof];
  if (proofs.length === 0) {
    return { verified: false, error: new OpenBadgesError('PROOF_MISSING', 'The credential has no proof.') };
  }
  if (proofs.length > MAX_PROOFS) {
    return {
      verified: false,
      error: new OpenBadgesError(
        'PROOF_UNSUPPORTED',
        `The credential carries ${proofs.length} proofs, more than the ${MAX_PROOFS} this verifier checks.`,
      ),
    };
  }
  const checks: ProofCheck[] = [];
  for (const p of proofs) {
    const suite = suiteFor(p);
    checks.push(
      suite
        ? await checkOne(unsecured, p as Obj, suite, opts)
        : { suite: suiteName(p), result: 'unsupported' },
    );
  }
  const checked = checks.filter((c) => c.result !== 'unsupported');
  if (checked.length === 0) {
    const names = [...new Set(checks.map((c) => c.suite))].join(', ');
    return {
      verified: false,
      proofs: checks,
      error: new OpenBadgesError('PROOF_UNSUPPORTED', `This verifier cannot check a ${names} signature.`),
    };
  }
  const failed = checked.find((c) => c.result === 'failed');
  const shown = failed ?? checked[0]!;
  return {
    verified: !failed,
    ...(shown.verificationMethod ? { verificationMethod: shown.verificationMethod } : {}),
    ...(shown.controller ? { controller: shown.controller } : {}),
    ...(failed?.error ? { error: failed.error } : {}),
    proofs: checks,
  };
}

/** The key type a proof's signature was made with: fixed by the suite, or by the ECDSA signature length. */
function signingCurve(suite: Suite, signature: Uint8Array): Curve | undefined {
  return suite.curves.find((c) => SIGNATURE_LENGTH[c] === signature.length);
}

async function checkOne(
  unsecured: Obj,
  proof: Obj,
  suite: Suite,
  opts: VerifyDataIntegrityOptions,
): Promise<ProofCheck> {
  const vm = typeof proof.verificationMethod === 'string' ? proof.verificationMethod : undefined;
  const fail = (code: OpenBadgesError['code'], message: string, controller?: string): ProofCheck => ({
    suite: suite.name,
    result: 'failed',
    ...(vm ? { verificationMethod: vm } : {}),
    ...(controller ? { controller } : {}),
    error: new OpenBadgesError(code, message),
  });
  try {
    if (!vm) return fail('PROOF_INVALID', 'The proof names no verification method.');
    if (proof.proofPurpose !== 'assertionMethod')
      return fail('PROOF_INVALID', 'The proof purpose is not assertionMethod.');
    const { proofValue, ...options } = proof;
    const signature =
      typeof proofValue === 'string' && proofValue[0] === 'z' ? base58Decode(proofValue.slice(1)) : undefined;
    if (!signature) return fail('PROOF_INVALID', 'The proofValue is not base58btc multibase.');
    const curve = signingCurve(suite, signature);
    if (!curve) {
      const sizes = suite.curves.map((c) => `${SIGNATURE_LENGTH[c]}-byte ${c}`).join(' or ');
      return fail('PROOF_INVALID', `The proofValue is not a ${sizes} signature.`);
    }
    const loader = opts.documentLoader ?? defaultDocumentLoader;
    const readings = await suite.hashData({ unsecured, options, curve, loader });
    const key = await opts.resolveKey(vm);
    const keyCurve = key.curve ?? 'Ed25519';
    if (keyCurve !== curve) {
      return fail(
        'KEY_INVALID',
        `A ${suite.name} signature of this length needs a ${curve} key, and ${vm} is a ${keyCurve} key.`,
        key.controller,
      );
    }
    const publicKey = { curve, publicKey: key.publicKey };
    if (!readings.some((data) => verifySignature(publicKey, data, signature))) {
      return fail('PROOF_INVALID', 'The signature does not match the credential.', key.controller);
    }
    return { suite: suite.name, result: 'verified', verificationMethod: vm, controller: key.controller };
  } catch (e) {
    if (!isOpenBadgesError(e)) throw e;
    return { suite: suite.name, result: 'failed', ...(vm ? { verificationMethod: vm } : {}), error: e };
  }
}
