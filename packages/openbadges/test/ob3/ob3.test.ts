import { describe, expect, it } from 'vitest';
import {
  buildAchievement,
  buildEndorsementCredential,
  buildOpenBadgeCredential,
  canonicalizeEmail,
  emailIdentifier,
  hashIdentity,
  matchesIdentity,
  normalizeEmail,
  validateEndorsementCredential,
  validateOpenBadgeCredential,
} from '../../src/ob3/index.ts';
import {
  ajvAchievementCredential as ajvValidate,
  ajvEndorsementCredential as ajvEndorsement,
  readSpec,
} from './official-schema.ts';

const full = () =>
  buildOpenBadgeCredential({
    id: 'https://badges.example/credentials/1',
    issuer: {
      id: 'https://badges.example/issuers/1',
      name: 'Example Society',
      url: 'https://example.org',
      image: 'https://badges.example/i.png',
    },
    validFrom: '2025-01-01T00:00:00Z',
    validUntil: '2030-01-01T00:00:00Z',
    awardedDate: '2025-01-01T00:00:00Z',
    description: 'Awarded for teamwork.',
    image: 'https://badges.example/badge.png',
    subject: {
      email: { address: ' Ann@Example.COM ', salt: 'pepper' },
      narrative: 'Led the team.',
      creditsEarned: 3,
    },
    achievement: buildAchievement({
      id: 'https://badges.example/achievements/9',
      name: 'Teamwork',
      description: 'Works well with others.',
      criteria: 'Complete three team projects.',
      image: 'https://badges.example/a.png',
      achievementType: 'Badge',
      tag: ['team', 'soft-skills'],
      alignment: [
        {
          type: ['Alignment'],
          targetName: 'Collaboration',
          targetUrl: 'https://framework.example/c',
          targetType: 'CFItem',
        },
      ],
      creditsAvailable: 3,
      fieldOfStudy: 'Management',
      humanCode: 'TW-1',
      inLanguage: 'en',
      version: '1.0',
      specialization: 'Agile',
      creator: { id: 'https://badges.example/issuers/1', name: 'Example Society' },
      otherIdentifier: [{ type: 'IdentifierEntry', identifier: 'TW1', identifierType: 'identifier' }],
      related: [{ id: 'https://badges.example/achievements/8', type: ['Related'], inLanguage: 'fr' }],
      resultDescription: [
        {
          id: 'urn:uuid:1',
          type: ['ResultDescription'],
          name: 'Grade',
          resultType: 'LetterGrade',
          allowedValue: ['A', 'B'],
        },
      ],
    }),
    evidence: [{ id: 'https://evidence.example/1', name: 'Project report', narrative: 'See report.' }],
    credentialStatus: {
      id: 'https://badges.example/status/1#5',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '5',
      statusListCredential: 'https://badges.example/status/1',
    },
  });

