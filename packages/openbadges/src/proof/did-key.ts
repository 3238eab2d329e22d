import { OpenBadgesError } from '../errors.ts';
import { multibaseToPublicKey, publicKeyToMultibase } from './keys.ts';
import { decodeMultikey } from './multikey.ts';

export type DidDocument = {
  '@context': string | string[];
  id: string;
  verificationMethod?: Array<{
    id: string;
    type: string;
    controller: string;
    publicKeyMultibase?: string;
    publicKeyJwk?: Record<string, unknown>;
  }>;
  assertionMethod?: Array<string | object>;
  authentication?: Array<string | object>;
  capabilityInvocation?: Array<string | object>;
  capabilityDelegation?: Array<string | object>;
  [k: string]: unknown;
};

export function didKeyFromPublicKey(publicKey: Uint8Array): string {
  return `did:key:${publicKeyToMultibase(publicKey)}`;
}

/** The one verification method of an Ed25519 did:key: `did:key:z…#z…`. */
export function didKeyVerificationMethod(did: string): string {
  const multibase = didKeyMultibase(did);
  return `did:key:${multibase}#${multibase}`;
}

function didKeyMultibase(did: string, anyCurve = false): string {
  const bare = typeof did === 'string' ? did.split('#')[0] : '';
  if (!bare.startsWith('did:key:'))
    throw new OpenBadgesError('DID_UNSUPPORTED', 'The identifier is not a did:key.');
  const multibase = bare.slice('did:key:'.length);
  // Verifying also reads P-256 (zDn…) and P-384 (z82…) keys; signing and JWT keys stay Ed25519.
  if (anyCurve && !multibase.startsWith('z6Mk')) {
    try {
      decodeMultikey(multibase);
    } catch {
      throw new OpenBadgesError(
        'DID_UNSUPPORTED',
        'Only Ed25519, P-256 and P-384 did:key identifiers are supported.',
      );
    }
    return multibase;
  }
  if (!multibase.startsWith('z6Mk')) {
    throw new OpenBadgesError('DID_UNSUPPORTED', 'Only Ed25519 did:key identifiers are supported.');
  }
  multibaseToPublicKey(multibase);
  return multibase;
}

export function didKeyToPublicKey(did: string): Uint8Array {
  return multibaseToPublicKey(didKeyMultibase(did));
}

/**
 * The DID document of an Ed25519, P-256 or P-384 did:key (did:key method spec, Multikey
 * representation). A fragment on the input is ignored: the document is that of the DID.
 */
export function resolveDidKey(did: string): DidDocument {
  const multibase = didKeyMultibase(did, true);
  const id = `did:key:${multibase}`;
  const vmId = `${id}#${multibase}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id,
    verificationMethod: [{ id: vmId, type: 'Multikey', controller: id, publicKeyMultibase: multibase }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId],
  };
}
