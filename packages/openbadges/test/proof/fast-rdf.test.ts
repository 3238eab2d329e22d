import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDocumentLoader, defaultDocumentLoader } from '../../src/contexts/index.ts';
import { isOpenBadgesError } from '../../src/errors.ts';
import { contextResolverFor } from '../../src/proof/canonize.ts';
import { fastToRdf } from '../../src/proof/fast-rdf.ts';
import { canonizeDocument, canonizeWithJsonLd, proofConfigNQuads } from '../../src/proof/index.ts';
import { makeCredential } from './credentials.ts';
import { fullExample, specJson, vector } from './spec-files.ts';

const ISSUER = 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';

async function usesFastPath(doc: object): Promise<boolean> {
  return (
    (await fastToRdf(doc, defaultDocumentLoader, contextResolverFor(defaultDocumentLoader))) !== undefined
  );
}

/** Both paths give the same N-Quads, or the same error code. */
async function expectSameCanon(doc: object): Promise<void> {
  const outcome = (p: Promise<string>) => p.catch((e) => (isOpenBadgesError(e) ? `error ${e.code}` : e));
  expect(await outcome(canonizeDocument(doc))).toBe(await outcome(canonizeWithJsonLd(doc)));
}

describe('fast JSON-LD → RDF path', () => {
  it('matches jsonld.js on the 1EdTech documents, signed and unsigned', async () => {
    const v = vector();
    const full = specJson('ob3/example-full-openbadgecredential.json');
    for (const doc of [v.unsignedCredential, v.signedCredential, fullExample(), full]) {
      expect(await usesFastPath(doc)).toBe(true);
      await expectSameCanon(doc);
    }
  });

  it('matches jsonld.js on status lists, endorsements and profiles', async () => {
    const docs = [
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        id: 'https://x.example/status/1',
        type: ['VerifiableCredential', 'BitstringStatusListCredential'],
        issuer: 'did:web:x.example',
        validFrom: '2024-01-01T00:00:00Z',
        credentialSubject: {
          id: 'https://x.example/status/1#list',
          type: 'BitstringStatusList',
          statusPurpose: 'revocation',
          encodedList: 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
          ttl: 300,
        },
      },
      {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        ],
        id: 'urn:uuid:6a0e2a64-8d0c-4f43-9b43-0c1f6f1f3a01',
        type: ['VerifiableCredential', 'EndorsementCredential'],
        issuer: { id: 'did:web:a.example', type: 'Profile', name: 'A' },
        validFrom: '2024-01-01T00:00:00Z',
        name: 'Endorsement',
        credentialSubject: {
          id: 'https://b.example/issuers/1',
          type: ['EndorsementSubject'],
          endorsementComment: 'Good',
        },
      },
      {
        '@context': [
          'https://www.w3.org/ns/credentials/v2',
          'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
          'https://w3id.org/security/data-integrity/v2',
        ],
        id: 'https://a.example/issuers/1',
        type: 'Profile',
        name: 'Org',
        url: 'https://a.example',
        email: 'a@a.example',
        image: { id: 'https://a.example/i.png', type: 'Image' },
      },
    ];
    for (const doc of docs) {
      expect(await usesFastPath(doc)).toBe(true);
      await expectSameCanon(doc);
    }
  });

  it('matches jsonld.js on generated credentials (property test)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.record({
          name: fc.option(fc.string({ unit: 'grapheme', maxLength: 30 }), { nil: undefined }),
          narrative: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
          extra: fc.option(fc.string({ unit: 'binary', maxLength: 20 }), { nil: undefined }),
        }),
        async (seed, text) => {
          const doc = makeCredential(seed, ISSUER, text);
          expect(await usesFastPath(doc)).toBe(true);
          await expectSameCanon(doc);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('drops repeated quads like jsonld.js: a value listed twice, one id described twice, two keys for one IRI', async () => {
    const base = makeCredential(11, ISSUER);
    const achievement = base.credentialSubject.achievement;
    const evidence = { id: 'https://e.example/1', type: ['Evidence'], name: 'Report' };
    const docs = [
      {
        ...base,
        credentialSubject: {
          ...base.credentialSubject,
          achievement: { ...achievement, tag: ['a', 'b', 'a'] },
        },
      },
      { ...base, evidence: [evidence, { ...evidence }] },
      { ...base, evidence: [evidence, { id: evidence.id, type: ['Evidence'], narrative: 'Other' }] },
      {
        ...base,
        credentialSubject: {
          ...base.credentialSubject,
          achievement: { ...achievement, type: ['Achievement', 'Achievement'] },
        },
      },
      {
        ...base,
        credentialSubject: {
          ...base.credentialSubject,
          achievement: { ...achievement, 'https://schema.org/name': achievement.name },
        },
      },
      { ...base, name: 'Same', 'https://schema.org/name': 'Same' },
      // The issuer described in full twice: as issuer and as the achievement's creator.
      {
        ...base,
        issuer: { id: ISSUER, type: ['Profile'], name: 'Org' },
        credentialSubject: {
          ...base.credentialSubject,
          achievement: { ...achievement, creator: { id: ISSUER, type: ['Profile'], name: 'Org' } },
        },
      },
    ];
    for (const doc of docs) {
      expect(await usesFastPath(doc)).toBe(true);
      await expectSameCanon(doc);
    }
  });

  it('hands documents outside its subset to jsonld.js, with the same result', async () => {
    const base = makeCredential(7, ISSUER);
    const variants: object[] = [
      {
        ...base,
        '@context': [...base['@context'], { local: 'https://org.example/vocab#local' }],
        local: 'x',
      },
      { ...base, description: { '@value': 'hello', '@language': 'en' } },
      {
        ...base,
        credentialSubject: { ...base.credentialSubject, '@context': { n: 'https://org.example/n' }, n: 1 },
      },
      { ...base, '@context': ['https://www.w3.org/ns/credentials/v2'] },
      { ...base, extraList: { '@list': [1, 2] } },
      { ...base, nested: [[1, 2]] },
      { ...base, evidence: [{}] },
      { ...base, undefinedTerm: 'dropped by expansion, so refused in safe mode' },
      { ...base, credentialSubject: { ...base.credentialSubject, id: 'relative/id' } },
    ];
    for (const doc of variants) await expectSameCanon(doc);
    expect(await usesFastPath(variants[0])).toBe(false);
    expect(await usesFastPath(variants[1])).toBe(false);
  });

  it('lets jsonld.js safe mode reject what it must', async () => {
    const base = makeCredential(11, ISSUER);
    const relative = { ...base, id: 'not-an-absolute-iri' };
    const err = await canonizeDocument(relative).catch((e) => e);
    expect(isOpenBadgesError(err, 'JSONLD_INVALID')).toBe(true);
    // VC 1.1 after VC 2.0 redefines protected terms: a context error, reported the same way.
    const clash = { ...base, '@context': [...base['@context'], 'https://www.w3.org/2018/credentials/v1'] };
    for (let i = 0; i < 2; i++) {
      const e = await canonizeDocument(clash).catch((x) => x);
      expect(isOpenBadgesError(e, 'JSONLD_INVALID')).toBe(true);
    }
  });

  it('never serves a context a custom loader replaced', async () => {
    const loader = createDocumentLoader({
      extra: {
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': {
          '@context': { '@vocab': 'https://evil.example/#' },
        },
      },
    });
    const doc = makeCredential(3, ISSUER);
    expect(await fastToRdf(doc, loader, contextResolverFor(loader))).toBeUndefined();
    expect(await canonizeDocument(doc, loader)).toBe(await canonizeWithJsonLd(doc, loader));
  });

  it('writes proof configurations like jsonld.js', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.webUrl(),
        fc.date({ min: new Date('1970-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        fc.constantFrom('eddsa-rdfc-2022', 'ecdsa-rdfc-2019', 'odd "suite"'),
        async (vm, date, cryptosuite) => {
          const config = {
            '@context': [
              'https://www.w3.org/ns/credentials/v2',
              'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
            ],
            type: 'DataIntegrityProof' as const,
            cryptosuite: cryptosuite as 'eddsa-rdfc-2022',
            created: date.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            verificationMethod: vm,
            proofPurpose: 'assertionMethod',
          };
          const direct = proofConfigNQuads(config);
          if (direct !== undefined) expect(direct).toBe(await canonizeWithJsonLd(config));
        },
      ),
      { numRuns: 100 },
    );
  });
});