describe('identity hashing', () => {
  it('matches the spec test vector', () => {
    expect(hashIdentity('a@example.com', 'Kosher')).toBe(
      'sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399',
    );
  });
  it('normalizes emails and matches any hex case and md5', () => {
    expect(normalizeEmail('  A@Example.COM ')).toBe('a@example.com');
    const id = emailIdentifier('A@example.com', 'Kosher');
    expect(id.identityHash).toBe(hashIdentity('a@example.com', 'Kosher'));
    expect(
      matchesIdentity(
        { ...id, identityHash: id.identityHash.toUpperCase().replace('SHA256', 'sha256') },
        'a@example.com',
      ),
    ).toBe(true);
    expect(matchesIdentity(id, 'b@example.com')).toBe(false);
    expect(matchesIdentity({ hashed: true, identityHash: 'md5$0cc175b9c0f1b6a831c399e269772661' }, 'a')).toBe(
      true,
    );
    expect(emailIdentifier('x@y.z').salt).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('email canonical form', () => {
  const canonical = 'ann@xn--bcher-kva.example';
  it.each([
    ['plain', 'ann@xn--bcher-kva.example'],
    ['IDN', 'ann@bücher.example'],
    ['upper case and spaces', '  ANN@BÜCHER.EXAMPLE '],
    ['zero-width space', 'a\u200Bnn@bücher.example'],
    ['joiners, word joiner, BOM', '\uFEFFa\u200Cn\u200Dn\u2060@bücher.example'],
    ['soft hyphen and bidi override', '\u202Ean\u00ADn@bücher.example'],
    ['trailing dot', 'ann@bücher.example.'],
    ['fullwidth letters', 'ａｎｎ＠ｂüｃｈｅｒ．ｅｘａｍｐｌｅ'],
    ['decomposed accent', 'ann@bu\u0308cher.example'],
  ])('folds the %s form to one address and one hash', (_, input) => {
    expect(canonicalizeEmail(input)).toEqual({ ok: true, email: canonical });
    expect(normalizeEmail(input)).toBe(canonical);
    expect(emailIdentifier(input, 'pepper').identityHash).toBe(hashIdentity(canonical, 'pepper'));
  });

  it('keeps accents of the local part composed (NFC) rather than stripped', () => {
    expect(normalizeEmail('Jose\u0301@example.org')).toBe('jos\u00e9@example.org');
  });

  it.each([
    ['a\u0000b@example.org', 'characters'],
    ['a\u0007@example.org', 'characters'],
    ['a b@example.org', 'characters'],
    ['a\u00A0b@example.org', 'characters'],
    ['\uE000@example.org', 'characters'],
    ['a..b@example.org', 'syntax'],
    ['"a"@example.org', 'syntax'],
    ['@example.org', 'syntax'],
    ['ann@xn--zz.example', 'domain'],
    ['ann@0x7f.1', 'domain'],
    ['ann@1.2.3.4', 'domain'],
    ['ann@localhost', 'domain'],
    ['ann@-bad.example', 'domain'],
    ['ann@example..org', 'domain'],
    ['ann@exa mple.org', 'characters'],
    ['\u200B', 'empty'],
  ])('refuses %j (%s)', (input, problem) => {
    expect(canonicalizeEmail(input)).toEqual({ ok: false, problem });
  });

  it('leaves ASCII hashing byte-identical to trim + lower-case', () => {
    for (const raw of [' Mixed.Case+Tag@Example.COM ', 'x@y.z', 'not an email', 'A@LOCALHOST']) {
      expect(normalizeEmail(raw)).toBe(raw.trim().toLowerCase());
    }
  });
});

describe('builders', () => {
  it('produce credentials valid against the official schema and our validator', () => {
    const c = full();
    expect(ajvValidate(c), JSON.stringify(ajvValidate.errors)).toBe(true);
    expect(validateOpenBadgeCredential(c)).toEqual({ valid: true, errors: [] });
    expect(c['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    ]);
    expect(c.credentialSubject.identifier?.[0]?.identityHash).toBe(hashIdentity('ann@example.com', 'pepper'));
    expect(JSON.stringify(c)).not.toContain('Ann@');
    expect(JSON.stringify(c)).not.toContain('null');
    const minimal = buildOpenBadgeCredential({
      issuer: 'did:key:z6Mk',
      validFrom: '2025-01-01T00:00:00Z',
      subject: { id: 'did:example:1' },
      achievement: { id: 'urn:uuid:a', name: 'A', description: 'B', criteria: { narrative: 'C' } },
    });
    expect(ajvValidate(minimal)).toBe(true);
    expect(validateOpenBadgeCredential(minimal).valid).toBe(true);
    expect(minimal.id).toMatch(/^urn:uuid:/);
  });

  it('validates the spec example and the 1EdTech vector', () => {
    const example = readSpec('ob3/example-full-openbadgecredential.json');
    const vector = readSpec('ob3/test-vector-eddsa-rdfc-2022.json');
    for (const c of [example, vector.unsignedCredential]) {
      const { proof, ...rest } = c;
      const forAjv = proof === undefined ? rest : { ...rest, proof: Array.isArray(proof) ? proof : [proof] };
      expect(ajvValidate(forAjv), JSON.stringify(ajvValidate.errors)).toBe(true);
      expect(validateOpenBadgeCredential(c).errors).toEqual([]);
    }
  });

  it('builds endorsements', () => {
    const e = buildEndorsementCredential({
      issuer: { id: 'https://endorser.example', name: 'Endorser' },
      validFrom: '2025-01-01T00:00:00Z',
      name: 'Endorsement of Teamwork',
      subjectId: 'https://badges.example/achievements/9',
      endorsementComment: 'Solid criteria.',
    });
    expect(ajvEndorsement(e), JSON.stringify(ajvEndorsement.errors)).toBe(true);
    expect(validateEndorsementCredential(e).valid).toBe(true);
    const c = { ...full(), endorsement: [e] };
    expect(ajvValidate(c)).toBe(true);
    expect(validateOpenBadgeCredential(c).valid).toBe(true);
    const { name: _n, ...broken } = e;
    expect(ajvEndorsement(broken)).toBe(false);
    expect(validateEndorsementCredential(broken).valid).toBe(false);
  });
});

type Mut = [string, (c: Record<string, any>) => void];
const mutations: Mut[] = [];
for (const k of ['@context', 'id', 'type', 'credentialSubject', 'issuer', 'validFrom'])
  mutations.push([`missing ${k}`, (c) => delete c[k]]);
for (const k of ['id', 'type', 'criteria', 'description', 'name'])
  mutations.push([`achievement missing ${k}`, (c) => delete c.credentialSubject.achievement[k]]);
for (const k of ['type', 'hashed', 'identityHash', 'identityType'])
  mutations.push([`identifier missing ${k}`, (c) => delete c.credentialSubject.identifier[0][k]]);
mutations.push(
  ['subject missing type', (c) => delete c.credentialSubject.type],
  ['subject missing achievement', (c) => delete c.credentialSubject.achievement],
  ['issuer profile missing id', (c) => delete c.issuer.id],
  ['issuer profile missing type', (c) => delete c.issuer.type],
  ['issuer is a number', (c) => (c.issuer = 5)],
  ['context order swapped', (c) => c['@context'].reverse()],
  ['context single', (c) => (c['@context'] = ['https://www.w3.org/ns/credentials/v2'])],
  ['context wrong OB url', (c) => (c['@context'][1] = 'https://example.org/context.json')],
  ['context is a string', (c) => (c['@context'] = 'https://www.w3.org/ns/credentials/v2')],
  ['type lacks OpenBadgeCredential', (c) => (c.type = ['VerifiableCredential'])],
  ['type lacks VerifiableCredential', (c) => (c.type = ['OpenBadgeCredential'])],
  ['type is a string', (c) => (c.type = 'OpenBadgeCredential')],
  ['validFrom not a date', (c) => (c.validFrom = 'yesterday')],
  ['validFrom without zone', (c) => (c.validFrom = '2025-01-01T00:00:00')],
  ['validFrom bad day', (c) => (c.validFrom = '2025-02-30T00:00:00Z')],
  ['validUntil number', (c) => (c.validUntil = 1234)],
  ['name is number', (c) => (c.name = 3)],
  ['image is a string', (c) => (c.image = 'https://x.example/i.png')],
  ['image has extra member', (c) => (c.image.extra = 1)],
  ['image wrong type', (c) => (c.image.type = 'Picture')],
  ['evidence not array', (c) => (c.evidence = c.evidence[0])],
  ['evidence missing type', (c) => delete c.evidence[0].type],
  ['achievement type lacks Achievement', (c) => (c.credentialSubject.achievement.type = ['Thing'])],
  ['achievementType unknown', (c) => (c.credentialSubject.achievement.achievementType = 'Trophy')],
  ['achievementType ext ok', (c) => (c.credentialSubject.achievement.achievementType = 'ext:Trophy')],
  ['tag not array', (c) => (c.credentialSubject.achievement.tag = 'team')],
  ['alignment missing targetUrl', (c) => delete c.credentialSubject.achievement.alignment[0].targetUrl],
  ['criteria is a string', (c) => (c.credentialSubject.achievement.criteria = 'do it')],
  ['creditsAvailable string', (c) => (c.credentialSubject.achievement.creditsAvailable = '3')],
  ['inLanguage bad', (c) => (c.credentialSubject.achievement.inLanguage = 'English')],
  ['identifier extra member', (c) => (c.credentialSubject.identifier[0].email = 'a@b.c')],
  ['identifier hashed string', (c) => (c.credentialSubject.identifier[0].hashed = 'true')],
  ['identifier not array', (c) => (c.credentialSubject.identifier = c.credentialSubject.identifier[0])],
  ['credentialStatus missing id', (c) => delete c.credentialStatus.id],
  ['credentialSchema not array', (c) => (c.credentialSchema = c.credentialSchema[0])],
  ['proof array missing type', (c) => (c.proof = [{ proofValue: 'z1' }])],
  ['proof created bad', (c) => (c.proof = [{ type: 'DataIntegrityProof', created: 'now' }])],
  [
    'resultDescription missing resultType',
    (c) => delete c.credentialSubject.achievement.resultDescription[0].resultType,
  ],
  ['extra top-level member ok', (c) => (c.extension = { x: 1 })],
  ['endorsementJwt not a JWS', (c) => (c.endorsementJwt = ['not a jws'])],
  ['credential is an array', (c) => (c.__replace = [])],
);

describe('our validator agrees with the official schema', () => {
  for (const [name, mutate] of mutations) {
    it(name, () => {
      let c: unknown = structuredClone(full());
      mutate(c as Record<string, any>);
      if ((c as Record<string, unknown>).__replace !== undefined)
        c = (c as Record<string, unknown>).__replace;
      const expected = ajvValidate(c) as boolean;
      const ours = validateOpenBadgeCredential(c, { schemaOnly: true });
      expect(ours.valid, JSON.stringify({ ajv: ajvValidate.errors, ours: ours.errors })).toBe(expected);
      if (!expected) expect(ours.errors.length).toBeGreaterThan(0);
    });
  }
  it('requires a subject id or identifier beyond the schema', () => {
    const c = structuredClone(full()) as Record<string, any>;
    delete c.credentialSubject.identifier;
    expect(ajvValidate(c)).toBe(true);
    expect(validateOpenBadgeCredential(c).errors).toEqual([
      { path: '/credentialSubject', message: 'must have an id or at least one identifier' },
    ]);
  });
});

describe('VC 1.1 credentials', () => {
  it('validates the pre-VC-2.0 form with issuanceDate', () => {
    const { validFrom, validUntil, ...rest } = full();
    const v11 = {
      ...rest,
      '@context': ['https://www.w3.org/2018/credentials/v1', ...rest['@context'].slice(1)],
      issuanceDate: validFrom,
      expirationDate: validUntil,
    };
    expect(validateOpenBadgeCredential(v11)).toEqual({ valid: true, errors: [] });
    const { issuanceDate: _i, ...missing } = v11;
    expect(validateOpenBadgeCredential(missing).errors).toEqual([
      { path: '/', message: 'must have the property issuanceDate' },
    ]);
  });
});
