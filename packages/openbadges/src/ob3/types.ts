import type { Ob2Evidence } from '../ob2/types.ts';

/** Open Badges 3.0 data model (OB 3.0 appendix B), as JSON. Multi-valued fields are arrays. */

export const ACHIEVEMENT_TYPES = [
  'Achievement',
  'ApprenticeshipCertificate',
  'Assessment',
  'Assignment',
  'AssociateDegree',
  'Award',
  'Badge',
  'BachelorDegree',
  'Certificate',
  'CertificateOfCompletion',
  'Certification',
  'CommunityService',
  'Competency',
  'Course',
  'CoCurricular',
  'Degree',
  'Diploma',
  'DoctoralDegree',
  'Fieldwork',
  'GeneralEducationDevelopment',
  'JourneymanCertificate',
  'LearningProgram',
  'License',
  'Membership',
  'ProfessionalDoctorate',
  'QualityAssuranceCredential',
  'MasterCertificate',
  'MasterDegree',
  'MicroCredential',
  'ResearchDoctorate',
  'SecondarySchoolDiploma',
] as const;

/** One of the spec's achievement types, or an extension term `ext:…`. */
export type AchievementType = (typeof ACHIEVEMENT_TYPES)[number] | `ext:${string}`;

export type IdentityType =
  | 'emailAddress'
  | 'name'
  | 'sourcedId'
  | 'systemId'
  | 'productId'
  | 'userName'
  | 'accountId'
  | 'nationalIdentityNumber'
  | 'isbn'
  | 'issn'
  | 'lisSourcedId'
  | 'oneRosterSourcedId'
  | 'sisSourcedId'
  | 'ltiContextId'
  | 'ltiDeploymentId'
  | 'ltiToolId'
  | 'ltiPlatformId'
  | 'ltiUserId'
  | 'identifier'
  | `ext:${string}`;

export type Image = { id: string; type: 'Image'; caption?: string };

export type Criteria = { id?: string; narrative?: string };

export type Alignment = {
  type: string[];
  targetName: string;
  targetUrl: string;
  targetCode?: string;
  targetDescription?: string;
  targetFramework?: string;
  targetType?: string;
};

export type IdentifierEntry = { type: 'IdentifierEntry'; identifier: string; identifierType: string };

export type Related = { id: string; type: string[]; inLanguage?: string; version?: string };

export type ResultDescription = {
  id: string;
  type: string[];
  name: string;
  resultType: string;
  alignment?: Alignment[];
  allowedValue?: string[];
  requiredLevel?: string;
  requiredValue?: string;
  rubricCriterionLevel?: {
    id: string;
    type: string[];
    name: string;
    description?: string;
    level?: string;
    points?: string;
  }[];
  valueMax?: string;
  valueMin?: string;
};

export type Result = {
  type: string[];
  resultDescription?: string;
  achievedLevel?: string;
  alignment?: Alignment[];
  status?: 'Completed' | 'Enrolled' | 'Failed' | 'InProgress' | 'OnHold' | 'Provisional' | 'Withdrew';
  value?: string;
};

export type Address = {
  type: string[];
  addressCountry?: string;
  addressCountryCode?: string;
  addressRegion?: string;
  addressLocality?: string;
  streetAddress?: string;
  postOfficeBoxNumber?: string;
  postalCode?: string;
};

export type Profile = {
  id: string;
  type: string[];
  name?: string;
  url?: string;
  phone?: string;
  description?: string;
  image?: Image;
  email?: string;
  address?: Address;
  otherIdentifier?: IdentifierEntry[];
  official?: string;
  parentOrg?: Profile;
  endorsement?: EndorsementCredential[];
  endorsementJwt?: string[];
};

export type Achievement = {
  id: string;
  type: string[];
  name: string;
  description: string;
  criteria: Criteria;
  image?: Image;
  achievementType?: AchievementType;
  alignment?: Alignment[];
  tag?: string[];
  creator?: Profile;
  creditsAvailable?: number;
  fieldOfStudy?: string;
  humanCode?: string;
  inLanguage?: string;
  resultDescription?: ResultDescription[];
  specialization?: string;
  version?: string;
  otherIdentifier?: IdentifierEntry[];
  related?: Related[];
  endorsement?: EndorsementCredential[];
  endorsementJwt?: string[];
};

/** A recipient identifier; `identityHash` is `sha256$<hex>` (or `md5$`) when `hashed`. */
export type IdentityObject = {
  type: 'IdentityObject';
  identityType: IdentityType;
  hashed: boolean;
  identityHash: string;
  salt?: string;
};

export type AchievementSubject = {
  id?: string;
  type: string[];
  achievement: Achievement;
  identifier?: IdentityObject[];
  result?: Result[];
  narrative?: string;
  image?: Image;
  creditsEarned?: number;
  activityStartDate?: string;
  activityEndDate?: string;
  licenseNumber?: string;
  role?: string;
  term?: string;
  source?: Profile;
};

/** OB 3.0 Evidence: the members of OB 2.0 Evidence, with a type (`['Evidence']`). */
export type Evidence = { type: string[] } & Ob2Evidence;

export type BitstringStatusListEntry = {
  id: string;
  type: 'BitstringStatusListEntry';
  statusPurpose: 'revocation' | 'suspension' | (string & {});
  statusListIndex: string;
  statusListCredential: string;
};

/** 1EdTech Revocation List (VCRL 1.0): `id` is the list URL. */
export type RevocationListStatus = { id: string; type: '1EdTechRevocationList' };

export type CredentialStatus = BitstringStatusListEntry | RevocationListStatus;

export type CredentialSchema = { id: string; type: '1EdTechJsonSchemaValidator2019' | (string & {}) };

export type Proof = {
  type: string;
  cryptosuite?: string;
  created?: string;
  verificationMethod?: string;
  proofPurpose?: string;
  proofValue?: string;
  [extra: string]: unknown;
};

export type EndorsementSubject = { id: string; type: string[]; endorsementComment?: string };

type CredentialEnvelope = {
  '@context': (string | Record<string, unknown>)[];
  id: string;
  type: string[];
  issuer: Profile | string;
  validFrom: string;
  validUntil?: string;
  awardedDate?: string;
  name?: string;
  description?: string;
  credentialSchema?: CredentialSchema[];
  credentialStatus?: CredentialStatus;
  refreshService?: { id: string; type: string };
  termsOfUse?: { type: string; id?: string }[];
  proof?: Proof | Proof[];
  [extra: string]: unknown;
};

export type EndorsementCredential = CredentialEnvelope & {
  name: string;
  credentialSubject: EndorsementSubject;
};

/** OpenBadgeCredential, the OB 3.0 name for an AchievementCredential. */
export type OpenBadgeCredential = CredentialEnvelope & {
  image?: Image;
  credentialSubject: AchievementSubject;
  evidence?: Evidence[];
  endorsement?: EndorsementCredential[];
  endorsementJwt?: string[];
};
