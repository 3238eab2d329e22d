import { ACHIEVEMENT_TYPES } from './types.ts';
import { type Obj, isObj } from '../json-values.ts';

/**
 * Runtime validation of OB 3.0 credentials against the rules of the official JSON Schema
 * (ob_v3p0_achievementcredential_schema.json), written out in code so verification needs no
 * schema engine. One deliberate difference: `proof` may be a single object, as VC 2.0 allows and
 * every Data Integrity signer emits; the schema only lists the array form.
 */
export type ValidationError = { path: string; message: string };
export type ValidationResult = { valid: boolean; errors: ValidationError[] };

type Ctx = { errors: ValidationError[] };
type Check = (v: unknown, path: string, ctx: Ctx) => void;

const err = (ctx: Ctx, path: string, message: string) => void ctx.errors.push({ path: path || '/', message });

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OB_CONTEXT = /^https:\/\/purl\.imsglobal\.org\/spec\/ob\/v3p0\/context(-3\.\d\.\d)*\.json$/;
const JWS = /^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$/;
const LANGUAGE = /^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$/;
const EXT = /(ext:)[a-z|A-Z|0-9|.|-|_]+/;

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  return day <= days;
}

/** RFC 3339 date-time with a time zone, as ajv-formats checks `format: date-time`. */
export function isDateTime(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [, y, mo, d, h, mi, s] = m;
  if (!validDate(y!, mo!, d!)) return false;
  return Number(h) <= 23 && Number(mi) <= 59 && Number(s) < 61;
}

const str: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
};
const num: Check = (v, p, ctx) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) err(ctx, p, 'must be a number');
};
const bool: Check = (v, p, ctx) => {
  if (typeof v !== 'boolean') err(ctx, p, 'must be a boolean');
};
const dateTime: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
  else if (!isDateTime(v)) err(ctx, p, 'must be a date-time with a time zone (RFC 3339)');
};
const date: Check = (v, p, ctx) => {
  if (typeof v !== 'string') err(ctx, p, 'must be a string');
  else {
    const m = DATE.exec(v);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!)) err(ctx, p, 'must be a date (YYYY-MM-DD)');
  }
};
const pattern =
  (re: RegExp, what: string): Check =>
  (v, p, ctx) => {
    if (typeof v !== 'string') err(ctx, p, 'must be a string');
    else if (!re.test(v)) err(ctx, p, `must be ${what}`);
  };
const arrayOf =
  (item: Check): Check =>
  (v, p, ctx) => {
    if (!Array.isArray(v)) return err(ctx, p, 'must be an array');
    for (const [i, x] of v.entries()) item(x, `${p}/${i}`, ctx);
  };
/** An unordered type set: a non-empty array of strings containing one of `required`. */
const typeSet =
  (...required: string[]): Check =>
  (v, p, ctx) => {
    if (!Array.isArray(v) || v.length === 0)
      return err(ctx, p, `must be a non-empty array containing ${required.join(' or ')}`);
    for (const [i, x] of v.entries()) str(x, `${p}/${i}`, ctx);
    if (!v.some((x) => required.includes(x as string))) err(ctx, p, `must contain ${required.join(' or ')}`);
  };
const oneOfStrings =
  (values: readonly string[], what: string): Check =>
  (v, p, ctx) => {
    if (typeof v !== 'string') return err(ctx, p, 'must be a string');
    if (!values.includes(v) && !EXT.test(v)) err(ctx, p, `must be ${what}`);
  };

type Shape = { required?: string[]; props: Record<string, Check>; closed?: boolean };

const object =
  (shape: () => Shape): Check =>
  (v, p, ctx) => {
    if (!isObj(v)) return err(ctx, p, 'must be an object');
    const s = shape();
    for (const r of s.required ?? []) if (!(r in v)) err(ctx, p, `must have the property ${r}`);
    for (const [k, val] of Object.entries(v)) {
      const check = s.props[k];
      if (check) check(val, `${p}/${k}`, ctx);
      else if (s.closed) err(ctx, `${p}/${k}`, 'is not an allowed property');
    }
  };

