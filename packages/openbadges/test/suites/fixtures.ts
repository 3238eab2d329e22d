import { ED25519_2020_CONTEXT, OB3_CONTEXT, VC_V1_CONTEXT, VC_V2_CONTEXT } from '../../src/contexts/index.ts';

/**
 * An OB 3.0 credential shaped as the Digital Credentials Consortium issues them: the Ed25519
 * 2020 suite context after the OB context, an issuer Profile with a did:key, a subject with an
 * id. `v1` gives the VC 1.1 edition (issuanceDate) that older Learner Credential Wallet builds hold.
 */
export function dccStyleCredential(
  issuer: string,
  opts: { v1?: boolean; name?: string } = {},
): Record<string, any> {
  return {
    '@context': [opts.v1 ? VC_V1_CONTEXT : VC_V2_CONTEXT, OB3_CONTEXT, ED25519_2020_CONTEXT],
    id: 'urn:uuid:2f1c8d0e-5b7a-4f3e-9c61-8a2d4e6f1b30',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Introduction to Data Stewardship',
    issuer: {
      id: issuer,
      type: ['Profile'],
      name: 'Example University',
      url: 'https://university.example',
    },
    ...(opts.v1 ? { issuanceDate: '2024-03-01T00:00:00Z' } : { validFrom: '2024-03-01T00:00:00Z' }),
    credentialSubject: {
      id: 'did:example:learner-7',
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://university.example/achievements/data-stewardship',
        type: ['Achievement'],
        achievementType: 'Course',
        name: opts.name ?? 'Data Stewardship',
        description: 'Completed the data stewardship course.',
        criteria: { narrative: 'Pass all four assessments.' },
      },
    },
  };
}
