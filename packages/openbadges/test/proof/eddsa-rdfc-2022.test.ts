import { describe, expect, it } from 'vitest';
import { createDocumentLoader } from '../../src/contexts/index.ts';
import { resolveVerificationMethod, signDataIntegrity, verifyDataIntegrity } from '../../src/proof/index.ts';
import { makeCredential } from './credentials.ts';
import { newIssuer } from './did-key.ts';

const pair = newIssuer();
const { did, vm } = pair;
const resolveKey = (id: string) => resolveVerificationMethod(id);
const sign = <T extends object>(c: T) =>
  signDataIntegrity(c, { secretKey: pair.secretKey, verificationMethod: vm });

describe('signDataIntegrity / verifyDataIntegrity', () => {
  it('round-trips and leaves the input untouched', async () => {
    const credential = makeCredential(42, did);
    const before = JSON.stringify(credential);
    const signed = await sign(credential);
    expect(JSON.stringify(credential)).toBe(before);
    expect(signed.proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
      verificationMethod: vm,
    });
    expect(signed.proof.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(await verifyDataIntegrity(signed, { resolveKey })).toEqual({
      verified: true,
      verificationMethod: vm,
      controller: did,
      proofs: [{ suite: 'eddsa-rdfc-2022', result: 'verified', verificationMethod: vm, controller: did }],
    });
  });

  it('is independent of JSON key order', async () => {
    const signed = await sign(makeCredential(5, did));
    const reordered = Object.fromEntries(Object.entries(signed).reverse());
    expect((await verifyDataIntegrity(reordered, { resolveKey })).verified).toBe(true);
  });

  it('detects a tampered field, deep or shallow', async () => {
    const signed = await sign(makeCredential(8, did));
    const shallow = { ...signed, validFrom: '2001-01-01T00:00:00Z' };
    const deep = structuredClone(signed);
    deep.credentialSubject.achievement.name = 'Something else';
    for (const bad of [shallow, deep]) {
      const r = await verifyDataIntegrity(bad, { resolveKey });
      expect(r.verified).toBe(false);
      expect(r.error?.code).toBe('PROOF_INVALID');
    }
  });

  it('detects a wrong key and a changed proof option', async () => {
    const signed = await sign(makeCredential(9, did));
    const other = newIssuer();
    const r1 = await verifyDataIntegrity(signed, {
      resolveKey: async () => ({ publicKey: other.publicKey, controller: did }),
    });
    expect(r1.error?.code).toBe('PROOF_INVALID');
    const r2 = await verifyDataIntegrity(
      { ...signed, proof: { ...signed.proof, created: '2000-01-01T00:00:00Z' } },
      { resolveKey },
    );
    expect(r2.error?.code).toBe('PROOF_INVALID');
  });

  it('reports a missing proof, another cryptosuite and a garbled proofValue', async () => {
    const credential = makeCredential(10, did);
    expect((await verifyDataIntegrity(credential, { resolveKey })).error?.code).toBe('PROOF_MISSING');
    const signed = await sign(credential);
    // Relabelled proofs are checked in the suite they name, and fail there.
    const ecdsa = { ...signed, proof: { ...signed.proof, cryptosuite: 'ecdsa-rdfc-2019' } };
    expect((await verifyDataIntegrity(ecdsa, { resolveKey })).error?.code).toBe('KEY_INVALID');
    // Ed25519Signature2020 is defined by its own suite context, which this credential lacks.
    const legacy = { ...signed, proof: { ...signed.proof, type: 'Ed25519Signature2020' } };
    expect((await verifyDataIntegrity(legacy, { resolveKey })).error?.code).toBe('JSONLD_INVALID');
    const sd = { ...signed, proof: { ...signed.proof, cryptosuite: 'ecdsa-sd-2023' } };
    expect((await verifyDataIntegrity(sd, { resolveKey })).error?.code).toBe('PROOF_UNSUPPORTED');
    const garbled = { ...signed, proof: { ...signed.proof, proofValue: 'z0OIl' } };
    expect((await verifyDataIntegrity(garbled, { resolveKey })).error?.code).toBe('PROOF_INVALID');
    expect((await verifyDataIntegrity(null as unknown as object, { resolveKey })).verified).toBe(false);
  });

  it('accepts a proof set when every proof it can check verifies', async () => {
    const signed = await sign(makeCredential(12, did));
    const other = newIssuer();
    const otherVm = other.vm;
    const bogus = { ...signed.proof, verificationMethod: otherVm };
    const foreign = { type: 'DataIntegrityProof', cryptosuite: 'bbs-2023', proofValue: 'zabc' };
    const set = { ...signed, proof: [foreign, signed.proof] };
    expect(await verifyDataIntegrity(set, { resolveKey })).toMatchObject({
      verified: true,
      verificationMethod: vm,
      proofs: [
        { suite: 'bbs-2023', result: 'unsupported' },
        { suite: 'eddsa-rdfc-2022', result: 'verified' },
      ],
    });
    // VC-DI proof sets: a proof that does not verify fails the set, even beside a good one.
    const withBogus = { ...signed, proof: [signed.proof, bogus] };
    expect((await verifyDataIntegrity(withBogus, { resolveKey })).verified).toBe(false);
  });

  it('checks the proof @context is a prefix of the document @context', async () => {
    const signed = await sign(makeCredential(13, did));
    const good = {
      ...signed,
      proof: { '@context': ['https://www.w3.org/ns/credentials/v2'], ...signed.proof },
    };
    expect((await verifyDataIntegrity(good, { resolveKey })).verified).toBe(true);
    const bad = {
      ...signed,
      proof: { '@context': ['https://w3id.org/security/data-integrity/v2'], ...signed.proof },
    };
    const r = await verifyDataIntegrity(bad, { resolveKey });
    expect(r.verified).toBe(false);
    expect(r.error?.code).toBe('PROOF_INVALID');
  });

  it('refuses an unknown remote context with CONTEXT_NOT_ALLOWED, on sign and verify', async () => {
    const credential = makeCredential(14, did);
    credential['@context'] = [...credential['@context'], 'https://unknown.example/ctx.json'];
    const err = await sign(credential).catch((e) => e);
    expect(err.code).toBe('CONTEXT_NOT_ALLOWED');
    const signed = await sign(makeCredential(14, did));
    const withRemote = { ...signed, '@context': [...signed['@context'], 'https://unknown.example/ctx.json'] };
    const r = await verifyDataIntegrity(withRemote, { resolveKey });
    expect(r).toMatchObject({ verified: false });
    expect(r.error?.code).toBe('CONTEXT_NOT_ALLOWED');
  });

  it('uses an extra context given to the loader (generic path)', async () => {
    const loader = createDocumentLoader({
      extra: { 'https://org.example/ctx.json': { '@context': { motto: 'https://org.example/vocab#motto' } } },
    });
    const credential: Record<string, any> = { ...makeCredential(15, did), motto: 'Per aspera' };
    credential['@context'] = [...credential['@context'], 'https://org.example/ctx.json'];
    const signed = await signDataIntegrity(credential, {
      secretKey: pair.secretKey,
      verificationMethod: vm,
      documentLoader: loader,
    });
    expect((await verifyDataIntegrity(signed, { resolveKey, documentLoader: loader })).verified).toBe(true);
    const tampered = { ...signed, motto: 'Ad astra' };
    expect((await verifyDataIntegrity(tampered, { resolveKey, documentLoader: loader })).verified).toBe(
      false,
    );
  });

  it('reports key resolution failures with their code', async () => {
    const signed = await sign(makeCredential(16, did));
    const moved = { ...signed, proof: { ...signed.proof, verificationMethod: 'did:example:123#key' } };
    expect((await verifyDataIntegrity(moved, { resolveKey })).error?.code).toBe('DID_UNSUPPORTED');
  });
});