const Image = object(() => ({
  required: ['id', 'type'],
  closed: true,
  props: { id: str, type: enumOf(['Image']), caption: str },
}));
function enumOf(values: string[]): Check {
  return (v, p, ctx) => {
    if (typeof v !== 'string' || !values.includes(v))
      err(ctx, p, `must be ${values.map((x) => `"${x}"`).join(' or ')}`);
  };
}
const IdentifierEntry = object(() => ({
  required: ['type', 'identifier', 'identifierType'],
  closed: true,
  props: { type: enumOf(['IdentifierEntry']), identifier: str, identifierType: str },
}));
const Alignment = object(() => ({
  required: ['type', 'targetName', 'targetUrl'],
  props: {
    type: typeSet('Alignment'),
    targetCode: str,
    targetDescription: str,
    targetName: str,
    targetFramework: str,
    targetType: oneOfStrings(
      [
        'ceasn:Competency',
        'ceterms:Credential',
        'CFItem',
        'CFRubric',
        'CFRubricCriterion',
        'CFRubricCriterionLevel',
        'CTDL',
      ],
      'a known alignment target type or ext:…',
    ),
    targetUrl: str,
  },
}));
const Address = object(() => ({
  required: ['type'],
  props: {
    type: typeSet('Address'),
    addressCountry: str,
    addressCountryCode: str,
    addressRegion: str,
    addressLocality: str,
    streetAddress: str,
    postOfficeBoxNumber: str,
    postalCode: str,
  },
}));
const Profile: Check = object(() => ({
  required: ['id', 'type'],
  props: {
    id: str,
    type: typeSet('Profile'),
    name: str,
    url: str,
    phone: str,
    description: str,
    endorsement: arrayOf(Endorsement),
    endorsementJwt: arrayOf(pattern(JWS, 'a compact JWS')),
    image: Image,
    email: str,
    address: Address,
    otherIdentifier: arrayOf(IdentifierEntry),
    official: str,
    parentOrg: (v, p, ctx) => Profile(v, p, ctx),
    familyName: str,
    givenName: str,
    additionalName: str,
    patronymicName: str,
    honorificPrefix: str,
    honorificSuffix: str,
    familyNamePrefix: str,
    dateOfBirth: date,
  },
}));
const ProfileRef: Check = (v, p, ctx) => {
  if (typeof v === 'string') return;
  if (!isObj(v)) return err(ctx, p, 'must be a URI or a Profile object');
  Profile(v, p, ctx);
};
const Criteria = object(() => ({ props: { id: str, narrative: str } }));
const Related = object(() => ({
  required: ['id', 'type'],
  props: {
    id: str,
    type: typeSet('Related'),
    inLanguage: pattern(LANGUAGE, 'a BCP 47 language tag'),
    version: str,
  },
}));
const RubricCriterionLevel = object(() => ({
  required: ['id', 'type', 'name'],
  props: {
    id: str,
    type: typeSet('RubricCriterionLevel'),
    alignment: arrayOf(Alignment),
    description: str,
    level: str,
    name: str,
    points: str,
  },
}));
const ResultDescription = object(() => ({
  required: ['id', 'type', 'name', 'resultType'],
  props: {
    id: str,
    type: typeSet('ResultDescription'),
    alignment: arrayOf(Alignment),
    allowedValue: arrayOf(str),
    name: str,
    requiredLevel: str,
    requiredValue: str,
    resultType: oneOfStrings(
      [
        'GradePointAverage',
        'LetterGrade',
        'Percent',
        'PerformanceLevel',
        'PredictedScore',
        'RawScore',
        'Result',
        'RubricCriterion',
        'RubricCriterionLevel',
        'RubricScore',
        'ScaledScore',
        'Status',
      ],
      'a known result type or ext:…',
    ),
    rubricCriterionLevel: arrayOf(RubricCriterionLevel),
    valueMax: str,
    valueMin: str,
  },
}));
const Achievement = object(() => ({
  required: ['id', 'type', 'criteria', 'description', 'name'],
  props: {
    id: str,
    type: typeSet('Achievement'),
    alignment: arrayOf(Alignment),
    achievementType: oneOfStrings(ACHIEVEMENT_TYPES, 'a known achievement type or ext:…'),
    creator: Profile,
    creditsAvailable: num,
    criteria: Criteria,
    description: str,
    endorsement: arrayOf(Endorsement),
    endorsementJwt: arrayOf(pattern(JWS, 'a compact JWS')),
    fieldOfStudy: str,
    humanCode: str,
    image: Image,
    inLanguage: pattern(LANGUAGE, 'a BCP 47 language tag'),
    name: str,
    otherIdentifier: arrayOf(IdentifierEntry),
    related: arrayOf(Related),
    resultDescription: arrayOf(ResultDescription),
    specialization: str,
    tag: arrayOf(str),
    version: str,
  },
}));
const IDENTITY_TYPES = [
  'name',
  'sourcedId',
  'systemId',
  'productId',
  'userName',
  'accountId',
  'emailAddress',
  'nationalIdentityNumber',
  'isbn',
  'issn',
  'lisSourcedId',
  'oneRosterSourcedId',
  'sisSourcedId',
  'ltiContextId',
  'ltiDeploymentId',
  'ltiToolId',
  'ltiPlatformId',
  'ltiUserId',
  'identifier',
];
const IdentityObject = object(() => ({
  required: ['type', 'hashed', 'identityHash', 'identityType'],
  closed: true,
  props: {
    type: enumOf(['IdentityObject']),
    hashed: bool,
    identityHash: str,
    identityType: oneOfStrings(IDENTITY_TYPES, 'a known identity type or ext:…'),
    salt: str,
  },
}));
const Result = object(() => ({
  required: ['type'],
  props: {
    type: typeSet('Result'),
    achievedLevel: str,
    alignment: arrayOf(Alignment),
    resultDescription: str,
    status: enumOf(['Completed', 'Enrolled', 'Failed', 'InProgress', 'OnHold', 'Provisional', 'Withdrew']),
    value: str,
  },
}));
const AchievementSubject = object(() => ({
  required: ['type', 'achievement'],
  props: {
    id: str,
    type: typeSet('AchievementSubject'),
    activityEndDate: dateTime,
    activityStartDate: dateTime,
    creditsEarned: num,
    achievement: Achievement,
    identifier: arrayOf(IdentityObject),
    image: Image,
    licenseNumber: str,
    narrative: str,
    result: arrayOf(Result),
    role: str,
    source: Profile,
    term: str,
  },
}));
const Evidence = object(() => ({
  required: ['type'],
  props: {
    id: str,
    type: typeSet('Evidence'),
    narrative: str,
    name: str,
    description: str,
    genre: str,
    audience: str,
  },
}));
const ProofObj = object(() => ({
  required: ['type'],
  props: {
    type: str,
    created: dateTime,
    cryptosuite: str,
    challenge: str,
    domain: str,
    nonce: str,
    proofPurpose: str,
    proofValue: str,
    verificationMethod: str,
  },
}));
const ProofField: Check = (v, p, ctx) =>
  Array.isArray(v) ? arrayOf(ProofObj)(v, p, ctx) : ProofObj(v, p, ctx);
