import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
} from '../../src/proof/index.ts';

/** An Ed25519 key pair with its did:key and verification method id. */
export type TestIssuer = { did: string; vm: string; secretKey: Uint8Array; publicKey: Uint8Array };

export function newIssuer(): TestIssuer {
  const { publicKey, secretKey } = generateEd25519KeyPair();
  const did = didKeyFromPublicKey(publicKey);
  return { did, vm: didKeyVerificationMethod(did), secretKey, publicKey };
}
