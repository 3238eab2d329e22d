import { randomUUID } from 'node:crypto';
import { OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, VC_V2_CONTEXT } from '../contexts/bundled.ts';
import { emailIdentifier } from './identity.ts';
import type {
  Achievement,
  AchievementSubject,
  CredentialSchema,
  CredentialStatus,
  EndorsementCredential,
  Evidence,
  IdentityObject,
  Image,
  OpenBadgeCredential,
  Profile,
} from './types.ts';

export const ACHIEVEMENT_CREDENTIAL_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
export const ENDORSEMENT_CREDENTIAL_SCHEMA =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json';

/** Drops undefined/null members so the JSON never carries nulls (OB 3.0 serialization rules). */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as T;
}

const image = (img: string | Image | undefined): Image | undefined =>
  img === undefined ? undefined : typeof img === 'string' ? { id: img, type: 'Image' } : img;

export type ProfileInput = Omit<Profile, 'type' | 'image'> & { type?: string[]; image?: string | Image };

export function buildProfile(input: ProfileInput): Profile {
  return compact({ ...input, type: input.type ?? ['Profile'], image: image(input.image) }) as Profile;
}

export type AchievementInput = Omit<Achievement, 'type' | 'image' | 'criteria' | 'creator'> & {
  type?: string[];
  image?: string | Image;
  /** A narrative string, or the criteria object. */
  criteria: string | Achievement['criteria'];
  creator?: ProfileInput;
};

export function buildAchievement(input: AchievementInput): Achievement {
  return compact({
    ...input,
    type: input.type ?? ['Achievement'],
    image: image(input.image),
    criteria: typeof input.criteria === 'string' ? { narrative: input.criteria } : compact(input.criteria),
    creator: input.creator ? buildProfile(input.creator) : undefined,
    alignment: input.alignment?.map((a) => compact({ ...a, type: a.type ?? ['Alignment'] })),
  }) as Achievement;
}

export type SubjectInput = {
  id?: string;
  /** The earner's email, hashed with the salt (a random one when absent); never written in clear. */
  email?: { address: string; salt?: string };
  identifier?: IdentityObject[];
  narrative?: string;
  result?: AchievementSubject['result'];
  creditsEarned?: number;
  activityStartDate?: string;
  activityEndDate?: string;
  role?: string;
  term?: string;
  image?: string | Image;
};

export type OpenBadgeCredentialInput = {
  /** Defaults to a fresh urn:uuid. */
  id?: string;
  issuer: string | ProfileInput;
  validFrom: string;
  validUntil?: string;
  awardedDate?: string;
  name?: string;
  description?: string;
  image?: string | Image;
  subject: SubjectInput;
  achievement: Achievement | AchievementInput;
  evidence?: (Omit<Evidence, 'type'> & { type?: string[] })[];
  credentialStatus?: CredentialStatus;
  endorsement?: EndorsementCredential[];
  endorsementJwt?: string[];
  /** Extra contexts, placed after the required ones; any already present is not repeated. */
  extraContexts?: JsonLdContext[];
  /** Extra top-level members (extensions); they never override the built ones. */
  extra?: Record<string, unknown>;
};

export type JsonLdContext = string | Record<string, unknown>;

/**
 * The `@context` of a built credential: the two contexts OB 3.0 requires first, then extensions.json
 * (it defines 1EdTechJsonSchemaValidator2019 and the 1EdTech status and refresh types; without it
 * those names are relative IRIs and JSON-LD signing refuses them), then the caller's extras in
 * their order. A context already listed is skipped (an embedded one when its JSON is the same):
 * repeats are redundant for JSON-LD, and verifiers and wallets that compare lists trip on them.
 */
export function credentialContexts(extra: readonly JsonLdContext[] = []): JsonLdContext[] {
  const seen = new Set<string>();
  const out: JsonLdContext[] = [];
  for (const context of [VC_V2_CONTEXT, OB3_CONTEXT, OB3_EXTENSIONS_CONTEXT, ...extra]) {
    const key = typeof context === 'string' ? context : JSON.stringify(context);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(context);
  }
  return out;
}

function buildSubject(s: SubjectInput, achievement: Achievement): AchievementSubject {
  const identifier = [...(s.identifier ?? [])];
  if (s.email) identifier.push(emailIdentifier(s.email.address, s.email.salt));
  return compact({
    id: s.id,
    type: ['AchievementSubject'],
    identifier,
    achievement,
    narrative: s.narrative,
    result: s.result,
    creditsEarned: s.creditsEarned,
    activityStartDate: s.activityStartDate,
    activityEndDate: s.activityEndDate,
    role: s.role,
    term: s.term,
    image: image(s.image),
  }) as AchievementSubject;
}

/** An unsigned OpenBadgeCredential (VC 2.0 envelope, OB context 3.0.3 + extensions, the 1EdTech schema declared). */
export function buildOpenBadgeCredential(input: OpenBadgeCredentialInput): OpenBadgeCredential {
  // buildAchievement is idempotent on a built Achievement.
  const achievement = buildAchievement(input.achievement as AchievementInput);
  const schema: CredentialSchema[] = [
    { id: ACHIEVEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' },
  ];
  return compact({
    ...input.extra,
    '@context': credentialContexts(input.extraContexts),
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.name ?? achievement.name,
    description: input.description,
    image: image(input.image),
    issuer: typeof input.issuer === 'string' ? input.issuer : buildProfile(input.issuer),
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    awardedDate: input.awardedDate,
    credentialSubject: buildSubject(input.subject, achievement),
    evidence: input.evidence?.map((e) => compact({ ...e, type: e.type ?? ['Evidence'] })),
    endorsement: input.endorsement,
    endorsementJwt: input.endorsementJwt,
    credentialSchema: schema,
    credentialStatus: input.credentialStatus,
  }) as OpenBadgeCredential;
}

export type EndorsementCredentialInput = {
  id?: string;
  issuer: string | ProfileInput;
  validFrom: string;
  validUntil?: string;
  name: string;
  description?: string;
  /** The endorsed thing: an Achievement, a Profile or a credential, by id. */
  subjectId: string;
  endorsementComment?: string;
  credentialStatus?: CredentialStatus;
};

export function buildEndorsementCredential(input: EndorsementCredentialInput): EndorsementCredential {
  return compact({
    '@context': credentialContexts(),
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'EndorsementCredential'],
    name: input.name,
    description: input.description,
    issuer: typeof input.issuer === 'string' ? input.issuer : buildProfile(input.issuer),
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    credentialSubject: compact({
      id: input.subjectId,
      type: ['EndorsementSubject'],
      endorsementComment: input.endorsementComment,
    }),
    credentialSchema: [{ id: ENDORSEMENT_CREDENTIAL_SCHEMA, type: '1EdTechJsonSchemaValidator2019' }],
    credentialStatus: input.credentialStatus,
  }) as EndorsementCredential;
}
