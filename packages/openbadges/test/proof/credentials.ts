/**
 * Varied, valid OB 3.0 credentials from a seed, for the fast-path equivalence tests, the interop
 * tests and the benchmark. Every optional part of the model that changes the RDF shape appears
 * in some of them: nested profiles, results, alignments, evidence, identifiers, lists, numbers,
 * booleans, dates, status entries, text with quotes, newlines and non-ASCII.
 */

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'Teamwork',
  'Data "Science"',
  'Ünïcödé ✓',
  'line\nbreak',
  'back\\slash',
  'Leadership',
  '日本語',
  'tab\there',
];

export type CredentialText = { name?: string; narrative?: string; extra?: string };

export function makeCredential(
  seed: number,
  issuerId: string,
  text: CredentialText = {},
): Record<string, any> {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const chance = (p: number) => r() < p;
  const n = Math.floor(r() * 1e6);
  const word = () => pick(WORDS);
  const achievement: Record<string, any> = {
    id: `https://badges.example.org/achievements/${n}`,
    type: ['Achievement'],
    name: text.name ?? `${word()} ${n}`,
    description: `Awarded for ${word()}.`,
    criteria: { narrative: text.narrative ?? `Complete ${word()} with ${n % 7} peers.` },
  };
  if (chance(0.5)) achievement.achievementType = pick(['Badge', 'Certificate', 'Course', 'ext:Custom']);
  if (chance(0.4)) achievement.tag = [word(), word()];
  if (chance(0.4)) achievement.creditsAvailable = pick([3, 4.5, 0.25, 12]);
  if (chance(0.3)) {
    achievement.image = { id: `https://badges.example.org/img/${n}.png`, type: 'Image', caption: word() };
  }
  if (chance(0.3)) {
    achievement.alignment = [
      {
        type: ['Alignment'],
        targetName: word(),
        targetUrl: `https://standards.example.org/${n}`,
        targetType: 'ceasn:Competency',
        targetFramework: 'Example Framework',
      },
    ];
  }
  if (chance(0.3)) {
    achievement.resultDescription = [
      {
        id: `urn:uuid:${n}-rd`,
        type: ['ResultDescription'],
        name: 'Grade',
        resultType: 'LetterGrade',
        allowedValue: ['A', 'B', 'C'].slice(0, 1 + (n % 3)),
      },
    ];
  }
  const subject: Record<string, any> = {
    type: ['AchievementSubject'],
    achievement,
  };
  if (chance(0.6)) subject.id = `did:example:recipient${n}`;
  else {
    subject.identifier = [
      {
        type: 'IdentityObject',
        identityHash: `sha256$${(n * 2654435761).toString(16).padStart(64, '0').slice(0, 64)}`,
        identityType: 'emailAddress',
        hashed: true,
        salt: `s${n}`,
      },
    ];
  }
  if (chance(0.3)) subject.creditsEarned = pick([1, 2.5, 10]);
  if (chance(0.3))
    subject.result = [{ type: ['Result'], value: pick(['A', 'B']), resultDescription: `urn:uuid:${n}-rd` }];
  if (chance(0.2)) subject.narrative = word();
  const issuer: Record<string, any> = chance(0.3)
    ? { id: issuerId, type: ['Profile'], name: `Org ${word()}` }
    : {
        id: issuerId,
        type: ['Profile'],
        name: `Org ${n % 97}`,
        url: 'https://org.example/',
        email: 'info@org.example',
      };
  const year = 2020 + (n % 6);
  const credential: Record<string, any> = {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: chance(0.5)
      ? `urn:uuid:0c8a0f3e-${String(n).padStart(4, '0').slice(0, 4)}-4000-8000-000000000000`
      : `https://badges.example.org/credentials/${n}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer,
    validFrom: `${year}-0${1 + (n % 9)}-1${n % 10}T0${n % 10}:00:00Z`,
    name: text.name ?? achievement.name,
    credentialSubject: subject,
  };
  if (chance(0.3)) credential.validUntil = `${year + 3}-01-01T00:00:00Z`;
  if (chance(0.3)) credential.description = word();
  if (chance(0.25)) {
    credential.evidence = [
      { id: `https://evidence.example.org/${n}`, type: ['Evidence'], name: word(), narrative: word() },
    ];
  }
  if (chance(0.2)) {
    credential.credentialStatus = {
      id: `https://badges.example.org/status/1#${n % 1000}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(n % 1000),
      statusListCredential: 'https://badges.example.org/status/1',
    };
  }
  if (chance(0.2)) credential.awardedDate = `${year}-02-02T00:00:00Z`;
  if (text.extra !== undefined) credential.credentialSubject.achievement.humanCode = text.extra;
  return credential;
}
