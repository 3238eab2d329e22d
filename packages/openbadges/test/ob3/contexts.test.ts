import { describe, expect, it } from 'vitest';
import { OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, VC_V2_CONTEXT } from '../../src/contexts/index.ts';
import { buildEndorsementCredential, buildOpenBadgeCredential } from '../../src/ob3/index.ts';
import { ajvAchievementCredential } from './official-schema.ts';

const base = {
  issuer: 'did:key:z6Mk',
  validFrom: '2025-01-01T00:00:00Z',
  subject: { id: 'did:example:1' },
  achievement: { id: 'urn:uuid:a', name: 'A', description: 'B', criteria: { narrative: 'C' } },
};

describe('@context of built credentials', () => {
  it('lists the extensions context once when a caller adds it again', () => {
    const c = buildOpenBadgeCredential({ ...base, extraContexts: [OB3_EXTENSIONS_CONTEXT] });
    expect(c['@context']).toEqual([VC_V2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT]);
    expect(ajvAchievementCredential(c), JSON.stringify(ajvAchievementCredential.errors)).toBe(true);
  });

  it('never repeats a context, keeps the required two first and the rest in the order given', () => {
    const embedded = { ex: 'https://example.org/vocab#' };
    const c = buildOpenBadgeCredential({
      ...base,
      extraContexts: [
        'https://example.org/a.json',
        OB3_CONTEXT,
        VC_V2_CONTEXT,
        embedded,
        'https://example.org/a.json',
        { ex: 'https://example.org/vocab#' },
        OB3_EXTENSIONS_CONTEXT,
        'https://example.org/b.json',
      ],
    });
    expect(c['@context']).toEqual([
      VC_V2_CONTEXT,
      OB3_CONTEXT,
      OB3_EXTENSIONS_CONTEXT,
      'https://example.org/a.json',
      embedded,
      'https://example.org/b.json',
    ]);
  });

  it('endorsements carry each context once as well', () => {
    const e = buildEndorsementCredential({
      issuer: 'did:key:z6Mk',
      validFrom: '2025-01-01T00:00:00Z',
      name: 'Endorsement',
      subjectId: 'urn:uuid:a',
    });
    expect(e['@context']).toEqual([VC_V2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT]);
  });
});
