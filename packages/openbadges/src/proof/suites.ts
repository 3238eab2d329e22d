import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DocumentLoader } from '../contexts/index.ts';
import { OpenBadgesError } from '../errors.ts';
import { canonizeWithJsonLd } from './canonize.ts';
import { canonizeDocument, canonizeProofConfig } from './eddsa-rdfc-2022.ts';
import { type Curve, HASH_FOR_CURVE } from './multikey.ts';

type Obj = Record<string, unknown>;

/**
 * One signature suite: which key types it takes and how it turns the unsecured document and the
 * proof options (the proof without proofValue) into the bytes that were signed. A suite whose
 * signers differ on a detail gives each reading; the signature must match one of them.
 */
export type Suite = {
  /** `cryptosuite` for a DataIntegrityProof, the proof `type` for the older suites. */
  name: string;
  curves: readonly Curve[];
  hashData(input: {
    unsecured: Obj;
    options: Obj;
    curve: Curve;
    loader: DocumentLoader;
  }): Promise<Uint8Array[]>;
};

const digest = (alg: 'sha256' | 'sha384', text: string): Buffer =>
  createHash(alg).update(text, 'utf8').digest();

/** proof hash ‖ document hash, the signed bytes of every suite here. */
const joined = (alg: 'sha256' | 'sha384', proofCanon: string, documentCanon: string): Uint8Array =>
  Buffer.concat([digest(alg, proofCanon), digest(alg, documentCanon)]);

/**
 * VC-DI §4.3 step 4 (RDFC suites): a proof @context must be a prefix of the document's @context;
 * the proof configuration is then canonized with the document's contexts.
 */
function rdfcProofConfig(unsecured: Obj, options: Obj): Obj {
  const documentContext = unsecured['@context'];
  if (options['@context'] !== undefined && !startsWith(documentContext, options['@context'])) {
    throw new OpenBadgesError(
      'PROOF_INVALID',
      "The proof's @context does not match the start of the document's @context.",
    );
  }
  return { ...options, '@context': documentContext };
}

function startsWith(documentContext: unknown, proofContext: unknown): boolean {
  const doc = Array.isArray(documentContext) ? documentContext : [documentContext];
  const proof = Array.isArray(proofContext) ? proofContext : [proofContext];
  // Context URLs compare as strings; only embedded contexts need their JSON compared.
  return proof.every((c, i) =>
    typeof c === 'string' ? c === doc[i] : JSON.stringify(c) === JSON.stringify(doc[i]),
  );
}

/** RFC 8785 (JCS) text of a JSON value; a value JCS cannot represent is not a signed document. */
function jcs(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (cause) {
    throw new OpenBadgesError('PROOF_INVALID', 'The document cannot be canonicalized as JSON (RFC 8785).', {
      cause,
    });
  }
  if (text === undefined) throw new OpenBadgesError('PROOF_INVALID', 'The document is not JSON.');
  return text;
}

/** eddsa-rdfc-2022 (VC-DI-EdDSA §3.3) and ecdsa-rdfc-2019 (VC-DI-ECDSA §3.3): RDFC-1.0 canonical N-Quads. */
const rdfcHashData: Suite['hashData'] = async ({ unsecured, options, curve, loader }) => {
  const [proofCanon, documentCanon] = await Promise.all([
    canonizeProofConfig(rdfcProofConfig(unsecured, options), loader),
    canonizeDocument(unsecured, loader),
  ]);
  return [joined(HASH_FOR_CURVE[curve], proofCanon, documentCanon)];
};

/**
 * eddsa-jcs-2022 (VC-DI-EdDSA §3.4.2) and ecdsa-jcs-2019: JCS of the document and of the proof
 * options. A proof @context must start the document's, and then stands for it; without one, the
 * proof configuration takes the document's @context (§3.4.5 step 4). Signers that hash the proof
 * options as given (the W3C VC-DI-ECDSA ecdsa-jcs-2019 vectors; Digital Bazaar's verifier reads
 * them so) are accepted too: the document hash covers the @context either way.
 */
const jcsHashData: Suite['hashData'] = async ({ unsecured, options, curve }) => {
  const hash = HASH_FOR_CURVE[curve];
  if (options['@context'] !== undefined) {
    if (!startsWith(unsecured['@context'], options['@context'])) {
      throw new OpenBadgesError(
        'PROOF_INVALID',
        "The proof's @context does not match the start of the document's @context.",
      );
    }
    return [joined(hash, jcs(options), jcs({ ...unsecured, '@context': options['@context'] }))];
  }
  const document = jcs(unsecured);
  if (unsecured['@context'] === undefined) return [joined(hash, jcs(options), document)];
  return [
    joined(hash, jcs({ ...options, '@context': unsecured['@context'] }), document),
    joined(hash, jcs(options), document),
  ];
};

/**
 * Ed25519Signature2020 (W3C CCG, as implemented by jsonld-signatures): the proof options with the
 * document's @context and the document, both URDNA2015 (= RDFC-1.0) canonical N-Quads, SHA-256.
 */
const ed25519Signature2020HashData: Suite['hashData'] = async ({ unsecured, options, loader }) => {
  const [proofCanon, documentCanon] = await Promise.all([
    canonizeWithJsonLd({ ...options, '@context': unsecured['@context'] }, loader),
    canonizeDocument(unsecured, loader),
  ]);
  return [joined('sha256', proofCanon, documentCanon)];
};

const SUITES: readonly Suite[] = [
  { name: 'eddsa-rdfc-2022', curves: ['Ed25519'], hashData: rdfcHashData },
  { name: 'eddsa-jcs-2022', curves: ['Ed25519'], hashData: jcsHashData },
  { name: 'ecdsa-rdfc-2019', curves: ['P-256', 'P-384'], hashData: rdfcHashData },
  { name: 'ecdsa-jcs-2019', curves: ['P-256', 'P-384'], hashData: jcsHashData },
  { name: 'Ed25519Signature2020', curves: ['Ed25519'], hashData: ed25519Signature2020HashData },
];

/** The suite name of a proof: its cryptosuite for a DataIntegrityProof, else its type. */
export function suiteName(proof: unknown): string {
  if (typeof proof !== 'object' || proof === null) return 'unknown';
  const p = proof as Obj;
  const type = typeof p.type === 'string' ? p.type : 'unknown';
  if (type === 'DataIntegrityProof') return typeof p.cryptosuite === 'string' ? p.cryptosuite : 'unknown';
  return type;
}

/** The suite that checks this proof, or undefined when this library cannot check it. */
export function suiteFor(proof: unknown): Suite | undefined {
  const name = suiteName(proof);
  const isDataIntegrity = (proof as Obj).type === 'DataIntegrityProof';
  const suite = SUITES.find((s) => s.name === name);
  if (!suite) return undefined;
  // A cryptosuite name is only meaningful inside a DataIntegrityProof, and Ed25519Signature2020 only as a type.
  return (suite.name === 'Ed25519Signature2020') !== isDataIntegrity ? suite : undefined;
}

export const SUPPORTED_SUITES: readonly string[] = SUITES.map((s) => s.name);