const IdType = (required: string[]) => object(() => ({ required, props: { id: str, type: str } }));
const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
const contextFor =
  (vc: string): Check =>
  (v, p, ctx) => {
    if (!Array.isArray(v)) return err(ctx, p, 'must be an array');
    if (v.length < 2)
      err(ctx, p, 'must list at least the Verifiable Credentials and Open Badges 3.0 contexts');
    if (v.length > 0 && v[0] !== vc) err(ctx, `${p}/0`, `must be ${vc}`);
    if (v.length > 1) {
      if (typeof v[1] !== 'string') err(ctx, `${p}/1`, 'must be a string');
      else if (!OB_CONTEXT.test(v[1])) err(ctx, `${p}/1`, 'must be the Open Badges 3.0 context');
    }
    v.slice(2).forEach((c, i) => {
      if (typeof c !== 'string' && !isObj(c)) err(ctx, `${p}/${i + 2}`, 'must be a URI or an object');
    });
  };

const Context = contextFor(VC_V2);

const envelope = (subject: Check, types: string[]): Record<string, Check> => ({
  '@context': Context,
  id: str,
  type: (v, p, ctx) => {
    typeSet('VerifiableCredential')(v, p, ctx);
    if (Array.isArray(v) && v.length > 0 && !v.some((x) => types.includes(x as string)))
      err(ctx, p, `must contain ${types.join(' or ')}`);
  },
  name: str,
  description: str,
  credentialSubject: subject,
  awardedDate: dateTime,
  issuer: ProfileRef,
  validFrom: dateTime,
  validUntil: dateTime,
  proof: ProofField,
  credentialSchema: arrayOf(IdType(['id', 'type'])),
  credentialStatus: IdType(['id', 'type']),
  refreshService: IdType(['id', 'type']),
  termsOfUse: arrayOf(IdType(['type'])),
});

const EndorsementSubject = object(() => ({
  required: ['id', 'type'],
  props: { id: str, type: typeSet('EndorsementSubject'), endorsementComment: str },
}));
function Endorsement(v: unknown, p: string, ctx: Ctx): void {
  object(() => ({
    required: ['@context', 'type', 'id', 'name', 'credentialSubject', 'issuer', 'validFrom'],
    props: envelope(EndorsementSubject, ['EndorsementCredential']),
  }))(v, p, ctx);
}

