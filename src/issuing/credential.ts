// Everything the issuing feature asks of the format library, in one place: building the
// OpenBadgeCredential of an award and signing it both ways (Data Integrity and VC-JWT).
import {
  type Achievement,
  buildOpenBadgeCredential,
  emailIdentifier,
  normalizeEmail,
  type ProfileInput,
} from '@laurel/openbadges/ob3';
import { signDataIntegrity, signVcJwt } from '@laurel/openbadges/proof';
import { isoSeconds } from '../util/dates.ts';
import type { EvidenceItem } from './tables.ts';

export interface SigningKey {
  verificationMethod: string;
  issuerId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** What stays the same for every award of one template: computed once per request or batch chunk. */
export interface IssuerBundle {
  issuer: Record<string, unknown>;
  achievement: Record<string, unknown>;
  credentialName: string;
  key: SigningKey;
}

export interface AwardFacts {
  awardId: string;
  email: string;
  salt: string;
  issuedAt: Date;
  validUntil: Date | null;
  evidenceUrl: string | null;
  evidenceNarrative: string | null;
  /** Further Evidence objects (an application's answers and public files, a renewed credential). */
  evidence?: EvidenceItem[] | null;
  statusListUrl: string;
  statusIndex: number;
  /** The proof's `created` (to the second); now when not given. Given, signing is deterministic. */
  proofCreated?: Date;
}

export interface SignedAward {
  credentialJson: string;
  credentialJwt: string;
}

export function awardCredential(bundle: IssuerBundle, facts: AwardFacts): Record<string, unknown> {
  const items = evidenceItems(facts);
  const evidence = items.length ? items.map((e) => evidenceObject(e, ['Evidence'])) : undefined;
  return buildOpenBadgeCredential({
    id: `urn:uuid:${facts.awardId}`,
    name: bundle.credentialName,
    issuer: bundle.issuer as ProfileInput,
    validFrom: isoSeconds(facts.issuedAt),
    ...(facts.validUntil ? { validUntil: isoSeconds(facts.validUntil) } : {}),
    subject: { identifier: [emailIdentifier(normalizeEmail(facts.email), facts.salt)] },
    achievement: bundle.achievement as Achievement,
    ...(evidence ? { evidence } : {}),
    credentialStatus: {
      id: `${facts.statusListUrl}#${facts.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(facts.statusIndex),
      statusListCredential: facts.statusListUrl,
    },
  }) as unknown as Record<string, unknown>;
}

/** An award's evidence, in the order it is signed: the issuer's link and narrative first. */
export function evidenceItems(a: {
  evidenceUrl: string | null;
  evidenceNarrative: string | null;
  evidence?: EvidenceItem[] | null;
}): EvidenceItem[] {
  return [
    ...(a.evidenceUrl || a.evidenceNarrative
      ? [{ id: a.evidenceUrl ?? undefined, narrative: a.evidenceNarrative ?? undefined }]
      : []),
    ...(a.evidence ?? []),
  ];
}

/** An Evidence object with only the fields given (`type` as OB 3.0 wants it, or OB 2.0's string). */
export function evidenceObject<T>(e: EvidenceItem, type: T): Record<string, unknown> {
  return {
    ...(e.id ? { id: e.id } : {}),
    type,
    ...(e.name ? { name: e.name } : {}),
    ...(e.narrative ? { narrative: e.narrative } : {}),
    ...(e.description ? { description: e.description } : {}),
    ...(e.genre ? { genre: e.genre } : {}),
  };
}

/** Signs one credential both ways; the texts returned are stored and served byte for byte. */
export async function signAward(bundle: IssuerBundle, facts: AwardFacts): Promise<SignedAward> {
  const credential = awardCredential(bundle, facts);
  const signed = await signDataIntegrity(credential, {
    secretKey: bundle.key.secretKey,
    verificationMethod: bundle.key.verificationMethod,
    created: isoSeconds(facts.proofCreated ?? new Date()),
  });
  const jwt = await signVcJwt(credential, {
    secretKey: bundle.key.secretKey,
    verificationMethod: bundle.key.verificationMethod,
  });
  // The official OB 3.0 JSON schema requires `proof` to be an array (a proof set, VC-DI §2.1).
  return { credentialJson: JSON.stringify({ ...signed, proof: [signed.proof] }), credentialJwt: jwt };
}

/** Signs several awards in order, in the calling thread (see signing-pool.ts for every core). */
export async function signAwards(bundle: IssuerBundle, facts: AwardFacts[]): Promise<SignedAward[]> {
  const out: SignedAward[] = [];
  for (const f of facts) out.push(await signAward(bundle, f));
  return out;
}
