import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import { cryptosuite as ecdsaRdfc2019 } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as vc from '@digitalbazaar/vc';
import * as dccVc from '@digitalcredentials/vc';
import { Ed25519Signature2020 } from '@digitalcredentials/ed25519-signature-2020';
import { Ed25519VerificationKey2020 } from '@digitalcredentials/ed25519-verification-key-2020';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { defaultDocumentLoader } from '../../src/contexts/index.ts';
import {
  decodeMultikey,
  resolveVerificationMethod,
  signDataIntegrity,
  verifyDataIntegrity,
} from '../../src/proof/index.ts';
import { newIssuer } from '../proof/did-key.ts';
import { specJson } from '../proof/spec-files.ts';
import { dccStyleCredential } from './fixtures.ts';

const resolveKey = (vm: string) => resolveVerificationMethod(vm, { purpose: 'assertionMethod' });
const CREATED = '2024-05-01T12:00:00Z';

/** An Ed25519Signature2020 credential signed by the DCC stack (@digitalcredentials/vc), not by us. */
async function dccSigned(credential: Record<string, any>, key: Ed25519VerificationKey2020) {
  const suite = new Ed25519Signature2020({ key, date: CREATED });
  return dccVc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: defaultDocumentLoader,
  });
}

async function dccKey() {
  const key = await Ed25519VerificationKey2020.generate();
  key.controller = `did:key:${key.publicKeyMultibase}`;
  key.id = `${key.controller}#${key.publicKeyMultibase}`;
  return key;
}

describe('Ed25519Signature2020, signed by the Digital Credentials Consortium stack', () => {
  it('verifies DCC-style OB 3.0 credentials (VC 2.0 and VC 1.1), and not tampered copies', async () => {
    const key = await dccKey();
    for (const v1 of [false, true]) {
      const signed = await dccSigned(dccStyleCredential(key.controller, { v1 }), key);
      expect(signed.proof.type).toBe('Ed25519Signature2020');
      const r = await verifyDataIntegrity(signed, { resolveKey });
      expect(r, `v1=${v1} ${r.error?.message}`).toMatchObject({ verified: true, controller: key.controller });
      expect(r.proofs).toEqual([
        {
          suite: 'Ed25519Signature2020',
          result: 'verified',
          verificationMethod: key.id,
          controller: key.controller,
        },
      ]);
      const tampered = structuredClone(signed);
      tampered.credentialSubject.achievement.name = 'Something else';
      const bad = await verifyDataIntegrity(tampered, { resolveKey });
      expect(bad.verified).toBe(false);
      expect(bad.error?.code).toBe('PROOF_INVALID');
      const redated = { ...signed, proof: { ...signed.proof, created: '2020-01-01T00:00:00Z' } };
      expect((await verifyDataIntegrity(redated, { resolveKey })).error?.code).toBe('PROOF_INVALID');
    }
  });

  it('verifies a proof set of Ed25519Signature2020 beside eddsa-rdfc-2022 and says which were checked', async () => {
    const key = await dccKey();
    const ours = newIssuer();
    const did = key.controller;
    // Both proofs by the issuer: the DCC key for the 2020 suite, a second key we hold for ours.
    const credential = dccStyleCredential(did);
    const theirs = await dccSigned(credential, key);
    const oursSigned = await signDataIntegrity(credential, {
      secretKey: ours.secretKey,
      verificationMethod: ours.vm,
      created: CREATED,
    });
    const unsupported = { type: 'DataIntegrityProof', cryptosuite: 'bbs-2023', proofValue: 'u2V0' };
    const set = { ...credential, proof: [theirs.proof, oursSigned.proof, unsupported] };
    const r = await verifyDataIntegrity(set, { resolveKey });
    expect(r.verified).toBe(true);
    expect(r.proofs?.map((p) => [p.suite, p.result])).toEqual([
      ['Ed25519Signature2020', 'verified'],
      ['eddsa-rdfc-2022', 'verified'],
      ['bbs-2023', 'unsupported'],
    ]);
    // One bad proof in the set makes the set fail (VC-DI: every proof must verify).
    const broken = { ...oursSigned.proof, proofValue: theirs.proof.proofValue };
    const bad = await verifyDataIntegrity({ ...credential, proof: [theirs.proof, broken] }, { resolveKey });
    expect(bad.verified).toBe(false);
    expect(bad.proofs?.map((p) => p.result)).toEqual(['verified', 'failed']);
  });
});