// The VC 1.1 edition of an envelope: its context, and issuanceDate / expirationDate in place of
// validFrom / validUntil (the `any…credential` schemas).
function v11(props: Record<string, Check>): Record<string, Check> {
  const { validFrom: _f, validUntil: _u, ...rest } = props;
  return { ...rest, '@context': contextFor(VC_V1), issuanceDate: dateTime, expirationDate: dateTime };
}

const EndorsementCredentialV11 = object(() => ({
  required: ['@context', 'type', 'id', 'name', 'credentialSubject', 'issuer', 'issuanceDate'],
  props: v11(envelope(EndorsementSubject, ['EndorsementCredential'])),
}));

const AchievementCredential = object(() => ({
  required: ['@context', 'id', 'type', 'credentialSubject', 'issuer', 'validFrom'],
  props: {
    ...envelope(AchievementSubject, ['AchievementCredential', 'OpenBadgeCredential']),
    image: Image,
    endorsement: arrayOf(Endorsement),
    endorsementJwt: arrayOf(pattern(JWS, 'a compact JWS')),
    evidence: arrayOf(Evidence),
  },
}));

// OB 3.0 credentials issued before VC 2.0 (the `anyachievementcredential` schema): VC 1.1
// context and issuanceDate / expirationDate in place of validFrom / validUntil.
const AchievementCredentialV11 = object(() => {
  return {
    required: ['@context', 'id', 'type', 'credentialSubject', 'issuer', 'issuanceDate'],
    props: {
      ...v11(envelope(AchievementSubject, ['AchievementCredential', 'OpenBadgeCredential'])),
      image: Image,
      endorsement: arrayOf(Endorsement),
      endorsementJwt: arrayOf(pattern(JWS, 'a compact JWS')),
      evidence: arrayOf(Evidence),
    },
  };
});

function run(check: Check, json: unknown): ValidationResult {
  const ctx: Ctx = { errors: [] };
  check(json, '', ctx);
  return { valid: ctx.errors.length === 0, errors: ctx.errors };
}

/**
 * Validates an OpenBadgeCredential / AchievementCredential (VC 2.0, or VC 1.1 when its first
 * context says so). Beyond the schema, OB 3.0 §9 requires the subject to carry an `id` or at
 * least one `identifier`; `schemaOnly` skips that rule.
 */
export function validateOpenBadgeCredential(
  json: unknown,
  opts: { schemaOnly?: boolean } = {},
): ValidationResult {
  const result = run(isV11(json) ? AchievementCredentialV11 : AchievementCredential, json);
  if (!opts.schemaOnly && isObj(json) && isObj(json.credentialSubject)) {
    const s = json.credentialSubject;
    if (s.id === undefined && (!Array.isArray(s.identifier) || s.identifier.length === 0)) {
      result.errors.push({
        path: '/credentialSubject',
        message: 'must have an id or at least one identifier',
      });
      result.valid = false;
    }
  }
  return result;
}

const isV11 = (json: unknown) =>
  isObj(json) && Array.isArray(json['@context']) && json['@context'][0] === VC_V1;

/** Validates an EndorsementCredential (OB 3.0 §B.1.7): VC 2.0, or VC 1.1 when its first context says so. */
export function validateEndorsementCredential(json: unknown): ValidationResult {
  return run(isV11(json) ? EndorsementCredentialV11 : Endorsement, json);
}

export type Ob3CredentialType = 'achievement' | 'endorsement';

/**
 * Which OB 3.0 credential this is: an EndorsementCredential (and not also an achievement
 * credential) is held to the endorsement rules, anything else to the AchievementCredential ones.
 */
export function ob3CredentialType(json: unknown): Ob3CredentialType {
  const types = isObj(json) ? (Array.isArray(json.type) ? json.type : [json.type]) : [];
  const achievement = types.includes('AchievementCredential') || types.includes('OpenBadgeCredential');
  return types.includes('EndorsementCredential') && !achievement ? 'endorsement' : 'achievement';
}

/** Validates an OB 3.0 credential against the rules of its own type (see ob3CredentialType). */
export function validateCredential(json: unknown): ValidationResult & { kind: Ob3CredentialType } {
  const kind = ob3CredentialType(json);
  const result =
    kind === 'endorsement' ? validateEndorsementCredential(json) : validateOpenBadgeCredential(json);
  return { ...result, kind };
}

/** The first few errors as one readable sentence fragment list. */
export function describeValidationErrors(errors: ValidationError[], max = 3): string {
  const shown = errors.slice(0, max).map((e) => `${e.path} ${e.message}`);
  return shown.join('; ') + (errors.length > max ? ` (and ${errors.length - max} more)` : '');
}
