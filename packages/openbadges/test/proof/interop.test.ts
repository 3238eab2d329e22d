import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { describe, expect, it } from 'vitest';
import { defaultDocumentLoader } from '../../src/contexts/index.ts';
import {
  didKeyFromPublicKey,
  didKeyVerificationMethod,
  generateEd25519KeyPair,
  keyPairFromHex,
  publicKeyToMultibase,
  resolveVerificationMethod,
  secretKeyToMultibase,
  signDataIntegrity,
  verifyDataIntegrity,
} from '../../src/proof/index.ts';
import { makeCredential } from './credentials.ts';
import { fullExample, vector } from './spec-files.ts';

// Both ways against the Digital Bazaar reference stack (@digitalbazaar/vc 7 with the
// eddsa-rdfc-2022 cryptosuite), same key, same created: the proofs must be byte-identical.

const CREATED = '2024-05-01T12:00:00Z';

async function referenceSuite(secretKey: Uint8Array, publicKey: Uint8Array) {
  const did = didKeyFromPublicKey(publicKey);
  const key = await Ed25519Multikey.from({
    '@context': 'https://w3id.org/security/multikey/v1',
    type: 'Multikey',
    id: didKeyVerificationMethod(did),
    controller: did,
    publicKeyMultibase: publicKeyToMultibase(publicKey),
    secretKeyMultibase: secretKeyToMultibase(secretKey),
  });
  return new DataIntegrityProof({ signer: key.signer(), cryptosuite, date: CREATED });
}

function credentials(did: string): Record<string, any>[] {
  const v = vector().unsignedCredential;
  const full = fullExample();
  return [
    { ...v, issuer: { ...v.issuer, id: did } },
    { ...full, issuer: { ...full.issuer, id: did } },
    ...[1, 2, 3, 4, 5, 6].map((seed) => makeCredential(seed, did)),
  ];
}

const resolveKey = (vm: string) => resolveVerificationMethod(vm, { purpose: 'assertionMethod' });

describe('interop with @digitalbazaar/vc', () => {
  const pair = keyPairFromHex(vector().key.secretKeyHex);
  const did = didKeyFromPublicKey(pair.publicKey);
  const vm = didKeyVerificationMethod(did);

  it('theirs verify with ours, ours verify with theirs, and the proofValues are identical', async () => {
    const suite = await referenceSuite(pair.secretKey, pair.publicKey);
    for (const credential of credentials(did)) {
      const theirs = await vc.issue({
        credential: structuredClone(credential),
        suite,
        documentLoader: defaultDocumentLoader,
      });
      const ours = await signDataIntegrity(credential, {
        secretKey: pair.secretKey,
        verificationMethod: vm,
        created: CREATED,
      });
      expect(ours).toEqual(theirs);
      expect(ours.proof.proofValue).toBe(theirs.proof.proofValue);

      const mine = await verifyDataIntegrity(theirs, { resolveKey });
      expect(mine).toMatchObject({ verified: true, verificationMethod: vm, controller: did });

      const reference = await vc.verifyCredential({
        credential: ours,
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader: defaultDocumentLoader,
        // Status lists and validity dates are not under test here.
        checkStatus: async () => ({ verified: true }),
        now: new Date(credential.validFrom ?? CREATED),
      });
      expect(reference.verified, String(reference.error)).toBe(true);
    }
  });

  it('the reference verifier rejects what ours rejects (tampered, wrong key)', async () => {
    const credential = credentials(did)[0];
    const ours = await signDataIntegrity(credential, {
      secretKey: pair.secretKey,
      verificationMethod: vm,
      created: CREATED,
    });
    const tampered = { ...ours, name: 'Forged Badge' };
    const other = generateEd25519KeyPair();
    const wrongKey = await signDataIntegrity(credential, {
      secretKey: other.secretKey,
      verificationMethod: vm,
      created: CREATED,
    });
    for (const bad of [tampered, wrongKey]) {
      const reference = await vc.verifyCredential({
        credential: bad,
        suite: new DataIntegrityProof({ cryptosuite }),
        documentLoader: defaultDocumentLoader,
      });
      expect(reference.verified).toBe(false);
      const mine = await verifyDataIntegrity(bad, { resolveKey });
      expect(mine.verified).toBe(false);
      expect(mine.error?.code).toBe('PROOF_INVALID');
    }
  });
});
