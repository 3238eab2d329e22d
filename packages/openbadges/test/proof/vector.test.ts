import { describe, expect, it } from 'vitest';
import {
  canonizeDocument,
  canonizeProofConfig,
  canonizeWithJsonLd,
  keyPairFromHex,
  proofConfigNQuads,
  proofHashes,
  resolveVerificationMethod,
  signDataIntegrity,
  signEd25519,
  verifyDataIntegrity,
} from '../../src/proof/index.ts';
import { specText, vector } from './spec-files.ts';

// The 1EdTech OB 3.0 implementation guide's eddsa-rdfc-2022 vector, reproduced stage by stage.
const v = vector();
const proofConfig = { '@context': v.unsignedCredential['@context'], ...v.proofOptions };

describe('1EdTech eddsa-rdfc-2022 test vector', () => {
  it('canonical document matches (fast path and jsonld.js)', async () => {
    const expected = specText('ob3/test-vector-document-canon.txt');
    expect(await canonizeDocument(v.unsignedCredential)).toBe(expected);
    expect(await canonizeWithJsonLd(v.unsignedCredential)).toBe(expected);
  });

  it('canonical proof configuration matches (direct N-Quads and jsonld.js)', async () => {
    const expected = specText('ob3/test-vector-proof-canon.txt');
    expect(proofConfigNQuads(proofConfig)).toBe(expected);
    expect(await canonizeProofConfig(proofConfig)).toBe(expected);
    expect(await canonizeWithJsonLd(proofConfig)).toBe(expected);
  });

  it('hashes, signature and proofValue match', async () => {
    const h = await proofHashes(v.unsignedCredential, proofConfig);
    expect(h.documentHash.toString('hex')).toBe(v.expected.documentHashHex);
    expect(h.proofHash.toString('hex')).toBe(v.expected.proofHashHex);
    const { secretKey } = keyPairFromHex(v.key.secretKeyHex);
    expect(Buffer.from(signEd25519(secretKey, h.hashData)).toString('hex')).toBe(v.expected.signatureHex);
    const signed = await signDataIntegrity(v.unsignedCredential, {
      secretKey,
      verificationMethod: v.key.id,
      created: v.proofOptions.created,
    });
    expect(signed).toEqual(v.signedCredential);
    expect(signed.proof.proofValue).toBe(v.expected.proofValue);
  });

  it('the signed credential verifies with the key served from the issuer profile URL', async () => {
    const served: string[] = [];
    const profile = {
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: v.key.controller,
      type: 'Profile',
      name: 'Example Corp',
      verificationMethod: [
        {
          id: v.key.id,
          type: 'Multikey',
          controller: v.key.controller,
          publicKeyMultibase: v.key.publicKeyMultibase,
        },
      ],
    };
    const fetchJson = async (url: string) => {
      served.push(url);
      if (url === v.key.controller) return profile;
      throw new Error(`unexpected fetch ${url}`);
    };
    const result = await verifyDataIntegrity(v.signedCredential, {
      resolveKey: (vm) => resolveVerificationMethod(vm, { fetchJson }),
    });
    expect(result).toMatchObject({
      verified: true,
      verificationMethod: v.key.id,
      controller: v.key.controller,
    });
    expect(served).toEqual([v.key.controller]);
  });
});
