// What leaves the orgs feature: the issuer's identity (did:web, OB3 Profile, OB2 Issuer) and the
// organization as the JSON API shows it, with the schema that describes exactly those fields.
import { didWebFromUrl } from '@laurel/openbadges/proof';
import { type Static, Type } from 'typebox';
import type { Config } from '../config.ts';
import type { Org } from './service.ts';

export const orgUrl = (config: Config, slug: string) => `${config.baseUrl}/orgs/${slug}`;

/** `did:web:<host>[%3A<port>]:orgs:<slug>` (platform decision; did:web §3.1 encodes the port colon). */
export function issuerDid(config: Config, slug: string): string {
  return didWebFromUrl(config.baseUrl, ['orgs', slug]);
}

export interface IssuerProfile {
  id: string;
  type: ['Profile'];
  name: string;
  url: string;
  email?: string;
  description?: string;
  image?: { id: string; type: 'Image' };
}

/** The OB3 Profile of the issuer, as embedded in credentials and achievements. */
export function issuerProfile(config: Config, org: Org): IssuerProfile {
  const profile: IssuerProfile = {
    id: issuerDid(config, org.slug),
    type: ['Profile'],
    name: org.name,
    url: orgUrl(config, org.slug),
  };
  if (org.contactEmail) profile.email = org.contactEmail;
  if (org.description) profile.description = org.description;
  if (org.hasLogo) profile.image = { id: `${orgUrl(config, org.slug)}/logo`, type: 'Image' };
  return profile;
}

/** The Profile document served at /orgs/:slug/profile.json. */
export const profileDocument = (config: Config, org: Org) => ({
  '@context': [
    'https://www.w3.org/ns/credentials/v2',
    'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
  ],
  ...issuerProfile(config, org),
});

/** The OB2 Issuer document served at /orgs/:slug/issuer.json. */
export function ob2Issuer(config: Config, org: Org) {
  const url = orgUrl(config, org.slug);
  const issuer: Record<string, unknown> = {
    '@context': 'https://w3id.org/openbadges/v2',
    id: `${url}/issuer.json`,
    type: 'Issuer',
    name: org.name,
    url: org.website ?? url,
    verification: { allowedOrigins: [new URL(config.baseUrl).host] },
    revocationList: `${url}/ob2/revocations.json`,
  };
  if (org.contactEmail) issuer.email = org.contactEmail;
  if (org.description) issuer.description = org.description;
  if (org.hasLogo) issuer.image = `${url}/logo`;
  return issuer;
}

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** An organization in the JSON API. */
export const OrgSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Type.String(),
  name: Type.String(),
  did: Type.String({ description: 'The did:web issuer identifier.' }),
  url: Type.String(),
  website: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  description: Nullable(Type.String()),
  linkedinOrgId: Nullable(Type.String()),
  reminderDays: Type.Array(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
});

export function presentOrg(config: Config, org: Org): Static<typeof OrgSchema> {
  return {
    id: org.id,
    slug: org.slug,
    name: org.name,
    did: issuerDid(config, org.slug),
    url: orgUrl(config, org.slug),
    website: org.website,
    contactEmail: org.contactEmail,
    description: org.description,
    linkedinOrgId: org.linkedinOrgId,
    reminderDays: org.reminderDays,
    createdAt: org.createdAt.toISOString(),
  };
}
