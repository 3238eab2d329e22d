import { describe, expect, it } from 'vitest';
import { STATUS_LIST_2021_CONTEXT, VC_V1_CONTEXT } from '../../src/contexts/index.ts';
import { isOpenBadgesError } from '../../src/errors.ts';
import { canonizeDocument, canonizeWithJsonLd } from '../../src/proof/index.ts';
import { dccStyleCredential } from '../suites/fixtures.ts';

// The contexts bundled for credentials from other issuers (Ed25519 2020 suite, VC 1.1,
// StatusList2021) must canonicalize the same on the fast path as through jsonld.js itself.
const outcome = (p: Promise<string>) => p.catch((e) => (isOpenBadgesError(e) ? `error ${e.code}` : e));

describe('canonical N-Quads over the field contexts', () => {
  it('agree between the fast path and jsonld.js', async () => {
    const did = 'did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi';
    const docs = [
      dccStyleCredential(did),
      dccStyleCredential(did, { v1: true }),
      {
        '@context': [VC_V1_CONTEXT, STATUS_LIST_2021_CONTEXT],
        id: 'https://status.example/lists/1',
        type: ['VerifiableCredential', 'StatusList2021Credential'],
        issuer: did,
        issuanceDate: '2024-01-01T00:00:00Z',
        credentialSubject: {
          id: 'https://status.example/lists/1#list',
          type: 'StatusList2021',
          statusPurpose: 'revocation',
          encodedList: 'H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA',
        },
      },
    ];
    for (const doc of docs) {
      const canon = await outcome(canonizeDocument(doc));
      expect(canon).not.toMatch(/^error/);
      expect(canon).toBe(await outcome(canonizeWithJsonLd(doc)));
    }
  });
});
