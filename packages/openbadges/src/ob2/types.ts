/** Open Badges 2.0 classes (https://www.imsglobal.org/sites/default/files/Badges/OBv2p0Final/index.html), as JSON. */

export const OB2_CONTEXT_URL = 'https://w3id.org/openbadges/v2';

export type Ob2IdentityObject = {
  type: 'email' | 'url' | 'telephone' | 'id';
  identity: string;
  hashed: boolean;
  salt?: string;
};

export type Ob2VerificationObject = {
  type: 'HostedBadge' | 'SignedBadge' | 'hosted' | 'signed';
  /** SignedBadge: the URL of the CryptographicKey that signed it. */
  creator?: string;
  /** Issuer profile only: where hosted assertions of this issuer may live. */
  allowedOrigins?: string | string[];
  startsWith?: string | string[];
  verificationProperty?: string;
};

export type Ob2Criteria = { id?: string; narrative?: string };

export type Ob2Alignment = {
  targetName: string;
  targetUrl: string;
  targetDescription?: string;
  targetFramework?: string;
  targetCode?: string;
};

export type Ob2Issuer = {
  '@context'?: string;
  id: string;
  type: 'Issuer' | 'Profile';
  name: string;
  url: string;
  email: string;
  description?: string;
  telephone?: string;
  image?: string;
  publicKey?: string | string[];
  verification?: Ob2VerificationObject;
  revocationList?: string;
};

export type Ob2BadgeClass = {
  '@context'?: string;
  id: string;
  type: 'BadgeClass';
  name: string;
  description: string;
  image: string;
  criteria: string | Ob2Criteria;
  issuer: string | Ob2Issuer;
  tags?: string[];
  alignment?: Ob2Alignment[];
};

export type Ob2Evidence = {
  id?: string;
  narrative?: string;
  name?: string;
  description?: string;
  genre?: string;
  audience?: string;
};

export type Ob2Assertion = {
  '@context': string;
  id: string;
  type: 'Assertion';
  recipient: Ob2IdentityObject;
  badge: string | Ob2BadgeClass;
  verification: Ob2VerificationObject;
  issuedOn: string;
  expires?: string;
  image?: string;
  evidence?: Ob2Evidence[] | string;
  narrative?: string;
  revoked?: boolean;
  revocationReason?: string;
};

export type Ob2CryptographicKey = {
  '@context'?: string;
  id: string;
  type: 'CryptographicKey';
  owner: string;
  publicKeyPem: string;
};

export type Ob2RevocationList = {
  '@context'?: string;
  id: string;
  type: 'RevocationList';
  issuer?: string;
  revokedAssertions: (string | { id?: string; uid?: string; revocationReason?: string })[];
};
