import { describe, expect, it } from 'vitest';
import {
  bundledContexts,
  CLR_V2_CONTEXT,
  DCC_V1_CONTEXT,
  ED25519_2020_CONTEXT,
  OB3_CONTEXT,
  SECURITY_V1_CONTEXT,
  SECURITY_V2_CONTEXT,
  STATUS_LIST_2021_CONTEXT,
  VC_V1_CONTEXT,
  VC_V2_CONTEXT,
} from '../../src/contexts/index.ts';
import { signDataIntegrity, verifyDataIntegrity } from '../../src/proof/index.ts';
import { newIssuer } from '../proof/did-key.ts';

describe('contexts that credentials from other issuers carry', () => {
  it('are bundled (no network), under the URLs credentials name them by', () => {
    for (const url of [
      ED25519_2020_CONTEXT,
      VC_V1_CONTEXT,
      SECURITY_V1_CONTEXT,
      SECURITY_V2_CONTEXT,
      STATUS_LIST_2021_CONTEXT,
      DCC_V1_CONTEXT,
      CLR_V2_CONTEXT,
    ]) {
      const doc = bundledContexts.get(url) as { '@context'?: unknown } | undefined;
      expect(doc?.['@context'], url).toBeTypeOf('object');
    }
    expect((bundledContexts.get(ED25519_2020_CONTEXT) as any)['@context'].Ed25519Signature2020['@id']).toBe(
      'https://w3id.org/security#Ed25519Signature2020',
    );
  });

  it('sign and verify a CLR 2.0 ClrCredential over the bundled CLR context', async () => {
    const pair = newIssuer();
    const { did } = pair;
    const clr = {
      '@context': [VC_V2_CONTEXT, CLR_V2_CONTEXT, OB3_CONTEXT],
      id: 'urn:uuid:6f0c2a7e-1d3b-4c5e-8f9a-0b1c2d3e4f50',
      type: ['VerifiableCredential', 'ClrCredential'],
      issuer: { id: did, type: ['Profile'], name: 'Example University' },
      validFrom: '2025-01-01T00:00:00Z',
      name: 'Transcript',
      credentialSubject: {
        id: 'did:example:learner-7',
        type: ['ClrSubject'],
        verifiableCredential: [],
        achievement: [
          {
            id: 'https://university.example/achievements/1',
            type: ['Achievement'],
            name: 'Data Stewardship',
            description: 'A course.',
            criteria: { narrative: 'Pass.' },
          },
        ],
      },
    };
    const signed = await signDataIntegrity(clr, {
      secretKey: pair.secretKey,
      verificationMethod: pair.vm,
    });
    const resolveKey = async () => ({ publicKey: pair.publicKey, controller: did });
    expect((await verifyDataIntegrity(signed, { resolveKey })).verified).toBe(true);
    const changed = structuredClone(signed);
    changed.credentialSubject.achievement[0]!.name = 'Something else';
    expect((await verifyDataIntegrity(changed, { resolveKey })).error?.code).toBe('PROOF_INVALID');
  });
});
