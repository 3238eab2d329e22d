import { createHash } from 'node:crypto';
import { bundledContexts, VC_V2_CONTEXT } from '../contexts/bundled.ts';
import { defaultDocumentLoader, type DocumentLoader } from '../contexts/index.ts';
import { OpenBadgesError } from '../errors.ts';
import { base58Encode } from './base58.ts';
import { canonizeDataset, canonizeWithJsonLd, contextResolverFor } from './canonize.ts';
import { fastToRdf } from './fast-rdf.ts';
import { signEd25519 } from './keys.ts';

export const CRYPTOSUITE = 'eddsa-rdfc-2022';

export type DataIntegrityProof = {
  '@context'?: unknown;
  type: 'DataIntegrityProof';
  cryptosuite: typeof CRYPTOSUITE;
  created?: string;
  verificationMethod: string;
  proofPurpose: string;
  proofValue: string;
  [k: string]: unknown;
};

export type ProofOptions = Omit<DataIntegrityProof, 'proofValue'>;

export type SignDataIntegrityOptions = {
  secretKey: Uint8Array;
  verificationMethod: string;
  /** XML Schema dateTime; defaults to now, to the second. */
  created?: string;
  proofPurpose?: 'assertionMethod';
  documentLoader?: DocumentLoader;
};

/**
 * RDFC-1.0 canonical N-Quads of a JSON-LD document. Documents over bundled contexts take the fast
 * path (fast-rdf.ts); anything else goes through jsonld.js. Either way rdf-canonize does the
 * canonicalization.
 */
export async function canonizeDocument(
  doc: object,
  loader: DocumentLoader = defaultDocumentLoader,
): Promise<string> {
  const resolver = contextResolverFor(loader);
  const dataset = await fastToRdf(doc, loader, resolver);
  if (!dataset) return canonizeWithJsonLd(doc, loader);
  return canonizeDataset(dataset);
}

function escapeLiteral(s: string): string {
  return s.replace(/["\\\n\r]/g, (c) =>
    c === '"' ? '\\"' : c === '\\' ? '\\\\' : c === '\n' ? '\\n' : '\\r',
  );
}

const CONFIG_KEYS = new Set([
  '@context',
  'type',
  'cryptosuite',
  'created',
  'verificationMethod',
  'proofPurpose',
]);
const IRI = /^[A-Za-z][A-Za-z0-9+\-.]*:[^\u0000-\u0020<>"{}|\\^`]*$/;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The canonical N-Quads of a proof configuration, written directly when its contexts are bundled
 * and start with VC 2.0: the configuration is one blank node whose five predicates the VC 2.0
 * context fixes (protected DataIntegrityProof definition), so the labelled, sorted output is
 * known without expansion. Anything unusual returns undefined and goes through the generic path.
 */
export function proofConfigNQuads(config: ProofOptions & { '@context'?: unknown }): string | undefined {
  const ctx = config['@context'];
  if (
    !Array.isArray(ctx) ||
    ctx[0] !== VC_V2_CONTEXT ||
    !ctx.every((c) => typeof c === 'string' && bundledContexts.has(c))
  ) {
    return undefined;
  }
  if (Object.keys(config).some((k) => !CONFIG_KEYS.has(k))) return undefined;
  const { type, cryptosuite, created, verificationMethod, proofPurpose } = config;
  if (type !== 'DataIntegrityProof' || typeof cryptosuite !== 'string' || proofPurpose !== 'assertionMethod')
    return undefined;
  if (typeof verificationMethod !== 'string' || !IRI.test(verificationMethod)) return undefined;
  if (created !== undefined && (typeof created !== 'string' || !DATE_TIME.test(created))) return undefined;
  const s = '_:c14n0';
  const lines = [
    `${s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/security#DataIntegrityProof> .\n`,
    `${s} <https://w3id.org/security#cryptosuite> "${escapeLiteral(cryptosuite)}"^^<https://w3id.org/security#cryptosuiteString> .\n`,
    `${s} <https://w3id.org/security#proofPurpose> <https://w3id.org/security#assertionMethod> .\n`,
    `${s} <https://w3id.org/security#verificationMethod> <${verificationMethod}> .\n`,
  ];
  if (created !== undefined) {
    lines.push(
      `${s} <http://purl.org/dc/terms/created> "${created}"^^<http://www.w3.org/2001/XMLSchema#dateTime> .\n`,
    );
  }
  // RDFC-1.0 orders the canonical quads by code point, which is JS's default string order here (ASCII).
  return lines.sort().join('');
}

export async function canonizeProofConfig(
  config: object,
  loader: DocumentLoader = defaultDocumentLoader,
): Promise<string> {
  return proofConfigNQuads(config as ProofOptions) ?? (await canonizeWithJsonLd(config, loader));
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * The stages of eddsa-rdfc-2022 (VC-DI-EdDSA §3.3.4–3.3.6): canonical proof configuration and
 * document, their SHA-256 hashes, and the signed bytes (proof hash ‖ document hash).
 */
export async function proofHashes(
  unsecuredDocument: object,
  proofConfig: ProofOptions & { '@context'?: unknown },
  loader: DocumentLoader = defaultDocumentLoader,
): Promise<{
  documentCanon: string;
  proofCanon: string;
  documentHash: Buffer;
  proofHash: Buffer;
  hashData: Buffer;
}> {
  const [proofCanon, documentCanon] = await Promise.all([
    canonizeProofConfig(proofConfig, loader),
    canonizeDocument(unsecuredDocument, loader),
  ]);
  const proofHash = sha256(proofCanon);
  const documentHash = sha256(documentCanon);
  return {
    documentCanon,
    proofCanon,
    documentHash,
    proofHash,
    hashData: Buffer.concat([proofHash, documentHash]),
  };
}

function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function withoutProof(credential: object): object {
  const { proof: _proof, ...rest } = credential as { proof?: unknown };
  return rest;
}

/** Adds an eddsa-rdfc-2022 DataIntegrityProof (VC-DI-EdDSA §3.3). The input is not modified. */
export async function signDataIntegrity<T extends object>(
  credential: T,
  opts: SignDataIntegrityOptions,
): Promise<T & { proof: DataIntegrityProof }> {
  const loader = opts.documentLoader ?? defaultDocumentLoader;
  const existing = (credential as { proof?: unknown }).proof;
  if (existing !== undefined) {
    throw new OpenBadgesError(
      'SHAPE_INVALID',
      'The credential already has a proof; sign the unsecured credential.',
    );
  }
  const options: ProofOptions = {
    type: 'DataIntegrityProof',
    cryptosuite: CRYPTOSUITE,
    created: opts.created ?? nowSeconds(),
    verificationMethod: opts.verificationMethod,
    proofPurpose: opts.proofPurpose ?? 'assertionMethod',
  };
  const context = (credential as { '@context'?: unknown })['@context'];
  // Without a proof the credential is the unsecured document; only a `proof: undefined` key is dropped.
  const unsecured = 'proof' in credential ? withoutProof(credential) : credential;
  const { hashData } = await proofHashes(unsecured, { '@context': context, ...options }, loader);
  const proofValue = 'z' + base58Encode(signEd25519(opts.secretKey, hashData));
  // Shallow copy: the caller's object stays untouched and nothing is deep-cloned.
  return { ...credential, proof: { ...options, proofValue } as DataIntegrityProof };
}