describe('ecdsa-rdfc-2019, signed by @digitalbazaar/ecdsa-rdfc-2019-cryptosuite', () => {
  for (const curve of ['P-256', 'P-384'] as const) {
    it(`verifies ${curve} credentials over did:key, and not tampered copies`, async () => {
      const signer = await EcdsaMultikey.generate({ curve });
      const did = `did:key:${signer.publicKeyMultibase}`;
      Object.assign(signer, { id: `${did}#${signer.publicKeyMultibase}`, controller: did });
      expect(decodeMultikey(signer.publicKeyMultibase).curve).toBe(curve);
      const suite = new DataIntegrityProof({
        signer: signer.signer(),
        cryptosuite: ecdsaRdfc2019,
        date: CREATED,
      });
      const signed = await vc.issue({
        credential: dccStyleCredential(did),
        suite,
        documentLoader: defaultDocumentLoader,
      });
      expect(signed.proof.cryptosuite).toBe('ecdsa-rdfc-2019');
      const r = await verifyDataIntegrity(signed, { resolveKey });
      expect(r, r.error?.message).toMatchObject({ verified: true, controller: did });
      const tampered = structuredClone(signed);
      tampered.issuer.name = 'Another University';
      expect((await verifyDataIntegrity(tampered, { resolveKey })).error?.code).toBe('PROOF_INVALID');
    });
  }
});

describe('eddsa-jcs-2022, the W3C VC-DI-EdDSA test vector', () => {
  const keys = specJson('w3c/keys.json');
  const signed = specJson('w3c/eddsa-jcs-2022-signedJCS.json');
  const vectorKey = async () => ({
    ...decodeMultikey(keys.ed25519.publicKeyMultibase),
    controller: 'https://vc.example/issuers/5678',
  });

  it('verifies the published signed credential', async () => {
    const r = await verifyDataIntegrity(signed, { resolveKey: vectorKey });
    expect(r, r.error?.message).toMatchObject({
      verified: true,
      proofs: [{ suite: 'eddsa-jcs-2022', result: 'verified' }],
    });
  });

  it('is independent of key order and whitespace (JCS), and catches any change', async () => {
    const reordered = JSON.parse(
      JSON.stringify(Object.fromEntries(Object.entries(signed).reverse()), null, 4),
    );
    expect((await verifyDataIntegrity(reordered, { resolveKey: vectorKey })).verified).toBe(true);
    const changed = structuredClone(signed);
    changed.credentialSubject.alumniOf = 'The School of Forgery';
    expect((await verifyDataIntegrity(changed, { resolveKey: vectorKey })).error?.code).toBe('PROOF_INVALID');
    const moreContext = structuredClone(signed);
    moreContext.proof['@context'] = ['https://www.w3.org/ns/credentials/v2', 'https://example.org/other'];
    expect((await verifyDataIntegrity(moreContext, { resolveKey: vectorKey })).error?.code).toBe(
      'PROOF_INVALID',
    );
  });

  it('canonicalizes as RFC 8785 says (the vector document and the RFC number examples)', () => {
    const { proof: _p, ...doc } = signed;
    expect(canonicalize(doc)).toBe(
      '{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}',
    );
    // RFC 8785 §3.2.2.3 / appendix B.
    expect(canonicalize({ b: [1e21, 1e-7, -0, 333333333.3333333], a: '\u20ac$\u000f\nA\'B"\\\\"/' })).toBe(
      '{"a":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/","b":[1e+21,1e-7,0,333333333.3333333]}',
    );
  });
});

describe('ecdsa-jcs-2019, the W3C VC-DI-ECDSA test vectors (P-256 and P-384 did:key)', () => {
  for (const file of [
    'ecdsa-jcs-2019-p256-signedJCSECDSAP256.json',
    'ecdsa-jcs-2019-p384-signedJCSECDSAP384.json',
  ]) {
    it(`verifies ${file}, and not a changed copy`, async () => {
      const signed = specJson(`w3c/${file}`);
      const r = await verifyDataIntegrity(signed, { resolveKey });
      expect(r, r.error?.message).toMatchObject({ verified: true, proofs: [{ suite: 'ecdsa-jcs-2019' }] });
      const changed = structuredClone(signed);
      changed.validFrom = '2020-01-01T00:00:00Z';
      expect((await verifyDataIntegrity(changed, { resolveKey })).error?.code).toBe('PROOF_INVALID');
      const recontexted = { ...signed, '@context': ['https://www.w3.org/ns/credentials/v2'] };
      expect((await verifyDataIntegrity(recontexted, { resolveKey })).error?.code).toBe('PROOF_INVALID');
    });
  }
});

describe('suites this verifier does not implement', () => {
  it('are PROOF_UNSUPPORTED (not checked), naming the suite, never PROOF_INVALID', async () => {
    for (const proof of [
      { type: 'DataIntegrityProof', cryptosuite: 'ecdsa-sd-2023', proofValue: 'u2V0AhVhA' },
      { type: 'DataIntegrityProof', cryptosuite: 'bbs-2023', proofValue: 'u2V0ChVhQ' },
      { type: 'BbsBlsSignature2020', proofValue: 'abc' },
    ]) {
      const r = await verifyDataIntegrity({ ...dccStyleCredential('did:example:x'), proof }, { resolveKey });
      expect(r.verified).toBe(false);
      expect(r.error?.code).toBe('PROOF_UNSUPPORTED');
      expect(r.error?.message).toBe(
        `This verifier cannot check a ${proof.type === 'DataIntegrityProof' ? proof.cryptosuite : proof.type} signature.`,
      );
    }
  });
});
