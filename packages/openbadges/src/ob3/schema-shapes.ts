// The shapes of OB 3.0's data model, from the official JSON Schema
// (ob_v3p0_achievementcredential_schema.json), checked by ./validate.ts.
import { ACHIEVEMENT_TYPES } from './types.ts';
import { isObj } from '../json-values.ts';
import {
  type Ctx,
  type Check,
  err,
  OB_CONTEXT,
  JWS,
  LANGUAGE,
  str,
  num,
  bool,
  dateTime,
  date,
  pattern,
  arrayOf,
  typeSet,
  oneOfStrings,
  object,
  enumOf,
} from './schema-checks.ts';

const Image = object(() => ({
  required: ['id', 'type'],
  closed: true,
  props: { id: str, type: enumOf(['Image']), caption: str },
}));
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
export const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
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
export function Endorsement(v: unknown, p: string, ctx: Ctx): void {
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

export const EndorsementCredentialV11 = object(() => ({
  required: ['@context', 'type', 'id', 'name', 'credentialSubject', 'issuer', 'issuanceDate'],
  props: v11(envelope(EndorsementSubject, ['EndorsementCredential'])),
}));

export const AchievementCredential = object(() => ({
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
export const AchievementCredentialV11 = object(() => {
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
